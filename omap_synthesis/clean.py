"""Remove ASR artefacts from the analysed text, keeping track of what was removed."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache

import yaml

from omap_synthesis.config import RESOURCES_DIR

_ANNOTATION = re.compile(r"\[[^\]\n]{1,60}\]")
_CLOCK = re.compile(r"^\[\d{1,2}:\d{2}(?::\d{2})?\]$")
_WORD = re.compile(r"\w+")


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    data = yaml.safe_load((RESOURCES_DIR / "artefacts.yaml").read_text(encoding="utf-8"))
    credits = re.compile("|".join(f"(?:{p})" for p in data["hallucinations"]), re.I | re.M)
    fillers = "|".join(sorted(data["fillers"], key=len, reverse=True))
    filler = re.compile(rf"(?<![\w'’-])(?:{fillers})(?![\w'’-])[\s,]*", re.I)
    words = "|".join(re.escape(w) for w in sorted(data["stage_directions"], key=len, reverse=True))
    stage = re.compile(rf"\((?:{words})(?![\w'’-])[^()\n]{{0,40}}\)", re.I)
    return credits, filler, stage


def hesitates(text: str) -> bool:
    """``text`` holds a filler (« euh », « hum » …)."""
    return _patterns()[1].search(text) is not None


def _norm(line: str) -> str:
    return " ".join(_WORD.findall(line.lower()))


# C1 controls (U+0080–U+009F), never written on purpose, as the cp1252 characters whose bytes
# they are once a cp1252 text was decoded as latin-1 then saved as UTF-8 (U+0092 → « ’ »,
# U+009C → « œ », U+0085 → « … »): one character for one, so positions hold.
C1_AS_CP1252 = {
    code: char for code in range(0x80, 0xA0) if (char := bytes([code]).decode("cp1252", "ignore"))
}
# Such an apostrophe written beside the apostrophe it was converted to (« C’\x92est »).
_DOUBLED_APOSTROPHE = re.compile("[\x91\x92](?=['’])|(?<=['’])[\x91\x92]")


def repair_c1(text: str) -> str:
    """``text`` with its C1 control characters read as cp1252 (same length): what the
    analysis reads; the passage's own text keeps them, as the file has them."""
    return text.translate(C1_AS_CP1252)


def artefact_spans(text: str, start: int = 0, end: int | None = None) -> tuple[list, Counter]:
    """Spans of ``text[start:end]`` that cleaning removes, and how many of each kind.

    Kinds: ``hallucination`` (subtitle credits and the like, whole line), ``repetition`` (a line
    identical to the one just before, as ASR loops produce), ``annotation`` (``[Applaudissements]``,
    ``(rires)``), ``filler`` (« euh », « hum »…) and ``control`` (a C1 control character read
    as an apostrophe beside an apostrophe: ``_DOUBLED_APOSTROPHE``).
    """
    end = len(text) if end is None else end
    credits, filler, stage = _patterns()
    spans: list[tuple[int, int, str]] = []
    previous = None
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        norm = _norm(line)
        if credits.search(line):
            spans.append((a, b, "hallucination"))
        elif norm and norm == previous and len(norm.split()) >= 2:
            spans.append((a, b, "repetition"))
        previous = norm or previous
    for m in _ANNOTATION.finditer(text, start, end):
        if not _CLOCK.match(m.group()):
            spans.append((m.start(), m.end(), "annotation"))
    for m in stage.finditer(text, start, end):
        spans.append((m.start(), m.end(), "annotation"))
    for m in filler.finditer(text, start, end):
        spans.append((m.start(), m.end(), "filler"))
    for m in _DOUBLED_APOSTROPHE.finditer(text, start, end):
        spans.append((m.start(), m.end(), "control"))
    spans.sort()
    merged: list[list] = []
    for a, b, kind in spans:
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b, kind])
    return [(a, b) for a, b, _ in merged], Counter(kind for _, _, kind in merged)


# A line that opens a list item (« - », « – », « — », « • », « * », « 2. », « 2) »).
_LIST_ITEM = re.compile(r"[ \t]*(?:[-–—•*]|\d+[.)])\s")


def flowing(text: str) -> str:
    """``text`` with its line breaks inside a paragraph read as spaces: the ends of a
    subtitle's cues, the wrapped lines of a transcript. The French parser takes a line break
    for a word of its own and misparses the words around it (a break between « instance » and
    « interministérielle » makes the adjective a noun). The length is kept, so offsets still
    hold; a break next to a blank line, or before a list item, stays.
    """
    lines = text.split("\n")
    out = [lines[0]]
    for previous, line in itertools.pairwise(lines):
        joined = previous.strip() and line.strip() and not _LIST_ITEM.match(line)
        out += [" " if joined else "\n", line]
    return "".join(out)


def analysed(text: str) -> str:
    """What the analysis reads of ``text`` (same length): its C1 control characters as cp1252
    (``repair_c1``), its line breaks inside a paragraph as spaces (``flowing``)."""
    return flowing(repair_c1(text))


def apply_removals(text: str, removed: list[tuple[int, int]]) -> str:
    """``text`` without the ``removed`` spans (offsets relative to ``text``)."""
    out, pos = [], 0
    for a, b in removed:
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return "".join(out)
