#!/usr/bin/env bash
# The fault drill's private PostgreSQL 15 and Redis, on loopback, in temporary directories.
# Sourced by faults/run.sh; also run as `bash faults/services.sh <function>` by the drill, which
# stops and starts them mid-load. Reads FAULTS_PG_DIR, FAULTS_PG_PORT, FAULTS_REDIS_DIR and
# FAULTS_REDIS_PORT from the environment.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# PostgreSQL refuses to run as root, so as root (CI) it runs as the postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else bash -c "$1"; fi
}

pg_init() {
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$FAULTS_PG_DIR"
  as_postgres "$PG_BIN/initdb -D '$FAULTS_PG_DIR/data' -U postgres --auth=trust" >/dev/null
  pg_start
  as_postgres "$PG_BIN/createdb -h 127.0.0.1 -p $FAULTS_PG_PORT -U postgres tether_relay"
}

pg_start() {
  as_postgres "$PG_BIN/pg_ctl -D '$FAULTS_PG_DIR/data' -l '$FAULTS_PG_DIR/log' -w \
    -o \"-c listen_addresses=127.0.0.1 -p $FAULTS_PG_PORT -k '$FAULTS_PG_DIR'\" start" >/dev/null
}

pg_stop() {
  as_postgres "$PG_BIN/pg_ctl -D '$FAULTS_PG_DIR/data' -m fast -w stop" >/dev/null
}

# No persistence: a restarted Redis starts empty, as one restarted without its disk would.
redis_start() {
  redis-server --bind 127.0.0.1 --port "$FAULTS_REDIS_PORT" --save '' --appendonly no \
    --dir "$FAULTS_REDIS_DIR" --daemonize yes --pidfile "$FAULTS_REDIS_DIR/redis.pid" \
    --logfile "$FAULTS_REDIS_DIR/redis.log"
  for _ in $(seq 50); do
    [ "$(redis-cli -h 127.0.0.1 -p "$FAULTS_REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  echo "redis-server did not answer on port $FAULTS_REDIS_PORT" >&2
  return 1
}

# SIGKILL, like a crash: no chance to close client connections cleanly.
redis_kill() {
  local pid
  pid=$(cat "$FAULTS_REDIS_DIR/redis.pid")
  kill -KILL "$pid"
  # Bounded: a killed daemon nobody reaps stays a zombie that `kill -0` still finds.
  for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$FAULTS_REDIS_DIR/redis.pid"
}

# For the exit trap: stop whatever is still running, ignoring what is not.
services_stop() {
  if [ -f "${FAULTS_REDIS_DIR:-}/redis.pid" ]; then
    kill -TERM "$(cat "$FAULTS_REDIS_DIR/redis.pid")" 2>/dev/null || true
  fi
  if [ -f "${FAULTS_PG_DIR:-}/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl -D '$FAULTS_PG_DIR/data' -m immediate -w stop" >/dev/null 2>&1 || true
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    pg_start | pg_stop | redis_start | redis_kill) "$1" ;;
    *) echo "usage: $0 pg_start|pg_stop|redis_start|redis_kill" >&2; exit 2 ;;
  esac
fi
