"""What the drill expects of responses, the verdict it keeps, and the table it prints."""

import json
import math
from collections import Counter
from pathlib import Path

import jwt

from faults.load import NO_RESPONSE, Record

# "Fail fast": no response, even one that failed, may take longer than this.
SLOW_SECONDS = 3.0


class Verdict:
    """Expectations checked so far, each a line that passed or failed."""

    def __init__(self):
        self.lines: list[tuple[bool, str]] = []

    def expect(self, ok: bool, message: str) -> bool:
        self.lines.append((bool(ok), message))
        return bool(ok)

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.lines)

    def report(self) -> str:
        return "\n".join(f"{'PASS' if ok else 'FAIL'}  {message}" for ok, message in self.lines)


def body(record: Record) -> dict | None:
    """The JSON object a response carried, or None when it carried something else."""
    if not record.content_type.startswith("application/json"):
        return None
    try:
        data = json.loads(record.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def is_envelope(record: Record, status: int, code: str) -> bool:
    """A JSON error envelope with this status and code, and a positive integer Retry-After."""
    data = body(record) or {}
    retry_after = record.headers.get("retry-after", "")
    return (
        record.status == status
        and data.get("success") is False
        and data.get("code") == code
        and retry_after.isdigit()
        and int(retry_after) > 0
    )


def expect_every_response_fast_json(verdict: Verdict, phase: str, records: list[Record]):
    """What holds for every response of every phase: an answer, in JSON, within seconds."""
    unanswered = sum(r.status == NO_RESPONSE for r in records)
    verdict.expect(not unanswered, f"{phase}: every request answered ({unanswered} not)")
    not_json = sum(r.status != NO_RESPONSE and body(r) is None for r in records)
    verdict.expect(not not_json, f"{phase}: every response a JSON object ({not_json} not)")
    slow = sum(r.elapsed > SLOW_SECONDS for r in records)
    verdict.expect(not slow, f"{phase}: no response slower than {SLOW_SECONDS:.0f} s ({slow} were)")


def expect_every_response_json(verdict: Verdict, phase: str, records: list[Record]):
    """What holds for every response of a phase where something hangs: JSON, never a 500."""
    not_json = sum(r.status != NO_RESPONSE and body(r) is None for r in records)
    verdict.expect(not not_json, f"{phase}: every response a JSON object ({not_json} not)")
    errors = Counter(r.status for r in records if r.status >= 500 and r.status != 503)
    verdict.expect(not errors, f"{phase}: no server error but 503 ({dict(errors) or 'none'})")


def expect_no_worker_lost(verdict: Verdict, log_dir: str, workers: int) -> None:
    """No gunicorn worker was killed for taking too long, or replaced for any reason, in any
    phase: each server booted its ``workers`` once."""
    killed = booted = servers = 0
    for log in Path(log_dir).glob("app-*.log"):
        text = log.read_text(errors="replace")
        killed += text.count("WORKER TIMEOUT")
        booted += text.count("Booting worker")
        servers += 1
    verdict.expect(not killed, f"all phases: no worker killed by gunicorn's timeout ({killed})")
    verdict.expect(
        servers and booted == servers * workers,
        f"all phases: no worker replaced ({booted} booted for {servers} servers of {workers})",
    )


def credential_set(token: str, sets: dict[str, dict]) -> str | None:
    """The name of the one credential set that issued and signed this Twilio token, or None.

    The issuer (API key SID) picks the set; the subject must be that set's Account SID and the
    signature must verify with that set's secret, so a token mixing two sets matches none.
    """
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.InvalidTokenError:
        return None
    for name, credentials in sets.items():
        if issuer != credentials["api_key_sid"]:
            continue
        try:
            claims = jwt.decode(token, credentials["api_key_secret"], algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return None
        return name if claims.get("sub") == credentials["account_sid"] else None
    return None


def table(phases: dict[str, list[Record]]) -> str:
    """Per phase: requests sent, 200s, 503s, other statuses, requests that got no response
    within the client's 10 s, and the 99th percentile and longest response times."""
    rows = [("phase", "sent", "200", "503", "other", "no response", "p99", "max")]
    for phase, records in phases.items():
        if not records:
            continue
        statuses = Counter(r.status for r in records)
        other = {s: n for s, n in statuses.items() if s not in (200, 503, NO_RESPONSE)}
        elapsed = sorted(r.elapsed for r in records)
        rows.append(
            (
                phase,
                str(len(records)),
                str(statuses[200]),
                str(statuses[503]),
                ", ".join(f"{s}: {n}" for s, n in sorted(other.items())) or "-",
                str(statuses[NO_RESPONSE]),
                f"{elapsed[max(0, math.ceil(0.99 * len(elapsed)) - 1)]:.3f} s",
                f"{elapsed[-1]:.3f} s",
            )
        )
    rows.append(("(token requests, and the probes of /readyz, sign-in and refresh)",) + ("",) * 7)
    widths = [max(len(row[i]) for row in rows[:-1]) for i in range(len(rows[0]))]
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)
