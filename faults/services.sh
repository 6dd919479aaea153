#!/usr/bin/env bash
# The fault drill's private PostgreSQL 15, Redis and nginx, on loopback, in temporary
# directories. Sourced by faults/run.sh; also run as `bash faults/services.sh <function>` by the
# drill, which breaks them mid-load. Reads FAULTS_PG_DIR, FAULTS_PG_PORT, FAULTS_REDIS_DIR,
# FAULTS_REDIS_PORT and FAULTS_NGINX_DIR from the environment.
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

# Frozen, as a stopped VM or a stuck storage layer leaves it: the processes stop, the kernel
# still accepts connections and acknowledges packets, nothing answers.
pg_freeze() {
  local postmaster
  postmaster=$(head -n 1 "$FAULTS_PG_DIR/data/postmaster.pid")
  kill -STOP "$postmaster"
  pkill -STOP -P "$postmaster" || true
}

pg_thaw() {
  local postmaster
  postmaster=$(head -n 1 "$FAULTS_PG_DIR/data/postmaster.pid")
  pkill -CONT -P "$postmaster" || true
  kill -CONT "$postmaster"
}

redis_freeze() { kill -STOP "$(cat "$FAULTS_REDIS_DIR/redis.pid")"; }
redis_thaw() { kill -CONT "$(cat "$FAULTS_REDIS_DIR/redis.pid")"; }

# Every packet to or from PostgreSQL's port is dropped, as a broken network path does.
pg_drop() {
  nft -f - <<EOF
table inet tether_faults {
  chain output {
    type filter hook output priority 0; policy accept;
    tcp dport $FAULTS_PG_PORT drop
    tcp sport $FAULTS_PG_PORT drop
  }
}
EOF
}

pg_undrop() { nft delete table inet tether_faults 2>/dev/null || true; }

# Read-only, as a standby or default_transaction_read_only leaves it; open sessions follow the
# reload.
pg_read_only() {
  pg_sql "ALTER SYSTEM SET default_transaction_read_only = on"
  pg_sql "SELECT pg_reload_conf()"
}

pg_read_write() {
  pg_sql "ALTER SYSTEM RESET default_transaction_read_only"
  pg_sql "SELECT pg_reload_conf()"
}

# The users table held by another session, as a migration's ALTER TABLE holds it (ACCESS
# EXCLUSIVE), until pg_unlock: every statement that reads the table waits for it.
pg_lock() {
  PGAPPNAME=tether_faults_lock "$PG_BIN/psql" -h 127.0.0.1 -p "$FAULTS_PG_PORT" -U postgres \
    -d tether_relay -qAt -c "BEGIN; LOCK TABLE users_user IN ACCESS EXCLUSIVE MODE;
      SELECT pg_sleep(3600);" >/dev/null 2>&1 &
  for _ in $(seq 100); do
    [ "$(pg_value "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_class.oid = relation
      WHERE relname = 'users_user' AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && return 0
    sleep 0.05
  done
  echo "the users table was not locked" >&2
  return 1
}

pg_unlock() {
  pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE application_name = 'tether_faults_lock'"
}

pg_value() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$FAULTS_PG_PORT" -U postgres -d tether_relay -qAt \
    -v ON_ERROR_STOP=1 -c "$1"
}

pg_sql() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$FAULTS_PG_PORT" -U postgres -d tether_relay -qAt \
    -v ON_ERROR_STOP=1 -c "$1" >/dev/null
}

# nginx on 127.0.0.1:$1 in front of the app server $2, with the repository's proxy.conf.
nginx_start() {
  local dir="$FAULTS_NGINX_DIR/$1"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream tether_relay { server $2; keepalive 16; }
  server {
    listen 127.0.0.1:$1;
    include $PWD/deploy/nginx/proxy.conf;
  }
}
EOF
  nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf"
}

# For the exit trap: stop whatever is still running, ignoring what is not.
services_stop() {
  pg_undrop
  for pidfile in "${FAULTS_NGINX_DIR:-/nonexistent}"/*/nginx.pid; do
    [ -f "$pidfile" ] && { kill -TERM "$(cat "$pidfile")" 2>/dev/null || true; }
  done
  if [ -f "${FAULTS_PG_DIR:-}/data/postmaster.pid" ]; then
    pg_thaw 2>/dev/null || true
  fi
  if [ -f "${FAULTS_REDIS_DIR:-}/redis.pid" ]; then
    kill -CONT "$(cat "$FAULTS_REDIS_DIR/redis.pid")" 2>/dev/null || true
    kill -TERM "$(cat "$FAULTS_REDIS_DIR/redis.pid")" 2>/dev/null || true
  fi
  if [ -f "${FAULTS_PG_DIR:-}/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl -D '$FAULTS_PG_DIR/data' -m immediate -w stop" >/dev/null 2>&1 || true
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    pg_start | pg_stop | pg_freeze | pg_thaw | pg_drop | pg_undrop | pg_read_only \
      | pg_read_write | pg_lock | pg_unlock | redis_start | redis_kill | redis_freeze \
      | redis_thaw) "$1" ;;
    nginx_start) "$@" ;;
    *) echo "usage: $0 pg_start|pg_stop|pg_freeze|pg_thaw|pg_drop|pg_undrop|pg_read_only|" \
      "pg_read_write|pg_lock|pg_unlock|redis_start|redis_kill|redis_freeze|redis_thaw|" \
      "nginx_start PORT UPSTREAM" >&2
    exit 2 ;;
  esac
fi
