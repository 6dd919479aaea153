"""The closing section of bench/RESULTS.md: how the numbers were taken and how to read them."""

NOTES = """\
## How to read this

- Every implementation runs under gunicorn with `tether_relay/gunicorn.conf.py` in production
  mode, with the same 2 sync workers (`BENCH_GUNICORN_WORKERS`), on 127.0.0.1, and wrk runs on
  the same 2 cores, so the load generator takes CPU from the servers: absolute numbers are
  lower than on a dedicated machine. Other engineers' test runs shared the machine too.
- Rounds alternate the implementations (A B C D, A B C D, ...); ratios are taken within each
  round and the median is shown, so that drift in the machine's load cancels out. *spread* is
  the lowest and highest round, as a percentage of the median. The worker counts alternate the
  same way (1 2 4, 1 2 4, ...), each its own server, after the implementations' rounds.
- *non-2xx* is wrk's count of responses with a status of 400 or more; every server also answered
  200 to a probe before it was measured. The throttle runs with a rate too high to trip.
- SQL per request is counted in-process with `CaptureQueriesContext` over 200 requests through
  the same WSGI stack; the floor's is its one statement. No health check adds a `SELECT 1`
  (`CONN_HEALTH_CHECKS` is off: a kept connection the server closed is retried instead).
- *small database* is this service over 100 users and 10 organizations instead of the full
  table: the per-request cost does not depend on the table's size (every lookup is by primary
  key; `tests/test_caller_query.py` checks the plan with EXPLAIN).
- The floor (`bench/floor.py`) does the same work with no framework: PyJWT, one SQL statement
  through the driver, a dict for the counts, MultiFernet, Twilio's `AccessToken`, a JSON line
  on stderr.
- The straightforward DRF endpoint (`bench/plain_drf/`) does the same job the plain way:
  SimpleJWT's stock `JWTAuthentication` (a user query), `request.user.organization` (a second
  query), DRF's `UserRateThrottle` on the same cache, a serializer, and the same audit line.
- The stage table times the endpoint in-process (`bench/stages/`), cut off after each stage,
  in CPU time of one process (best of 5 passes of 1,000 requests): steady where wrk's numbers
  swing with the machine's other load. Every stage is served under `/api/`, so it gets the
  middleware the API gets. The gap to the quickstart is what the stack costs before any of
  this service's own work: a DRF view returning a constant through the project's middleware,
  and verifying the bearer token.
"""
