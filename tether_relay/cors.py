"""django-cors-headers' middleware, with its preflight answers never cached either."""

from corsheaders import middleware


class CorsMiddleware(middleware.CorsMiddleware):
    """A preflight is answered here, before any view: give it the API's ``no-store`` too."""

    def check_preflight(self, request):
        response = super().check_preflight(request)
        if response is not None:
            response["Cache-Control"] = "no-store"
        return response
