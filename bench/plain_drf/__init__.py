"""Baseline: the token endpoint written the straightforward DRF way, served for ``make bench``."""
