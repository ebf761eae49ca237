"""Fixtures: the published tables shipped with the package."""

from __future__ import annotations

import pytest

from unforgotten.estimate import CaptureTable
from unforgotten.estimate.datasets import shipped_table


@pytest.fixture(scope="session")
def kosovo() -> CaptureTable:
    return shipped_table("kosovo")


@pytest.fixture(scope="session")
def uk6() -> CaptureTable:
    return shipped_table("UKdat")
