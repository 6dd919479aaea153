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
