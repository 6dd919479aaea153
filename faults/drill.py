"""Run the fault drill's phases against running app servers; print the table; exit 1 on a miss.

``python -m faults.drill --seed SEED.json HOST:PORT HOST:PORT``, started by faults/run.sh,
which also starts the servers, PostgreSQL and Redis this needs. ``TOKEN_THROTTLE_RATE`` must
be the servers' own.
"""

import argparse
import json
import os
import sys

from faults import hangs, outages, phases
from faults.checks import (
    expect_every_response_fast_json,
    expect_every_response_json,
    expect_no_worker_lost,
    table,
)

# Phases where every request is answered at once, and phases where a dependency hangs or
# clients are slow, with the looser criterion of faults/hangs.py.
FAST = {
    "1 throttle": phases.throttle,
    "2 postgres down": outages.postgres,
    "3 redis down": outages.redis,
    "4 credentials": phases.credentials,
}
HANGS = {
    "5 postgres frozen": hangs.postgres_frozen,
    "6 redis frozen": hangs.redis_frozen,
    "7 postgres packets dropped": hangs.postgres_dropped,
    "8 50 slow clients": hangs.slow_clients,
    "9 database read-only": hangs.read_only,
    "10 users table locked": hangs.table_locked,
}
PHASES = FAST | HANGS
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_limit(rate: str) -> int:
    """The request count of a DRF rate such as ``30/minute``; the drill needs a minute or more."""
    count, period = rate.split("/")
    if PERIODS[period[0]] < 60:
        raise SystemExit(f"TOKEN_THROTTLE_RATE {rate!r}: the drill needs a minute or more")
    return int(count)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", required=True, help="JSON printed by python -m faults.seed seed")
    parser.add_argument("servers", nargs="+", help="HOST:PORT of each app server")
    args = parser.parse_args(argv)
    with open(args.seed) as seed:
        drill = phases.Drill(
            servers=args.servers,
            seed=json.load(seed),
            rate=rate_limit(os.environ["TOKEN_THROTTLE_RATE"]),
        )
    only = os.environ.get("FAULTS_PHASES", "").split()  # e.g. "5 6": only these
    try:
        for name, run in PHASES.items():
            if only and name.split()[0] not in only:
                continue
            print(f"-- phase {name}", flush=True)
            run(drill, name)
            check = expect_every_response_fast_json if name in FAST else expect_every_response_json
            check(drill.verdict, name, drill.recorder.of(name))
        expect_no_worker_lost(
            drill.verdict, os.environ["FAULTS_APP_LOGS"], int(os.environ["GUNICORN_WORKERS"])
        )
    finally:
        # Also when a phase could not finish: what was seen up to then.
        print(table({name: drill.recorder.of(name) for name in PHASES}))
        print(drill.verdict.report())
    print("faults: passed" if drill.verdict.passed else "faults: FAILED")
    return 0 if drill.verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
