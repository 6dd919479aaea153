"""SQL queries per token request, counted in-process for the Django implementation in use.

Run as ``python -m bench.queries TOKENS_FILE`` with ``DJANGO_SETTINGS_MODULE`` naming the
implementation's settings and the server's environment; prints one JSON object. The requests
go through the same WSGI handler and middleware as under gunicorn, without the network.
"""

import json
import os
import sys
from collections import Counter

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tether_relay.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

URL = "/api/calls/token/twilio"
SAMPLE = 200


def main() -> None:
    with open(sys.argv[1], encoding="ascii") as tokens_file:
        tokens = tokens_file.read().split()[:SAMPLE]
    client = Client(HTTP_HOST="127.0.0.1")
    counts, statuses = [], Counter()
    for token in tokens:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")
        counts.append(len(queries))
        statuses[response.status_code] += 1
    result = {
        "requests": len(counts),
        "queries_per_request": sum(counts) / len(counts),
        "max_queries": max(counts),
        "statuses": dict(statuses),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
