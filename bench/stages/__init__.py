"""Where a token request's time goes: the endpoint built up stage by stage, timed in-process."""

# Each stage's path under /api/stage/ (the middleware the API gets) and what it adds, in order.
STAGES = {
    "django": "Django view, constant JSON, the project's middleware",
    "drf": "DRF APIView, constant JSON",
    "authenticated": "+ authentication: bearer JWT verified, caller query",
    "throttled": "+ the per-user throttle",
    "minted": "+ minting and the 200 body",
    "full": "+ Cache-Control and the audit line: the endpoint",
    "plain": "straightforward DRF endpoint",
}
