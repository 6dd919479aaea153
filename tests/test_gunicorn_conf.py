"""The production gunicorn configuration's hooks."""

import gc
import json
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "tether_relay" / "gunicorn.conf.py"


def test_the_loaded_app_is_frozen_out_of_the_workers_collections():
    hooks = runpy.run_path(str(CONF))
    gc.unfreeze()
    try:
        hooks["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert hooks["preload_app"] is True  # the hook's premise: the master holds the app


def test_one_sync_worker_per_cpu_and_never_fewer_than_two(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    for cpus, workers in ((1, 2), (2, 2), (8, 8)):
        # The CPUs the process may run on, as Python 3.13 and Linux before it count them.
        monkeypatch.setattr("os.process_cpu_count", lambda cpus=cpus: cpus, raising=False)
        monkeypatch.setattr("os.sched_getaffinity", lambda pid, cpus=cpus: set(range(cpus)))
        monkeypatch.setattr("os.cpu_count", lambda: 64)  # the machine's: not what counts
        conf = runpy.run_path(str(CONF))
        assert (conf["workers"], conf["worker_class"]) == (workers, "sync")


def test_what_gunicorn_refuses_itself_is_json_and_repeats_nothing_the_client_sent():
    import socket

    from gunicorn import util

    runpy.run_path(str(CONF))
    ours, theirs = socket.socketpair()
    with ours, theirs:
        util.write_error(ours, 400, "Bad Request", "Invalid HTTP Header: 'Bearer s3cr3t\\x01'")
        ours.shutdown(socket.SHUT_WR)
        answer = theirs.recv(65536)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["code"] == "bad_request"
    assert b"s3cr3t" not in answer
