"""The proof that the apps mount in another project: wheel, fresh virtualenv, host project.

The wheel is built by ``python -m build`` from a copy of this repository, installed with its
dependencies (from PyPI or the pip cache) into a new virtualenv, and tests/host_project, copied
to a temporary directory, runs there with that virtualenv's interpreter: nothing of this
repository is on its path. Both are made once for the module. Two host configurations: the
apps' own users, and a host with its own user model and resolver.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import jwt
import pytest

from tests.contract import ROOT

pytestmark = pytest.mark.host_project

HOST_PROJECT = Path(__file__).resolve().parent / "host_project"
APPS = ("calls", "orgs", "users")
# Files a packaging configuration must pick up although no app ships one yet.
PACKAGE_DATA_PROBES = (
    "orgs/templates/orgs/packaging_probe.html",
    "calls/static/calls/packaging_probe.js",
    "users/locale/fr/LC_MESSAGES/packaging_probe.po",
)
_NOT_SOURCE = shutil.ignore_patterns(
    ".*", "__pycache__", "*.pyc", "*.egg-info", "build", "dist", "db.sqlite3*", "staticfiles"
)
# Nothing that could point an interpreter at this repository or its settings is passed on;
# pip's configuration, proxies and certificates are.
_DROPPED_ENV = ("PYTHON", "DJANGO_", "VIRTUAL_ENV", "DATABASE_URL", "CACHE_URL")


def _env(**extra: str) -> dict:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_ENV)}
    return {**kept, **extra}


def _run(*args, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - interpreters and files this module made itself
        [str(arg) for arg in args],
        cwd=cwd,
        env=env or _env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _build_wheel(source: Path, outdir: Path) -> Path:
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", outdir, source, cwd=source)
    (wheel,) = outdir.glob("*.whl")
    return wheel


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _source_copy(tmp_path_factory) -> Path:
    # A copy, so that build/ and *.egg-info never land in (or leak stale files from) the tree.
    source = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    return source


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = _source_copy(tmp_path_factory)
    return _build_wheel(source, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    # Without a pip of its own and without byte-compiling everything: seconds saved on each run.
    # This pip installs into the new environment only (--python); nothing of ours goes with it.
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv)
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-compile",
        wheel,
        cwd=venv,
    )
    return venv


def test_the_wheel_holds_the_three_apps_and_their_migrations_only(wheel):
    names = _names(wheel)

    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == set(APPS)
    assert {
        "orgs/migrations/0001_initial.py",
        "users/migrations/0001_initial.py",
        "orgs/management/commands/rotate_encryption_keys.py",
        "calls/urls.py",
    } <= names
    assert not [name for name in names if name.startswith(("tether_relay/", "tests/"))]


def test_every_file_of_the_apps_is_in_the_wheel_templates_and_static_too(tmp_path_factory):
    source = _source_copy(tmp_path_factory)
    for probe in PACKAGE_DATA_PROBES:
        (source / probe).parent.mkdir(parents=True, exist_ok=True)
        (source / probe).write_text("packaging probe\n")

    names = _names(_build_wheel(source, source / "dist"))

    files = {
        path.relative_to(source).as_posix()
        for app in APPS
        for path in (source / app).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert set(PACKAGE_DATA_PROBES) <= files
    assert files - names == set()


def _host(venv: Path, tmp_path: Path, settings_module: str) -> tuple[dict, dict]:
    """Migrate a fresh database in a copy of the host project, then mint through its URL."""
    host = tmp_path / "host"
    shutil.copytree(HOST_PROJECT, host, ignore=_NOT_SOURCE)
    python = venv / "bin" / "python"
    env = _env(DJANGO_SETTINGS_MODULE=settings_module)
    given = {
        "account_sid": "AC" + secrets.token_hex(16),
        "api_key_sid": "SK" + secrets.token_hex(16),
        "api_key_secret": secrets.token_hex(16),
        "twiml_app_sid": "AP" + secrets.token_hex(16),
        "number": "+14165550123",
    }
    _run(python, "manage.py", "migrate", "--noinput", "-v0", cwd=host, env=env)
    out = _run(python, "mint_token.py", json.dumps(given), cwd=host, env=env)
    return given, json.loads(out.splitlines()[-1])


def _assert_apps_come_from_the_venv_only(result: dict, venv: Path) -> None:
    venv_dir = os.path.realpath(venv) + os.sep
    assert os.path.realpath(result["calls_file"]).startswith(venv_dir)
    assert os.path.realpath(result["orgs_file"]).startswith(venv_dir)
    assert not [p for p in result["sys_path"] if os.path.realpath(p or ".").startswith(str(ROOT))]
    assert result["tether_relay_importable"] is False


def _assert_token(result: dict, given: dict, lifetime: int) -> None:
    assert result["url"] == "/relay/token/twilio"
    assert result["status"] == 200, result["body"]
    body = result["body"]
    assert body["identity"] == given["number"]
    assert body["userId"] == result["user_id"]
    assert body["expiresAt"].endswith("Z")
    claims = jwt.decode(body["token"], given["api_key_secret"], algorithms=["HS256"])
    assert claims["iss"] == given["api_key_sid"]
    assert claims["sub"] == given["account_sid"]
    assert claims["grants"]["identity"] == given["number"]
    assert claims["grants"]["voice"]["outgoing"] == {"application_sid": given["twiml_app_sid"]}
    assert claims["exp"] - claims["nbf"] == lifetime
    # A signed incoming call to the member's number rings the identity the token carries.
    ring = ElementTree.fromstring(result["inbound_twiml"])  # noqa: S314 - our own TwiML
    assert ring.find("Dial/Client").text == claims["grants"]["identity"]


def test_a_host_with_the_apps_own_users_gets_a_token_under_its_prefix(venv, tmp_path):
    given, result = _host(venv, tmp_path, "relay_host.settings")

    _assert_apps_come_from_the_venv_only(result, venv)
    assert result["user_model"] == "users.User"
    _assert_token(result, given, lifetime=3600)


def test_a_host_with_its_own_user_model_and_resolver_gets_a_token(venv, tmp_path):
    given, result = _host(venv, tmp_path, "relay_host.settings_accounts")

    _assert_apps_come_from_the_venv_only(result, venv)
    assert result["user_model"] == "accounts.Member"
    assert result["user_has_number_field"] is False
    assert result["users_modules"] == []
    # The host's resolver leaves the lifetime to its CALLS_DEFAULT_TOKEN_TTL of 900 seconds.
    _assert_token(result, given, lifetime=900)
