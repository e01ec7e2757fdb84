"""Check French prose with Debian's grammalecte-cli (installed by ``make test`` where apt is)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

_QUOTE = re.compile(r"«\s*.+?\s*»", re.S)


def require_grammalecte() -> str:
    """Path of grammalecte-cli; skip (locally) or fail (in CI) when it is missing."""
    path = shutil.which("grammalecte-cli")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("grammalecte-cli manque en CI : make test doit l'installer (apt).")
        pytest.skip("grammalecte-cli absent : installé par `make test` là où apt est disponible")
    return path


def prose(markdown: str) -> str:
    """The tool's own prose: verbatim quotations (spoken French) and Markdown marks removed."""
    text = _QUOTE.sub("«\u00a0citation\u00a0»", markdown)
    text = re.sub(r"^#+ |^> |^\d+\. |\*\*|\*| ?<!--.*?-->", "", text, flags=re.M)
    return text


def grammar_errors(text: str) -> list[str]:
    """Grammar and typography errors grammalecte finds (spelling of proper names ignored)."""
    binary = require_grammalecte()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        handle.write(text)
    done = subprocess.run(
        [binary, "-f", handle.name, "-j", "-owe"], capture_output=True, text=True, timeout=300
    )
    os.unlink(handle.name)
    report = json.loads(done.stdout)
    errors = []
    paragraphs = text.split("\n")
    for entry in report.get("data", []):
        line = paragraphs[entry["iParagraph"] - 1] if entry["iParagraph"] <= len(paragraphs) else ""
        for error in entry.get("lGrammarErrors", []):
            snippet = line[max(0, error["nStart"] - 30) : error["nEnd"] + 30]
            errors.append(f"{error['sMessage']} [{error['sRuleId']}] … {snippet} …")
    return errors
