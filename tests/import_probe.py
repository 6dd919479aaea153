"""``python -m tests.import_probe [MODULE...]``: which app model modules importing them loads.

Django is set up with the calls app and Django's own (no orgs, no users), and a finder placed
first on ``sys.meta_path`` before set-up records every import attempted, even one that fails. With
no arguments it imports every module of the calls package. Prints one JSON object.
"""

import importlib
import importlib.util
import json
import pkgutil
import sys

APPS = {"calls", "orgs", "users"}


class ImportRecorder:
    """Records the name of every module looked up, and finds none itself."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, fullname, path=None, target=None):
        self.names.append(fullname)
        return None


def _setup() -> None:
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="import-probe",
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.messages",
            "django.contrib.sessions",
            "calls",
        ],
    )
    django.setup()


def _calls_modules() -> list[str]:
    import calls

    return [info.name for info in pkgutil.walk_packages(calls.__path__, "calls.")]


def main(modules: list[str]) -> dict:
    """Import the modules and report what was imported, what failed, and the model modules."""
    recorder = ImportRecorder()
    sys.meta_path.insert(0, recorder)
    _setup()
    imported, failed = [], {}
    for name in modules or _calls_modules():
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - the probe reports any failure, and goes on
            failed[name] = type(error).__name__
        else:
            imported.append(name)
    sys.meta_path.remove(recorder)
    return {"imported": imported, "failed": failed, "model_modules": _model_modules(recorder)}


def _model_modules(recorder: ImportRecorder) -> list[str]:
    # Django's app registry looks for a models module in every app; only real ones count.
    names = {
        name
        for name in recorder.names
        if name.split(".")[0] in APPS and "models" in name.split(".")
    }
    return sorted(name for name in names if importlib.util.find_spec(name) is not None)


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
