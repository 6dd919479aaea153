"""What every phase shares, and the two phases that break no service: throttle, credentials."""

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field

from faults.checks import Verdict, body, credential_set, is_envelope
from faults.load import Load, Recorder

STEADY_PER_SECOND = 20  # steady load; each pool of 16 users stays well under 30 a minute
STEADY_LIMIT = 400  # requests at most per phase, whatever happens to the timing
REFRESH_PATH = "/api/auth/token/refresh"
LOGIN_PATH = "/api/auth/token"


@dataclass
class Drill:
    """What every phase needs: where the servers are, who to be, and where to record."""

    servers: list[str]
    seed: dict
    rate: int  # accepted token requests per user per window
    recorder: Recorder = field(default_factory=Recorder)
    verdict: Verdict = field(default_factory=Verdict)

    def tokens(self, group: str) -> list[str]:
        return self.seed["tokens"][group]

    def load(self, phase: str, group: str, *, per_second=STEADY_PER_SECOND, threads=4, limit=0):
        """Load from the group's users; steady unless ``per_second`` is None."""
        return Load(
            self.recorder, phase, self.servers, self.tokens(group), label=group,
            per_second=per_second, threads=threads, limit=limit or STEADY_LIMIT,
        )  # fmt: skip

    def one_by_one(self, phase: str, group: str, count: int) -> list:
        """``count`` sequential requests as the group's first user, alternating servers."""
        bearer = self.tokens(group)[0]
        servers = self.servers
        return [
            self.recorder.get(phase, servers[i % len(servers)], user=group, bearer=bearer)
            for i in range(count)
        ]

    def probe(self, phase: str, path: str) -> list:
        """One unauthenticated GET of ``path`` on every server."""
        return [self.recorder.get(phase, at, user="probe", path=path) for at in self.servers]

    def refresh(self, phase: str, group: str) -> list:
        """POST /api/auth/token/refresh on every server, each with one of the group's refresh
        tokens: the same ones on every call, so that a later call retries an earlier one."""
        return [
            self.recorder.get(
                phase, at, user="probe", path=REFRESH_PATH, payload={"refresh": refresh}
            )
            for at, refresh in zip(self.servers, self.seed["refresh"][group], strict=False)
        ]

    def refresh_as_a_client_does(self, phase: str, group: str, *, within=20.0) -> list:
        """Each of the group's refresh tokens, retried after Retry-After while the answer is
        503, for up to ``within`` seconds; the last answer for each."""
        last = []
        for at, refresh in zip(self.servers, self.seed["refresh"][group], strict=False):
            give_up = time.monotonic() + within
            while True:
                record = self.recorder.get(
                    phase, at, user="probe", path=REFRESH_PATH, payload={"refresh": refresh}
                )
                wait = record.headers.get("retry-after", "")
                if record.status != 503 or not wait.isdigit() or time.monotonic() > give_up:
                    break
                time.sleep(int(wait))
            last.append(record)
        return last

    def login(self, phase: str) -> list:
        """POST /api/auth/token with a username and password on every server."""
        return [
            self.recorder.get(phase, at, user="probe", path=LOGIN_PATH, payload=self.seed["login"])
            for at in self.servers
        ]

    def mints(self, phase: str) -> list:
        """The phase's token requests, without its probes."""
        return [r for r in self.recorder.of(phase) if r.user != "probe"]


def service(action: str) -> float:
    """Run one action of faults/services.sh (``pg_stop``, ...); the moment it returned."""
    subprocess.run(["bash", "faults/services.sh", action], check=True)  # noqa: S603, S607
    return time.monotonic()


def throttle(drill: Drill, phase: str) -> None:
    """One user hammers both servers at once: the limit holds across them, not per server."""
    sent = drill.rate * 3
    with drill.load(phase, "throttle", per_second=None, threads=8, limit=sent) as load:
        load.join()
    records = drill.recorder.of(phase)
    accepted = sum(r.status == 200 for r in records)
    drill.verdict.expect(
        0 < accepted <= drill.rate,
        f"{phase}: {accepted} of {sent} accepted across both servers (limit {drill.rate})",
    )
    refused = [r for r in records if r.status != 200]
    drill.verdict.expect(
        all(is_envelope(r, 429, "throttled") for r in refused),
        f"{phase}: the other {len(refused)} are 429 envelopes with Retry-After",
    )


def credentials(drill: Drill, phase: str) -> None:
    """An organization's credentials replaced mid-load: no token mixes old and new."""
    with drill.load(phase, "credentials"):
        time.sleep(2)
        changing = time.monotonic()
        new = _rotate(drill.seed["organization"])
        committed = time.monotonic()
        time.sleep(2.5)
    records = drill.recorder.of(phase)
    drill.verdict.expect(all(r.status == 200 for r in records), f"{phase}: every request is 200")
    sets = {"old": drill.seed["credentials"], "new": new}
    minted = [
        (r, credential_set((body(r) or {}).get("token", ""), sets))
        for r in records
        if r.status == 200
    ]
    _expect_one_set_each(drill.verdict, phase, minted, changing, committed)


def _expect_one_set_each(verdict, phase, minted, changing: float, committed: float) -> None:
    mixed = sum(name is None for _, name in minted)
    verdict.expect(not mixed, f"{phase}: every token issued and signed by one set ({mixed} not)")
    before = [name for r, name in minted if r.finished < changing]
    verdict.expect(
        before and set(before) == {"old"}, f"{phase}: all {len(before)} tokens before: old set"
    )
    after = [name for r, name in minted if r.started > committed]
    verdict.expect(
        len(after) >= 10 and set(after) == {"new"},
        f"{phase}: all {len(after)} tokens requested after the commit: new set",
    )


def _rotate(organization_id: int) -> dict:
    done = subprocess.run(  # noqa: S603 - this interpreter, the project's own module
        [sys.executable, "-m", "faults.seed", "rotate", str(organization_id)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout)
