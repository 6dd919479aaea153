#!/usr/bin/env bash
# The system tools make bench needs: wrk, valgrind (instruction counts), and PostgreSQL 15
# unless BENCH_DB=sqlite.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v valgrind >/dev/null || missing+=(valgrind)
if [ "${BENCH_DB:-both}" != sqlite ] && [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
  missing+=(postgresql-15)
fi
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "${missing[@]}" >/dev/null
fi
