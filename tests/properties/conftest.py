"""Hypothesis profiles for the property tests: ``ci`` (the default: enough examples to find the usual
faults, the whole folder in well under a minute on two cores) and ``thorough`` (for a night run:
``STATION_HYPOTHESIS_PROFILE=thorough``). The profiles are applied per test (see :data:`PROFILE`), so other
folders keep their own settings."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, max_examples=60, derandomize=False, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "thorough", deadline=None, max_examples=2000, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
