#!/usr/bin/env bash
# make contract: a real server (gunicorn, production settings, fresh SQLite database) on
# loopback, a probe of every documented response, then schemathesis with all checks and both
# positive and negative data, against the contract and against the project's own openapi.yaml.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
PORT=${CONTRACT_PORT:-22120}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d /tmp/tether-contract.XXXXXX)
CONTRACT=${CONTRACT_PATH:-../shared/contract/openapi.yaml}

export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="contract-run-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-0123456789abcdef"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false
export FIELD_ENCRYPTION_KEYS=$($BIN/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export JWT_SIGNING_KEY="contract-run-jwt-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
# Schemathesis sends hundreds of requests as one user; the per-user limit is raised for this run
# only, so that every check sees the real response rather than a 429.
export TOKEN_THROTTLE_RATE=100000/minute

cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

$BIN/python manage.py migrate --noinput -v0
TOKENS=$($BIN/python -m tests.contract_run.seed)
$BIN/gunicorn tether_relay.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --log-level warning --error-logfile "$WORK/gunicorn.log" &
SERVER_PID=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "$BASE/api/schema/" && break
  sleep 0.2
done

echo "== probe: every documented response of the token endpoint =="
$BIN/python -m tests.contract_run.probe "$BASE" "$TOKENS"

OK_TOKEN=$($BIN/python -c 'import json,sys; print(json.loads(sys.argv[1])["200"])' "$TOKENS")
for document in "$CONTRACT" openapi.yaml; do
  echo "== schemathesis against $document =="
  $BIN/schemathesis run "$document" --url "$BASE" --checks all --mode all \
    --header "Authorization: Bearer $OK_TOKEN" --max-examples 50 --seed 2212 \
    --generation-database none --no-color --report-dir "$WORK/report"
done
