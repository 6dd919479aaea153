"""What the drill expects of responses, the verdict it keeps, and the table it prints."""

import json
from collections import Counter

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
    """Per phase: requests sent, succeeded, failed by status, and the longest response time."""
    rows = [("phase", "sent", "succeeded", "failed by status", "longest")]
    for phase, records in phases.items():
        failed = Counter(r.status for r in records if not 200 <= r.status < 300)
        rows.append(
            (
                phase,
                str(len(records)),
                str(len(records) - sum(failed.values())),
                ", ".join(f"{_status(s)}: {n}" for s, n in sorted(failed.items())) or "-",
                f"{max((r.elapsed for r in records), default=0):.3f} s",
            )
        )
    rows.append(("(probes of /readyz and of token refresh count with their phase)", "", "", "", ""))
    widths = [max(len(row[i]) for row in rows[:-1]) for i in range(len(rows[0]))]
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def _status(status: int) -> str:
    return "no response" if status == NO_RESPONSE else str(status)
