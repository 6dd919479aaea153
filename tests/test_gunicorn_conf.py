"""The production gunicorn configuration's hooks."""

import gc
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
    for cpus, workers in ((1, 2), (2, 2), (8, 8), (None, 2)):
        monkeypatch.setattr("os.cpu_count", lambda cpus=cpus: cpus)
        conf = runpy.run_path(str(CONF))
        assert (conf["workers"], conf["worker_class"]) == (workers, "sync")
