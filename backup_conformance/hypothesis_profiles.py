"""Hypothesis profiles per use: ``ci`` (fast, deterministic; the default), ``dev``, ``nightly``.

Registered on import so that ``--hypothesis-profile NAME`` and ``HYPOTHESIS_PROFILE`` work for
the suites wherever they run (a checkout or an installed wheel).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEFAULT_PROFILE = "ci"

settings.register_profile(
    "ci", max_examples=10, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev", max_examples=50, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "nightly", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def load_default() -> None:
    """Select ``HYPOTHESIS_PROFILE`` or the ``ci`` profile (``--hypothesis-profile`` wins)."""
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", DEFAULT_PROFILE))
