"""Shared fixtures: the spaCy pipeline (loaded once), the sample event, a private cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EVENT = ROOT / "data" / "omap-2022-10-20"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the parse cache of the test run away from the user's cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(scope="session")
def nlp():
    from omap_synthesis.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def sample_event() -> Path:
    return SAMPLE_EVENT


@pytest.fixture(scope="session")
def sample_ingested():
    from omap_synthesis.ingest import ingest_event

    return ingest_event(SAMPLE_EVENT)
