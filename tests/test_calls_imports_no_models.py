"""The calls app imports no model module of orgs or users, neither directly nor through
orgs.voice: its own call log (calls.models) is the only one it loads.

Each probe runs in a fresh interpreter (tests/import_probe.py), where nothing has loaded the
apps' models beforehand, as it would be in a host that installs calls without orgs or users.
"""

import json
import os
import subprocess
import sys

from tests.contract import ROOT

TOKEN_PATH_MODULES = {
    "calls.apis",
    "calls.authentication",
    "calls.checks",
    "calls.conf",
    "calls.services",
    "calls.throttling",
    "calls.urls",
}


def _probe(*modules: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603 - the test's own interpreter, module names of its own
        [sys.executable, "-m", "tests.import_probe", *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_calls_module_imports_without_another_apps_model_module():
    report = _probe()

    assert report["failed"] == {}
    assert set(report["imported"]) >= TOKEN_PATH_MODULES
    assert report["model_modules"] == ["calls.models"]


def test_the_probe_sees_a_model_module_imported_on_the_way():
    report = _probe("orgs.voice", "orgs.selectors")

    assert report["imported"] == ["orgs.voice"]
    assert report["model_modules"] == ["calls.models", "orgs.models"]
