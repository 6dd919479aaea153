"""The proof that the apps mount in another project: wheel, fresh virtualenv, host project.

The wheel is built by ``python -m build`` from a copy of this repository, installed with its
dependencies (from PyPI or the pip cache) into a new virtualenv, and tests/host_project, copied
to a temporary directory, runs there with that virtualenv's interpreter: nothing of this
repository is on its path. Both are made once for the module. Two host configurations: the
apps' own users, and a host with its own user model and resolver.
"""

import ast
import email.parser
import importlib.metadata
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import jwt
import pytest
from packaging.requirements import Requirement

from tests.contract import ROOT
from tests.live_server import free_port

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
    assert "nbf" not in claims
    assert claims["exp"] - int(claims["jti"].rsplit("-", 1)[1]) == lifetime
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
    # The shipped orgs.resolvers, following the member's line to its number and organization.
    _assert_token(result, given, lifetime=3600)


# The monolith: Django 6 on Python 3.13 (or 3.12), its own users app, uv without pip.
MONOLITH = Path(__file__).resolve().parent / "monolith"
MONOLITH_DJANGO = "Django>=6.0,<6.2"


def _newest_python() -> str:
    """An interpreter that Django 6 runs on: this one, or 3.13 or 3.12 from pyenv or PATH."""
    candidates = [sys.executable]
    for version in ("3.13", "3.12"):
        candidates += [_pyenv_which(version), shutil.which(f"python{version}")]
    for candidate in filter(None, candidates):
        if _runs_django_6(candidate):
            return candidate
    missing = (
        "The Django 6 host needs Python 3.12 or 3.13 (python3.13 on PATH, or under pyenv); "
        "none was found."
    )
    # CI has one by contract (.ci/run checks); a developer's machine may not.
    if os.environ.get("CI"):
        pytest.fail(missing)
    pytest.skip(missing)


def _runs_django_6(python: str) -> bool:
    probe = subprocess.run(  # noqa: S603 - an interpreter asked for its version
        [python, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def _pyenv_which(version: str) -> str | None:
    """Where pyenv keeps its newest installed Python of this minor release, if it has one."""
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return None
    listed = subprocess.run(  # noqa: S603 - pyenv lists its own versions
        [pyenv, "versions", "--bare"], capture_output=True, text=True, check=False
    ).stdout.split()
    matching = [v for v in listed if v.startswith(version + ".") and v.count(".") == 2]
    if not matching:
        return None
    newest = max(matching, key=lambda v: int(v.rsplit(".", 1)[1]))
    found = subprocess.run(  # noqa: S603 - pyenv, asked where that version lives
        [pyenv, "which", f"python{version}"],
        env={**os.environ, "PYENV_VERSION": newest},
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() if found.returncode == 0 else None


def _uv(*args, cwd: Path) -> str:
    return _run(sys.executable, "-m", "uv", *args, cwd=cwd)


@pytest.fixture(scope="module")
def monolith_venv(tmp_path_factory, wheel) -> tuple[Path, str]:
    """A uv-made virtualenv with no pip: the newest Django 6 first, then the wheel under a
    constraint that pins that Django, so that an install that would change it fails."""
    venv = tmp_path_factory.mktemp("monolith") / "venv"
    _uv("venv", "--quiet", "--python", _newest_python(), venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    _uv("pip", "install", "--quiet", "--python", python, MONOLITH_DJANGO, cwd=venv.parent)
    django_version = _run(python, "-c", "import django; print(django.__version__)", cwd=venv)
    constraints = venv.parent / "constraints.txt"
    constraints.write_text(f"Django=={django_version.strip()}\n")
    _uv(
        "pip", "install", "--quiet", "--python", python, "--constraint", constraints, wheel,
        cwd=venv.parent,
    )  # fmt: skip
    after = _run(python, "-c", "import django; print(django.__version__)", cwd=venv)
    assert after == django_version
    return venv, django_version.strip()


def test_the_monoliths_install_cannot_change_its_django(monolith_venv):
    venv, django_version = monolith_venv
    constraints = venv.parent / "constraints.txt"

    refused = subprocess.run(  # noqa: S603 - uv, asked for what the constraint forbids
        [sys.executable, "-m", "uv", "pip", "install", "--dry-run", "--python",
         venv / "bin" / "python", "--constraint", constraints, "Django<6"],
        capture_output=True, text=True, timeout=600, check=False, env=_env(),
    )  # fmt: skip

    assert django_version.startswith("6.")
    assert refused.returncode != 0, refused.stdout
    assert not (venv / "bin" / "pip").exists()


def _post(url: str, data: dict, **headers) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    if headers.get("Content-Type") == "application/json":
        body = json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _get(url: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _serve(python: Path, host: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log.open("w") as output:  # the server keeps its own copy of the descriptor
        server = subprocess.Popen(  # noqa: S603 - the monolith's own runserver, on loopback
            [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=host,
            env=_env(DJANGO_SETTINGS_MODULE="monolith.settings"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            _get(base + "/admin/login/")
            return server, base
        except OSError:
            time.sleep(0.1)
    server.kill()
    pytest.fail(f"the monolith did not start:\n{log.read_text()}")


def test_a_django_6_monolith_with_its_own_users_app_signs_in_mints_and_routes_calls(
    monolith_venv, tmp_path
):
    from twilio.request_validator import RequestValidator

    venv, _ = monolith_venv
    python = venv / "bin" / "python"
    host = tmp_path / "monolith"
    shutil.copytree(MONOLITH, host, ignore=_NOT_SOURCE)
    env = _env(DJANGO_SETTINGS_MODULE="monolith.settings")
    given = {
        "account_sid": "AC" + secrets.token_hex(16),
        "api_key_sid": "SK" + secrets.token_hex(16),
        "api_key_secret": secrets.token_hex(16),
        "twiml_app_sid": "AP" + secrets.token_hex(16),
        "auth_token": secrets.token_hex(16),
        "ttl": 1200,
        "number": "+14165550123",
        "email": "ada@example.com",
        "password": "monolith-" + secrets.token_hex(8),
    }
    _run(python, "manage.py", "migrate", "--noinput", "-v0", cwd=host, env=env)
    checked = subprocess.run(  # noqa: S603 - the monolith's own check
        [python, "manage.py", "check"], cwd=host, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    seeded = json.loads(_run(python, "seed.py", json.dumps(given), cwd=host, env=env))
    log = tmp_path / "server.log"
    server, base = _serve(python, host, log)
    try:
        signed_in = _post(
            base + "/api/auth/token",
            {"email": given["email"], "password": given["password"]},
            **{"Content-Type": "application/json"},
        )
        access = json.loads(signed_in[1])["access"]
        minted = _get(base + "/relay/token/twilio", Authorization=f"Bearer {access}")
        validator = RequestValidator(given["auth_token"])

        def signed(path: str, params: dict) -> tuple[int, str]:
            signature = validator.compute_signature(base + path, params)
            return _post(base + path, params, **{"X-Twilio-Signature": signature})

        calls = {"AccountSid": given["account_sid"], "CallSid": "CA" + secrets.token_hex(16)}
        ringing = signed(
            "/relay/webhook/twilio/inbound",
            {**calls, "To": given["number"], "From": "+12025550143"},
        )
        dialling = signed(
            "/relay/webhook/twilio/outbound",
            {**calls, "From": f"client:{given['number']}", "To": "+14165550199"},
        )
        # The softphone's leg of the incoming call rang unanswered: a missed call in the log.
        leg = {
            "AccountSid": given["account_sid"],
            "CallSid": "CA" + secrets.token_hex(16),
            "ParentCallSid": calls["CallSid"],
            "CallStatus": "no-answer",
            "To": f"client:{given['number']}",
        }
        progressed = signed("/relay/webhook/twilio/status", leg)
        history = _get(base + "/relay/history?missed=true", Authorization=f"Bearer {access}")
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout
    assert os.path.realpath(seeded["users_app_file"]).startswith(os.path.realpath(host))
    assert seeded["admin_change_status"] == 200
    assert seeded["admin_change_has_voice_fields"] is True
    assert seeded["admin_list_status"] == 200
    assert seeded["admin_list_shows_number"] is True
    assert signed_in[0] == 200, signed_in
    assert minted[0] == 200, minted
    body = json.loads(minted[1])
    assert body["identity"] == given["number"]
    assert body["userId"] == seeded["user_id"]
    claims = jwt.decode(body["token"], given["api_key_secret"], algorithms=["HS256"])
    assert claims["sub"] == given["account_sid"]
    assert claims["iss"] == given["api_key_sid"]
    assert "nbf" not in claims
    assert claims["exp"] - int(claims["jti"].rsplit("-", 1)[1]) == given["ttl"]
    assert ringing[0] == 200, ringing
    ring = ElementTree.fromstring(ringing[1])  # noqa: S314 - our own TwiML
    assert ring.find("Dial/Client").text == claims["grants"]["identity"]
    assert dialling[0] == 200, dialling
    dial = ElementTree.fromstring(dialling[1])  # noqa: S314 - our own TwiML
    assert dial.find("Dial/Number").text == "+14165550199"
    assert dial.find("Dial").get("callerId") == given["number"]
    assert progressed[0] == 204, progressed
    assert history[0] == 200, history
    (missed,) = json.loads(history[1])["results"]
    assert (missed["direction"], missed["otherParty"], missed["missed"]) == (
        "inbound",
        "+12025550143",
        True,
    )
    server_log = log.read_text()
    assert "Traceback" not in server_log
    assert '"POST /relay/webhook/twilio/inbound HTTP/1.1" 200' in server_log


def _imported_top_level_modules() -> set[str]:
    """Every top-level module that a file of the three apps imports, the standard library and
    the apps themselves left out."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.partition(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    found.add(node.module.partition(".")[0])
    return found - set(sys.stdlib_module_names) - set(APPS) - {"__future__"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_wheel_requires_exactly_what_the_apps_import(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        headers = email.parser.Parser().parsestr(archive.read(metadata).decode())
    required = {
        _canonical(re.match(r"[A-Za-z0-9._-]+", line).group())
        for line in headers.get_all("Requires-Dist")
        if "extra ==" not in line
    }
    distributions = importlib.metadata.packages_distributions()

    imported = {
        _canonical(dist)
        for module in _imported_top_level_modules()
        for dist in distributions[module]
    }

    assert imported == required
    assert {"gunicorn", "redis", "django-environ", "drf-spectacular-sidecar"}.isdisjoint(required)
    (django,) = [
        Requirement(line) for line in headers.get_all("Requires-Dist") if line.startswith("Django")
    ]
    assert [
        v for v in ("5.1.9", "5.2", "5.2.19", "6.0.4", "6.1.3", "6.2") if v in django.specifier
    ] == [
        "5.2",
        "5.2.19",
        "6.0.4",
        "6.1.3",
    ]
    classifiers = set(headers.get_all("Classifier"))
    assert {f"Framework :: Django :: {v}" for v in ("5.2", "6.0", "6.1")} <= classifiers
    assert {f"Programming Language :: Python :: 3.{v}" for v in (11, 12, 13)} <= classifiers
