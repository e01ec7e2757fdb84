"""Shared fixtures: the spaCy pipeline (loaded once), the sample event, a private cache, a
damaged Word file."""

from __future__ import annotations

import io
import os
import zipfile
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


@pytest.fixture
def cut_docx():
    """A function saving at a path a Word file whose zip is valid but whose XML part (by
    default the text) is cut in half, as a half-synced copy leaves it."""
    import docx

    def save(path: Path, part: str = "word/document.xml") -> None:
        document = docx.Document()
        document.add_paragraph("Nadia Fassi : Massar relie les écoles.")
        whole = io.BytesIO()
        document.save(whole)
        with zipfile.ZipFile(whole) as old, zipfile.ZipFile(path, "w") as new:
            for name in old.namelist():
                data = old.read(name)
                new.writestr(name, data[: len(data) // 2] if name == part else data)

    return save
