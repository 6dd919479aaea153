#!/usr/bin/env bash
# make faults: two production-mode app servers, each behind nginx with deploy/nginx/proxy.conf,
# over one private PostgreSQL 15 and one private Redis, all on loopback, under steady load while
# the drill (faults/drill.py) breaks things: the throttle across servers, PostgreSQL stopped,
# Redis killed, credentials changed mid-load, PostgreSQL and Redis frozen, packets to
# PostgreSQL dropped, slow clients, a read-only database.
# Everything started here is stopped on exit, whether the drill passed or not.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

export DEBIAN_FRONTEND=noninteractive
NEEDED=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || NEEDED+=(postgresql-15)
command -v redis-server >/dev/null || NEEDED+=(redis-server)
command -v nginx >/dev/null || NEEDED+=(nginx-light)
command -v nft >/dev/null || NEEDED+=(nftables)
if [ ${#NEEDED[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "${NEEDED[@]}" >/dev/null
fi
# Dropping packets (nftables) needs root; nothing else does.
[ "$(id -u)" = 0 ] || { echo "make faults needs root, for nftables" >&2; exit 1; }

# Free loopback ports unless told: other servers may be running on this machine.
read -r -a FREE < <($BIN/python -c 'import socket
sockets = [socket.socket() for _ in range(6)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')
export FAULTS_PG_PORT=${FAULTS_PG_PORT:-${FREE[0]}}
export FAULTS_REDIS_PORT=${FAULTS_REDIS_PORT:-${FREE[1]}}
APP_PORTS=(${FAULTS_APP_PORTS:-${FREE[2]} ${FREE[3]}})
PROXY_PORTS=(${FAULTS_PROXY_PORTS:-${FREE[4]} ${FREE[5]}})
WORK=$(mktemp -d /tmp/tether-faults.XXXXXX)
export FAULTS_PG_DIR=$(mktemp -d /tmp/tether-faults-pg.XXXXXX)
export FAULTS_REDIS_DIR="$WORK/redis"
export FAULTS_NGINX_DIR="$WORK/nginx"
export FAULTS_APP_LOGS="$WORK"
mkdir "$FAULTS_REDIS_DIR"
. faults/services.sh
PIDS=()  # the app servers, then the drill: stopped on exit

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  services_stop
  if [ "$status" != 0 ]; then
    for log in "$WORK"/app-*.log; do
      [ -f "$log" ] || continue
      echo "== last lines of $(basename "$log"), audit lines left out =="
      grep -v '"event":"voice_token"' "$log" | tail -n 20 || true
    done
  fi
  rm -rf "$WORK" "$FAULTS_PG_DIR"
  exit "$status"
}
trap cleanup EXIT
# Interrupted (Ctrl-C, CI's timeout): exit, so that the cleanup above runs.
trap 'exit 130' INT TERM

export DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="faults-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-0123456789abcdef"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=false
export FIELD_ENCRYPTION_KEYS=$($BIN/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export JWT_SIGNING_KEY="faults-jwt-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
export DATABASE_URL="postgres://postgres@127.0.0.1:$FAULTS_PG_PORT/tether_relay"
export CACHE_URL="redis://127.0.0.1:$FAULTS_REDIS_PORT/0"
# Phase 1 tests this exact limit; the later phases spread their load over users of their own.
export TOKEN_THROTTLE_RATE=30/minute
export DJANGO_LOG_LEVEL=WARNING
# Behind nginx, as deployed: one proxy, whose X-Forwarded-For entry is the client's address.
export DJANGO_NUM_PROXIES=1
# The worker model of the README's Deployment section; FAULTS_GUNICORN_THREADS to compare.
export GUNICORN_WORKERS=2 GUNICORN_THREADS=${FAULTS_GUNICORN_THREADS:-1}
export GUNICORN_GRACEFUL_TIMEOUT=5 GUNICORN_TIMEOUT=10

echo "== faults: PostgreSQL 15 on 127.0.0.1:$FAULTS_PG_PORT, Redis on 127.0.0.1:$FAULTS_REDIS_PORT =="
pg_init
redis_start >/dev/null
$BIN/python manage.py migrate --noinput -v0
$BIN/python -m faults.seed seed >"$WORK/seed.json"

SERVERS=()
for i in "${!APP_PORTS[@]}"; do
  port=${APP_PORTS[$i]}
  GUNICORN_BIND="127.0.0.1:$port" GUNICORN_ACCESS_LOG="$WORK/access-$port.log" \
    $BIN/gunicorn -c tether_relay/gunicorn.conf.py tether_relay.wsgi >"$WORK/app-$port.log" 2>&1 &
  PIDS+=($!)
  nginx_start "${PROXY_PORTS[$i]}" "127.0.0.1:$port"
  SERVERS+=("127.0.0.1:${PROXY_PORTS[$i]}")
done
for server in "${SERVERS[@]}"; do
  for _ in $(seq 300); do
    curl -sf -o /dev/null "http://$server/readyz" && break
    sleep 0.1
  done
  curl -sf -o /dev/null "http://$server/readyz" || { echo "$server never became ready" >&2; exit 1; }
done

echo "== faults: nginx on ${SERVERS[*]}, each in front of an app server with" \
  "$GUNICORN_WORKERS workers of $GUNICORN_THREADS thread(s) =="
# In the background, so that an interrupt is handled at once rather than after the drill.
timeout 720 $BIN/python -m faults.drill --seed "$WORK/seed.json" "${SERVERS[@]}" &
PIDS+=($!)
wait $!
