"""The straightforward endpoint's settings, with the stages' URLs."""

from bench.plain_drf.settings import *  # noqa: F403

ROOT_URLCONF = "bench.stages.urls"
