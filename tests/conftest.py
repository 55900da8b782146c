"""Shared fixtures: one loaded pipeline per test session, and the shared data directory."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]


# CI runs the same examples every time (a red CI must mean a change broke something); a local run
# draws new ones, which is where property tests find new inputs.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def shared_dir() -> Path:
    return Path(os.environ.get("SAIDWHAT_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def pipeline():
    from saidwhat import Pipeline
    return Pipeline()


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not (path / "eval").is_dir():
        pytest.skip(f"shared data not found at {path} (set SAIDWHAT_SHARED to run these tests)")
    return path
