"""The two phases that stop a shared service mid-load: PostgreSQL, then Redis."""

import time
from dataclasses import dataclass

from calls.breaker import PAUSE_SECONDS
from faults.checks import body, is_envelope
from faults.phases import Drill, service


@dataclass(frozen=True)
class Outage:
    """When a service was being stopped, was stopped, was being started, and was back."""

    stopping: float
    stopped: float
    starting: float
    back: float

    def before(self, records) -> list:
        return [r for r in records if r.finished < self.stopping]

    def during(self, records) -> list:
        return [r for r in records if r.started > self.stopped and r.finished < self.starting]

    def after(self, records) -> list:
        return [r for r in records if r.started > self.back]


def postgres(drill: Drill, phase: str) -> None:
    """PostgreSQL stopped mid-load: fast JSON 503s while it is down, 200s once it is back."""
    with drill.load(phase, "postgres"):
        time.sleep(2)
        stopping = time.monotonic()
        stopped = service("pg_stop")
        time.sleep(1)
        down, refresh_down = drill.probe(phase, "/readyz"), drill.refresh(phase, "postgres")
        time.sleep(2)
        starting = time.monotonic()
        back = service("pg_start")
        time.sleep(3)
        up, refresh_up = drill.probe(phase, "/readyz"), drill.refresh(phase, "postgres")
    _expect_503_while_down(drill, phase, Outage(stopping, stopped, starting, back))
    _expect_readiness(drill, phase, "database", down, up)
    drill.verdict.expect(
        all(r.status == 503 and r.headers.get("retry-after") for r in refresh_down)
        and all(r.status == 200 for r in refresh_up),
        f"{phase}: token refresh 503 with Retry-After while down, 200 once back",
    )


def _expect_503_while_down(drill: Drill, phase: str, outage: Outage) -> None:
    mints, expect = drill.mints(phase), drill.verdict.expect
    before, during, after = outage.before(mints), outage.during(mints), outage.after(mints)
    expect(before and all(r.status == 200 for r in before), f"{phase}: {len(before)} 200s before")
    expect(
        len(during) >= 5 and all(is_envelope(r, 503, "service_unavailable") for r in during),
        f"{phase}: all {len(during)} requests while down are 503 envelopes with Retry-After",
    )
    expect(all(r.status in (200, 503) for r in mints), f"{phase}: nothing but 200 and 503")
    expect(
        len(after) >= 10 and all(r.status == 200 for r in after),
        f"{phase}: all {len(after)} requests once back are 200, no server restarted",
    )


def redis(drill: Drill, phase: str) -> None:
    """Redis killed mid-load: tokens still minted (fail open); counting resumes once it is back."""
    with drill.load(phase, "redis"):
        time.sleep(1.5)
        stopping = time.monotonic()
        stopped = service("redis_kill")
        flood = drill.one_by_one(phase, "redis_flood", drill.rate + 10)
        down = drill.probe(phase, "/readyz")
        time.sleep(1)
        starting = time.monotonic()
        back = service("redis_start")
        # Steady load first, so that every worker has found its way back to Redis: each one
        # asks it again once its breaker's pause is over.
        time.sleep(PAUSE_SECONDS + 1.5)
        recovery = drill.one_by_one(phase, "redis_recovery", drill.rate + 5)
        up = drill.probe(phase, "/readyz")
    _expect_fail_open(drill, phase, Outage(stopping, stopped, starting, back), flood)
    _expect_counting(drill, phase, recovery)
    _expect_readiness(drill, phase, "cache", down, up)


def _expect_fail_open(drill: Drill, phase: str, outage: Outage, flood: list) -> None:
    pool = [r for r in drill.mints(phase) if r.user.startswith("redis#")]
    during, expect = outage.during(pool), drill.verdict.expect
    expect(
        len(during) >= 5 and all(r.status == 200 for r in during),
        f"{phase}: all {len(during)} pool requests while down are 200",
    )
    expect(all(r.status == 200 for r in pool), f"{phase}: all {len(pool)} pool requests are 200")
    expect(
        all(r.status == 200 for r in flood),
        f"{phase}: one user got all {len(flood)} while down, over the limit of {drill.rate}",
    )


def _expect_counting(drill: Drill, phase: str, recovery: list) -> None:
    accepted = sum(r.status == 200 for r in recovery)
    drill.verdict.expect(
        0 < accepted <= drill.rate and all(r.status == 429 for r in recovery if r.status != 200),
        f"{phase}: once back, one user got {accepted} of {len(recovery)} "
        f"(limit {drill.rate}), the rest 429",
    )


def _expect_readiness(drill: Drill, phase: str, check: str, down: list, up: list) -> None:
    """/readyz names the failed dependency while it is down, and is ready again after."""
    failed = [(body(r) or {}).get("checks", {}).get(check) for r in down if r.status == 503]
    drill.verdict.expect(
        failed == ["fail"] * len(drill.servers) and all(r.status == 200 for r in up),
        f"{phase}: /readyz 503 ({check}: fail) while down, 200 once back, on both servers",
    )
