"""One reader per source format; each exposes the decoded text and the speaker turns in it.

Character offsets of turns index ``SourceText.text``: the decoded file with its BOM removed and
line ends normalised to ``\\n`` for plain text and Markdown (what Python's ``open`` gives), and
for timed or structured formats (SRT, WebVTT, Whisper JSON, Word) one line per cue, segment or
paragraph.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import NamedTuple

import srt
import webvtt
import yaml

from omap_synthesis import caching
from omap_synthesis.clean import C1_AS_CP1252
from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.errors import TOO_DEEP, BadValue, BuildsValues, InputError, json_reason
from omap_synthesis.models import SourceText, Turn, grouped_digits

FORMATS = {
    ".txt": "texte",
    ".md": "markdown",
    ".markdown": "markdown",
    ".srt": "srt",
    ".vtt": "webvtt",
    ".json": "whisper",
    ".docx": "docx",
}
_TIMESTAMP = r"\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}|\d{1,2}:\d{2}[,.]\d{1,3}"
_CUE_TIMING = re.compile(rf"^\s*({_TIMESTAMP})\s+-->\s+({_TIMESTAMP})(\s.*)?$")
_TIMING_ATTEMPT = re.compile(r"\d:\d\d.*-+>|-+>.*\d:\d\d")
_COMMA_MS = re.compile(r"(\d:\d\d),(?=\d{3}\b)")
_CLOCK_STAMP = r"\[(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)\]"  # « [00:12:30] » before a tag
_TAG = re.compile(
    rf"^(?:{_CLOCK_STAMP}\s*)?"
    r"(?P<name>[^:\n\[\]]{1,160}?)(?:\s+:\s*|:\s+)(?=\S)"
)
_AFFILIATION = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<aff>[^()]*)\)\s*$")
# « Réponse de Nom », « Question de Nom »: a note's heading that names who speaks.
_SAID_BY = re.compile(
    r"^(?:réponses?|questions?|interventions?)\s+(?:de\s+la\s+|de\s+|d['’]\s*|du\s+)(?P<name>.+)$",
    re.IGNORECASE,
)
# « Nom, fonction » or « Nom — fonction »: the function said after the name, not in brackets.
_ROLE_AFTER = re.compile(r"^(?P<name>[^,—–]+?)\s*(?:,|\s[—–])\s*(?P<aff>[^,—–].*)$")
# Words of speech, not of a function (« Monsieur Bardella, vous avez dit : », « Merci Madame,
# excusez-moi : »): with one of them after the comma, the line opens with no tag.
_SPEECH_WORDS = frozenset(
    "je j' j’ tu il elle on nous vous ils elles moi toi c' c’ ce ça est sont suis ai as a ont "
    "va vais peut faut mais et donc alors oui non merci excusez pardon".split()
)
# Words that open speech, not a name (« Merci Monsieur, pour votre question : »).
_SPEECH_OPENERS = frozenset(
    "merci bonjour bonsoir alors oui non donc bon bien voilà écoutez excusez pardon".split()
)


class SpeakerLexicon(NamedTuple):
    roles: frozenset[str]  # words that open a tag naming a role (« Représentant de … »)
    particles: frozenset[str]  # lower-case words of names (« de », « el », « ben »)
    notes: frozenset[str]  # words that open a heading or a note, never a speaker


@cache
def speaker_lexicon() -> SpeakerLexicon:
    data = yaml.safe_load((RESOURCES_DIR / "speaker_roles.yaml").read_text(encoding="utf-8"))
    return SpeakerLexicon(*(frozenset(data[k]) for k in ("role_words", "particles", "note_words")))


def role_words() -> frozenset[str]:
    """Words that open a speaker tag naming a role rather than a person."""
    return speaker_lexicon().roles


# Titles a transcript may put before a name the programme gives bare (« Pr. Jean de La Fontaine »).
TITLES = frozenset(
    {"pr", "prof", "professeur", "professeure", "dr", "docteur", "docteure", "m", "mme", "mlle"}
    | {"mr", "monsieur", "madame", "mademoiselle"}
)


def name_key(name: str) -> str:
    """A person's name as compared across sources: no accents, case, hyphens or titles
    (« Pr. Helene Dupre-Leger » and « Hélène Dupré-Léger » meet)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = re.sub(r"[^a-z0-9]+", " ", plain).split()
    while len(words) > 2 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


# The people of the programme (``name_key``) while an event's sources are read: a tag that
# names one of them is a tag even in lower case (« leila bennani : »), as speech recognisers
# and hurried notes write it.
_KNOWN: ContextVar[frozenset[str]] = ContextVar("known_names", default=frozenset())


@contextmanager
def known_names(names: Iterable[str]) -> Iterator[None]:
    """Read sources, within the block, knowing the names of the programme's people."""
    token = _KNOWN.set(frozenset(map(name_key, names)))
    try:
        yield
    finally:
        _KNOWN.reset(token)


def _impossible_stamp(stamp: str) -> bool:
    """A clock stamp with 60 or more minutes or seconds (« 00:61:99,000 », « 99:99:99 »); its
    first field, hours or, without hours, minutes (« 75:30,000 »), has no bound."""
    return any(int(part) >= 60 for part in re.split(r"[,.]", stamp)[0].split(":")[1:])


# A tag in bold or italics, as in notes written in Markdown (« **Léa Salamé** : … »,
# « **Léa Salamé :** … », « _Léa Salamé_ : … »).
_EMPHASISED_TAG = re.compile(
    rf"^(?P<before>(?:{_CLOCK_STAMP}\s*)?)(?P<em>\*\*|__|\*|_)(?P<name>[^*_:\n]{{1,160}}?)"
    r"(?P<colon>\s*:?)(?P=em)"
)


def _unemphasised(line: str) -> str:
    """``line`` with the emphasis marks around its speaker tag read as spaces (same length, so
    offsets hold)."""
    m = _EMPHASISED_TAG.match(line)
    if m is None:
        return line
    blank = " " * len(m.group("em"))
    return m.group("before") + blank + m.group("name") + m.group("colon") + blank + line[m.end() :]


def split_speaker_tag(line: str) -> tuple[str, str, int, float | None] | None:
    """Recognise ``Name : text`` (optionally ``[hh:mm:ss] Name (affiliation) : text``).

    Returns ``(name, affiliation, offset_of_text, clock_seconds)`` or ``None`` when the line does
    not open with a speaker tag; an impossible stamp (« [99:99:99] ») gives no clock. A tag is a
    short name whose words are capitalised (or name particles), or a short role such as
    « Représentant de … ».

    Examples
    --------
    >>> split_speaker_tag("Jordan Bardella : je pense que")[:3]
    ('Jordan Bardella', '', 18)
    >>> split_speaker_tag("Deuxième point : il faut") is None
    True
    >>> split_speaker_tag("Note : il faudrait") is None
    True
    """
    line = _unemphasised(line)
    m = _TAG.match(line)
    if not m:
        return None
    raw = m.group("name").strip()
    # « Réponse de Leila Bennani : », « Question de M. Lazrak (ENSA) : »: that person speaks.
    said_by = _SAID_BY.match(raw)
    if said_by and split_speaker_tag(f"{said_by['name']} : …"):
        raw = said_by["name"]
    elif opens_with_note(line):
        return None
    name, affiliation = raw, ""
    am = _AFFILIATION.match(raw)
    if am:
        name, affiliation = am.group("name").strip(), am.group("aff").strip()
    elif (rm := _ROLE_AFTER.match(raw)) and _function_after_name(rm["name"], rm["aff"]):
        name, affiliation = rm["name"].strip(), rm["aff"].strip()
    words = re.findall(r"[\w.-]+", name)
    if not words or len(words) > 7 or not name[0].isalnum() and name[0] not in "«":
        return None
    roles, particles, _ = speaker_lexicon()
    first = words[0].lower()
    capitalised = all(w[0].isupper() or w[0].isdigit() or w.lower() in particles for w in words)
    if not capitalised and first not in roles and name_key(name) not in _KNOWN.get():
        return None
    return name, affiliation, m.end(), _stamp_seconds(m.group("clock"))


def _function_after_name(name: str, function: str) -> bool:
    """« Mohammed El Alaoui, directeur d'école »: a name of two words at least, then words
    that say a function, not speech (no pronoun, no verb of speech, no question)."""
    names = re.findall(r"[\w.-]+", name)
    said = re.findall(r"\w+['’]?", function.lower())
    return (
        len(names) >= 2
        and names[0].lower() not in _SPEECH_OPENERS
        and 0 < len(said) <= 12
        and "?" not in function
        and not set(said) & _SPEECH_WORDS
    )


def _stamp_seconds(stamp: str | None) -> float | None:
    """The seconds of a tag's clock stamp (« 00:01:12 », « 01:12 »), ``None`` without one or
    for an impossible one."""
    if not stamp or _impossible_stamp(stamp):
        return None
    parts = [int(p) for p in stamp.split(":")]
    return float(sum(v * 60**i for i, v in enumerate(reversed(parts))))


def opens_with_note(line: str) -> bool:
    """The line opens with a heading or a note (« Remarque : … », « Recommandation 2 : … »):
    no speaker's tag, and no speaker's words either."""
    m = _TAG.match(_unemphasised(line))
    words = re.findall(r"[\w.-]+", m.group("name")) if m else []
    return bool(words) and words[0].lower().rstrip(".") in speaker_lexicon().notes


# The encoding of a UTF-8 file with lines in cp1252 (``foreign_lines``).
MIXED = "utf-8+cp1252"
# The encoding of a UTF-8 file whose C1 control characters were cp1252 bytes (``c1_lines``).
C1 = "utf-8+c1"


def c1_lines(text: str) -> list[int]:
    """Numbers of the lines (from 1) with a C1 control character that cp1252 reads as one."""
    return [
        n
        for n, line in enumerate(text.split("\n"), 1)
        if any(ord(ch) in C1_AS_CP1252 for ch in line)
    ]


def foreign_lines(data: bytes) -> list[int]:
    """Numbers of the lines (from 1) that are not UTF-8 in a file otherwise written in UTF-8
    (with accents elsewhere), or ``[]``."""
    bad, accented = [], False
    for number, line in enumerate(data.split(b"\n"), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
        else:
            accented = accented or not line.isascii()
    return bad if accented else []


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 (with BOM), else cp1252, else latin-1.

    The lines of a UTF-8 file that are not UTF-8 (``foreign_lines``) are read as cp1252. The C1
    control characters of a UTF-8 file (``c1_lines``) stay as they are, so that quotations and
    positions are those of the decoded file; the analysis reads them as cp1252
    (``clean.repair_c1``).

    Raises ``InputError`` (naming the line) for binary content that is no text at all.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise InputError(path, "UTF-16 mal formé", line) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(path, "octets indécodables (fichier binaire ?)", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    else:
        if c1_lines(text):
            return text, C1
        return text, "utf-8-sig" if bom else "utf-8"
    if foreign := foreign_lines(data):  # a UTF-8 file with a line or two pasted from elsewhere
        lines = data.split(b"\n")
        for n in foreign:
            lines[n - 1] = lines[n - 1].decode("cp1252", "replace").encode("utf-8")
        return b"\n".join(lines).decode("utf-8"), MIXED
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(
            1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r" or 0x7F <= ord(ch) < 0xA0
        )
        if controls <= max(2, len(text) // 1000):
            return text, encoding
    line = data[:bad].count(b"\n") + 1
    raise InputError(path, "octets indécodables : ni UTF-8, ni cp1252 (fichier binaire ?)", line)


class _Note(NamedTuple):
    """What a reader noted about a file it could read: by default something it left out."""

    line: int | None
    reason: str
    consequence: str
    loses: bool = True  # False for a remark: the text is read whole


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _FrontMatterLoader(BuildsValues, yaml.SafeLoader):
    """A value it cannot build (« date: 2022-13-45 ») is a ``BadValue`` at its line."""


# The keys of a source's header that the tool reads; a header that lost its opening « --- » is
# recognised by one of them.
HEADER_KEYS = frozenset({"talk", "nature"})
_UNOPENED = re.compile(r"\A(?:[^\n]*\n){1,20}?---[ \t]*(?:\n|\Z)")
_HEADER_KEY = re.compile(rf"^(?:{'|'.join(sorted(HEADER_KEYS))})[ \t]*:", re.M)


def _unopened_header(text: str) -> bool:
    """The file starts with a few lines of the header's keys closed by « --- », its opening
    « --- » missing: a header all the same (a rule « --- » under speech is no header)."""
    head = _UNOPENED.match(text)
    if head is None or not _HEADER_KEY.search(head[0]):
        return False
    try:
        meta = yaml.load(head[0].rstrip()[:-3], Loader=_FrontMatterLoader)
    except (yaml.YAMLError, BadValue, RecursionError):
        return False
    return isinstance(meta, dict) and not HEADER_KEYS.isdisjoint(map(str, meta))


def _front_matter(text: str, path: Path) -> tuple[dict, int, list[_Note]]:
    """YAML front matter between two ``---`` lines at the top; returns it, its end offset and
    a note when its opening line is missing."""
    opening = re.match(r"---[ \t]*\n", text)
    if opening is None:
        if not _unopened_header(text):
            return {}, 0, []
        note = _Note(0, "en-tête sans sa première ligne « --- »", "lu comme un en-tête", False)
        meta, end, _ = _front_matter("---\n" + text, path)
        return meta, end - 4, [note]
    end = text.find("\n---", opening.end() - 1)
    if end < 0:
        raise InputError(path, "en-tête YAML ouvert par « --- » mais jamais fermé", 1)
    try:
        meta = yaml.load(text[opening.end() : end], Loader=_FrontMatterLoader) or {}
    except BadValue as exc:
        raise InputError(path, f"en-tête YAML invalide ({exc})", exc.line + 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(path, "en-tête YAML invalide", mark.line + 2 if mark else 1) from None
    except RecursionError:
        raise InputError(path, f"en-tête YAML invalide ({TOO_DEEP})", 1) from None
    if not isinstance(meta, dict):
        raise InputError(path, "l'en-tête YAML doit être une table (talk: …)", 1)
    close = text.find("\n", end + 4)
    return meta, len(text) if close < 0 else close + 1, []


def _blocks(
    text: str, start: int, paragraphs: bool, known: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Spans of paragraphs (blank-line separated) or of single lines, from ``start``.

    A line inside a paragraph that opens with a speaker tag starts a block of its own: many
    transcripts put one turn per line, without blank lines (« P1 : … » then « Eric Zemmour : … »),
    and so does a line that opens with a mistyped tag, without its colon or with a semicolon
    (:func:`_tag_names`, :func:`_untagged_name`).
    """
    spans, pos = [], start
    pattern = re.compile(r"\n[ \t]*\n" if paragraphs else r"\n")
    for m in pattern.finditer(text, start):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    if paragraphs:
        spans = [part for a, b in spans for part in _split_at_tags(text, a, b, known)]
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _split_at_tags(
    text: str, a: int, b: int, known: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """The paragraph ``text[a:b]`` cut before each of its later lines that opens with a tag,
    or with a mistyped tag (:func:`_untagged_name`)."""
    cuts = [
        m.end()
        for m in re.finditer(r"\n", text[a:b])
        if (line := text[a + m.end() : b].split("\n", 1)[0].lstrip())
        and (split_speaker_tag(line) or opens_with_note(line) or _untagged_name(line, known))
    ]
    bounds = [a, *(a + c for c in cuts), b]
    return list(zip(bounds, bounds[1:], strict=False))


def _tag_names(text: str) -> frozenset[str]:
    """The names of two words or more that open a line of ``text`` with a speaker tag."""
    return frozenset(
        tag[0]
        for line in text.split("\n")
        if (tag := split_speaker_tag(line.lstrip())) and len(tag[0].split()) > 1
    )


class _Untagged(NamedTuple):
    """A speaker tag mistyped (``_untagged_name``)."""

    name: str
    offset: int  # of the speech in the block
    stamp: str | None  # the clock stamp before the name, as written
    semicolon: bool  # « Nom ; » rather than « Nom » alone


_STAMP = re.compile(rf"{_CLOCK_STAMP}[ \t]*")
_GAP = re.compile(r"[ \t]*(?=[A-ZÀ-Ý])")
_SEMICOLON_TAG = re.compile(r"(?P<name>[^:;\n\[\]]{1,160}?)[ \t]*;[ \t]*(?=\S)")


def _untagged_name(block: str, known: frozenset[str]) -> _Untagged | None:
    """A speaker tag whose colon the transcriber forgot or mistyped, after an optional clock
    stamp: a name the file uses as a speaker tag followed by a capitalised word (« Léa Salamé
    Vous n'êtes pas d'accord ? », or glued to it: « Léa SalaméVous … »), or a name the file
    uses as a speaker tag or a person of the programme (``known_names``) followed by a
    semicolon, the key next to the colon on a French keyboard (« Eric Zemmour ; Non, … »).
    « Léa Salamé a raison » or « Léa Salamé, vous … » are about her."""
    clock = _STAMP.match(block)
    at = clock.end() if clock else 0
    stamp = clock.group("clock") if clock else None
    rest = block[at:]
    for name in sorted(known, key=len, reverse=True):
        if rest.startswith(name) and (gap := _GAP.match(rest, len(name))):
            # A capital glued to the name's last small letter (« Nathalie Saint-CricqBon, on
            # y va ») starts the speech just as well.
            if gap.group() or name[-1:].islower():
                return _Untagged(name, at + gap.end(), stamp, False)
    semicolon = _SEMICOLON_TAG.match(rest)
    if semicolon:
        name = semicolon.group("name").strip()
        if name in known or name_key(name) in _KNOWN.get():
            return _Untagged(name, at + semicolon.end(), stamp, True)
    return None


def _turns_from_blocks(
    text: str,
    blocks: list[tuple[int, int]],
    headings: set[int],
    markdown: bool,
    known: frozenset[str] = frozenset(),
) -> tuple[list[Turn], list[tuple[int, int]], list[_Note]]:
    """Speaker turns from text blocks (a block without a tag continues the previous speaker),
    the spans that are not speech, and the remarks on clock stamps (``_clock_windows``, and
    a stamp that is no time, left out), whose line is the offset of the turn in ``text``; a
    block that opens with a mistyped tag (``_untagged_name``) opens that speaker's turn, with
    a remark."""
    turns: list[Turn] = []
    stamps: list[_Note] = []
    speaker, affiliation, heading = None, "", ""
    nonspeech: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(blocks):
        block = text[a:b]
        if i in headings or (markdown and block.startswith("#")):
            heading = block.lstrip("#").strip()
            nonspeech.append((a, b))
            continue
        tag = split_speaker_tag(block)
        head = _TAG.match(_unemphasised(block))  # the tag or the note heading, read once
        stamp = None
        if tag:
            speaker, affiliation, offset, _ = tag
            stamp = head.group("clock")
        elif opens_with_note(block):
            # « Remarque : il faudrait … » in minutes: someone's words, not the last speaker's;
            # the heading is no part of them.
            speaker, affiliation = None, ""
            offset = head.end()
        elif slip := _untagged_name(block, known):
            speaker, affiliation, offset, stamp = slip.name, "", slip.offset, slip.stamp
            instead = " (point-virgule à la place)" if slip.semicolon else ""
            reason = f"prise de parole sans deux-points après « {slip.name} »{instead}"
            stamps.append(_Note(a, reason, "lue comme une prise de parole de ce nom", False))
        else:
            offset = 0
        clock = _stamp_seconds(stamp)
        if stamp and clock is None:
            reason = f"horodatage impossible « [{stamp}] »"
            stamps.append(_Note(a, reason, "texte gardé sans cette heure", False))
        a += offset
        times: tuple = ((a, b, clock, clock),) if clock is not None else ()
        turns.append(Turn(speaker, a, b, times=times, heading=heading, affiliation=affiliation))
        heading = ""
    turns, remarks = _clock_windows(turns)
    return turns, nonspeech, stamps + remarks


def _clock_windows(turns: list[Turn]) -> tuple[list[Turn], list[_Note]]:
    """Turns dated by the clock stamps of their tags (« [00:01:12] Nom : … »), and a remark
    (at the turn's offset) for each stamp earlier than the one before it.

    A stamp says when a turn starts: a block runs from the last stamp at or before it to the
    next one, so that a block without tag, which goes on with the turn above, is dated too.
    After the last stamp (or before a stamp that goes back), the end is unknown (``None``);
    blocks before the first stamp stay undated.
    """
    starts = [t.times[0][2] if t.times else None for t in turns]
    following: list[float | None] = [None] * len(turns)  # the next stamp after each block
    for i in range(len(turns) - 2, -1, -1):
        following[i] = starts[i + 1] if starts[i + 1] is not None else following[i + 1]
    out, remarks, last = [], [], None
    for i, turn in enumerate(turns):
        if starts[i] is not None and last is not None and starts[i] < last:
            reason = f"horodatage {_clock(starts[i])} antérieur au précédent ({_clock(last)})"
            remarks.append(_Note(turn.start_char, reason, "fin du bloc précédent inconnue", False))
        last = starts[i] if starts[i] is not None else last
        if last is None:
            out.append(turn)
            continue
        later = following[i]
        end = later if later is not None and later >= last else None
        out.append(replace(turn, times=((turn.start_char, turn.end_char, last, end),)))
    return _shared_windows(out), remarks


def _shared_windows(turns: list[Turn]) -> list[Turn]:
    """Blocks that share one window between two stamps each take their part of it, in
    proportion to their characters: the third of ten paragraphs spoken from 00:01:35 to
    00:11:40 is dated about three minutes in, not at 00:01:35."""
    out = list(turns)
    i = 0
    while i < len(out):
        if len(out[i].times) != 1 or out[i].times[0][3] is None:
            i += 1
            continue
        window = out[i].times[0][2:]
        j = i
        while j + 1 < len(out) and len(out[j + 1].times) == 1 and out[j + 1].times[0][2:] == window:
            j += 1
        first, last = out[i].start_char, out[j].end_char
        t0, t1 = window
        for k in range(i, j + 1):
            a, b = out[k].start_char, out[k].end_char
            at = [round(t0 + (t1 - t0) * (x - first) / max(last - first, 1), 1) for x in (a, b)]
            out[k] = replace(out[k], times=((a, b, *at),))
        i = j + 1
    return out


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


# An HTML comment of Markdown (« <!-- note interne --> »), to the end of the file if unclosed.
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def _blanked(m: re.Match) -> str:
    """The match as spaces, its line breaks kept: the text keeps its length and lines."""
    return re.sub(r"[^\n]", " ", m[0])


def _without_comments(text: str) -> tuple[str, list[_Note]]:
    """The text with its HTML comments blanked (same length: spans keep their place), and a
    note for each: a comment is hidden from the reader of the file, it is no speech to
    analyse or publish."""
    notes = []

    def blank(m: re.Match) -> str:
        notes.append(_Note(m.start(), "commentaire HTML", "laissé de côté (ni analysé ni publié)"))
        return _blanked(m)

    return _HTML_COMMENT.sub(blank, text), notes


# Markdown's marks at the head of a line: a list item (« - », « 1. »), a quotation (« > »),
# a code fence; and a table's separator row (« |---|:--| »).
_LINE_MARK = re.compile(
    r"^[ \t]*(?:[-*+][ \t]|\d{1,3}[.)](?:[ \t]|$)|>[ \t]?|(?:```|~~~).*$)", re.M
)
_TABLE_RULE = re.compile(r"^[ \t]*\|[ \t:|-]*-[ \t:|-]*\|?[ \t]*$", re.M)
# A thematic break (« --- », « *** », « ___ »), or a heading's underline.
_BREAK = re.compile(r"^[ \t]*([-*_=])(?:[ \t]*\1){2,}[ \t]*$", re.M)
_TABLE_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.M)


def _without_markup(text: str) -> str:
    """Markdown's marks read as spaces (same length: spans keep their place), so that they
    are neither quoted nor in the way of a speaker's tag: list items, quotations, code fences
    tables and thematic breaks. A table row « | Nom | propos | » reads « Nom : propos », a
    tag; the row that names the columns, above the separator row, goes with it."""

    def row(m: re.Match) -> str:
        cells = m[1].split("|")
        inner = (":" if len(cells) == 2 else ";").join(cells)
        return (
            re.sub(r"\|", " ", m[0][: m.start(1) - m.start()]) + inner + " " * (m.end() - m.end(1))
        )

    lines = text.split("\n")
    for k in range(1, len(lines)):
        if _TABLE_RULE.fullmatch(lines[k]) and _TABLE_ROW.fullmatch(lines[k - 1]):
            lines[k - 1] = " " * len(lines[k - 1])  # the columns' names
    text = _TABLE_RULE.sub(_blanked, "\n".join(lines))
    text = _TABLE_ROW.sub(row, text)
    return _LINE_MARK.sub(_blanked, _BREAK.sub(_blanked, text))


def read_plain(path: Path, data: bytes, markdown: bool) -> SourceText:
    text, encoding = decode(data, path)
    text = _normalise_newlines(text)
    comments: list[_Note] = []
    if markdown:
        text, comments = _without_comments(text)
    meta, body, header = _front_matter(text, path)
    if markdown:  # the header's own « --- » and « - » are no markup
        text = text[:body] + _without_markup(text[body:])
    known = _tag_names(text)
    blocks = _blocks(text, body, True, known)
    turns, nonspeech, remarks = _turns_from_blocks(text, blocks, set(), markdown, known)
    remarks += comments + header
    if body:
        nonspeech.insert(0, (0, body))
    fmt = "markdown" if markdown else "texte"
    remarks = [n._replace(line=text.count("\n", 0, n.line) + 1) for n in remarks]
    return SourceText(
        str(path),
        path.name,
        fmt,
        text,
        tuple(turns),
        encoding,
        meta,
        tuple(nonspeech),
        **_notes(remarks),
    )


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    return sum(float(p) * 60**i for i, p in enumerate(reversed(parts)))


def _bad_timing(line: str) -> bool:
    """A line meant as a cue timing (« 00:01 --> … ») that is not a valid one."""
    return bool(_TIMING_ATTEMPT.search(line)) and not _CUE_TIMING.match(line)


def _blocks_of_lines(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the number of its first line (from 1)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line)
        else:
            current = []
    return blocks


def _excerpt(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _timings_repaired(text: str, problems: list) -> str:
    """The SRT text with every malformed timing line replaced by one the parser reads, each
    noted in ``problems``: the cue's text is kept (its speaker's name too, which would
    otherwise pass what follows to the speaker before), timed from the end of the cue before
    it to the start of the cue after it.

    A line with an arrow where a cue's timing goes (first of its block, or after the cue's
    number) is a timing even without digits (« abc --> def »): the parser would append it,
    with the number before it, to the text of the cue above."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        after_number = number and lines[number - 1].strip().isdigit()
        in_place = number == 0 or not lines[number - 1].strip() or after_number
        timing_in_place = in_place and "-->" in line and not _CUE_TIMING.match(line)
        if not (_bad_timing(line) or timing_in_place):
            continue
        before = next((m.group(2) for x in reversed(lines[:number]) if (m := _timing(x))), None)
        after = next((m.group(1) for x in lines[number + 1 :] if (m := _timing(x))), None)
        start = before or after or "00:00:00,000"
        end = (
            after
            if after is not None and _seconds(_hours(after)) >= _seconds(_hours(start))
            else start
        )
        lines[number] = f"{start} --> {end}"
        problems.append(_kept_undated(number + 1, line))
    return "\n".join(lines)


def _timing(line: str) -> re.Match | None:
    """The cue timing of ``line`` when it holds one whose stamps are times."""
    m = _CUE_TIMING.match(line)
    return m if m and not any(map(_impossible_stamp, m.group(1, 2))) else None


def _impossible_timing(line: str) -> bool:
    """A cue timing well formed but with a stamp that is no time (« 00:61:99,000 --> … »)."""
    return bool(_CUE_TIMING.match(line)) and not _timing(line)


def _hours(stamp: str) -> str:
    """A stamp with its hours (« 00:13,000 », as WebVTT allows, is minutes and seconds)."""
    return stamp if stamp.count(":") == 2 else f"00:{stamp}"


def _kept_undated(line: int, timing: str, neighbours: str = "les sous-titres voisins") -> _Note:
    reason = f"horodatage mal formé « {timing.strip()} »"
    return _Note(line, reason, f"texte gardé, daté d'après {neighbours}", loses=False)


def _reversed(line: int, timing: str) -> _Note:
    reason = f"fin avant le début « {timing.strip()} »"
    return _Note(line, reason, "seule l'heure de début est gardée", loses=False)


def _srt_timings(text: str, problems: list) -> str:
    """The SRT text with its timing lines made plain for the parser, line numbers kept.

    A stamp without hours (« 00:13,000 », as WebVTT allows) is minutes and seconds, where the
    parser reads hours and minutes; a cue that ends before it starts keeps its start only (noted
    in ``problems``); a cue with an impossible stamp (``_impossible_timing``) is blanked out, its
    number and text too, and noted as left out; a lone index line between blank lines, a cue
    with neither timing nor text (often left at the end of a file), is blanked out, where the
    parser would append it to the text of the cue above; so is a cue number that is no number
    (« onze »), with a remark.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _impossible_timing(line):
            problems.append(
                (i + 1, f"horodatage impossible « {line.strip()} »", "sous-titre ignoré")
            )
            first, end = i - 1 if i and lines[i - 1].strip().isdigit() else i, _cue_end(lines, i)
            lines[first:end] = [""] * (end - first)
        elif m := _CUE_TIMING.match(line):
            index = lines[i - 1].strip() if i else ""
            if index and not index.isdigit() and (i == 1 or not lines[i - 2].strip()):
                # « onze » where the cue's number should be: the parser took the number and
                # the timing for the text of the cue above.
                reason = f"numéro de sous-titre illisible « {index} »"
                problems.append((i, reason, "sous-titre lu sans ce numéro", False))
                lines[i - 1] = ""
            start, end = (_hours(s) for s in m.group(1, 2))
            if _seconds(end) < _seconds(start):
                problems.append(_reversed(i + 1, line))
                end = start
            lines[i] = f"{start} --> {end}{m.group(3) or ''}"
        elif (
            line.strip().isdigit()
            and (i == 0 or not lines[i - 1].strip())
            and (i + 1 == len(lines) or not lines[i + 1].strip())
        ):
            lines[i] = ""
    return "\n".join(lines)


def _cue_end(lines: list[str], timing: int) -> int:
    """The index after the last text line of the cue whose timing is ``lines[timing]``: at a
    blank line, or at the next cue (its timing, or its number before its timing)."""
    k = timing + 1
    while (
        k < len(lines)
        and lines[k].strip()
        and not _CUE_TIMING.match(lines[k])
        and not (
            lines[k].strip().isdigit() and k + 1 < len(lines) and _CUE_TIMING.match(lines[k + 1])
        )
    ):
        k += 1
    return k


def _notes(problems: list) -> dict[str, tuple[str, ...]]:
    """``problems`` (``_Note``, or tuples of its first three fields) as French notes in line
    order: the losses as ``problems``, the remarks as ``remarks`` (fields of ``SourceText``)."""
    notes = sorted((_Note(*p) for p in problems), key=lambda n: n.line or 0)

    def said(loses: bool) -> tuple[str, ...]:
        return tuple(
            (f"ligne {n.line} : " if n.line else "") + f"{n.reason}, {n.consequence}"
            for n in notes
            if n.loses == loses
        )

    return {"problems": said(True), "remarks": said(False)}


def _read_problems(path: Path, cues: list, problems: list) -> dict[str, tuple[str, ...]]:
    """``_notes(problems)``; when nothing could be read, the first loss is raised as the
    file's error."""
    losses = [n for n in (_Note(*p) for p in problems) if n.loses]
    if losses and not any(c[2].strip() for c in cues):
        first = min(losses, key=lambda n: n.line or 0)
        raise InputError(path, first.reason, first.line)
    return _notes(problems)


def _replies(content: str, names: frozenset[str] = frozenset()) -> list[str]:
    """The replies of a dialogue cue, one per line opened by a dash (« - Oui. » / « - Non. »),
    or, in a cue without dashes, at each later line that opens with the tag of a speaker the
    file tags at the start of a cue (``names``: « Merci. » / « Marine Le Pen : Bonsoir. »);
    else the cue whole."""
    lines = [line for line in content.split("\n") if line.strip()]
    if sum(line.lstrip().startswith("- ") for line in lines) < 2 or not lines[0].startswith("- "):
        tagged = [
            k
            for k, line in enumerate(lines)
            if k and (tag := split_speaker_tag(line.strip())) and tag[0] in names
        ]
        if not tagged:
            return [content]
        bounds = [0, *tagged, len(lines)]
        return [" ".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]
    replies: list[str] = []
    for line in lines:
        if line.lstrip().startswith("- ") or not replies:
            replies.append(line.strip())
        else:
            replies[-1] += " " + line.strip()
    return replies


def _timed_turns(
    cues: list[tuple[float, float, str, str | None]], path: Path, fmt: str, encoding: str, meta=None
) -> SourceText:
    """Exposed text is one line per cue (per reply of a dialogue cue); consecutive cues of one
    speaker form a turn."""
    lines, turns = [], []
    pos = 0
    current: dict | None = None
    # The speakers the file tags at the start of a cue (« Nom : … », « - Nom : … »).
    names = frozenset(
        tag[0]
        for _, _, c, v in cues
        if v is None and (tag := split_speaker_tag(c.strip().removeprefix("- ")))
    )
    for start_s, end_s, content, voice in (
        (s, e, reply, v) for s, e, c, v in cues for reply in _replies(c, names)
    ):
        content = " ".join(content.split())
        a, b = pos, pos + len(content)
        lines.append(content)
        pos = b + 1
        if not content:
            continue
        speaker, affiliation, text_start = voice, "", a
        dash = 2 if voice is None and content.startswith("- ") else 0
        tag = split_speaker_tag(content[dash:]) if voice is None else None
        if tag:
            speaker, affiliation, offset, _ = tag
            text_start = a + dash + offset
        elif dash:
            speaker, text_start = None, a + dash
        elif voice is None and current is not None:
            speaker = current["speaker"]
        new_turn = (
            current is None or speaker != current["speaker"] or tag or content.startswith("- ")
        )
        if new_turn:
            current = {"speaker": speaker, "aff": affiliation, "start": text_start, "times": []}
            turns.append(current)
        current["end"] = b
        current["times"].append((max(a, text_start), b, start_s, end_s))
    text = "\n".join(lines)
    return SourceText(
        str(path),
        path.name,
        fmt,
        text,
        tuple(
            Turn(t["speaker"], t["start"], t["end"], tuple(t["times"]), affiliation=t["aff"])
            for t in turns
        ),
        encoding,
        meta or {},
    )


def _parse_srt(text: str, problems: list) -> list:
    """The subtitles of ``text``; a stretch the parser cannot read is noted in ``problems``
    and parsing resumes at the next subtitle."""
    subs, start = [], 0
    while True:
        try:
            subs.extend(srt.parse(text[start:], ignore_errors=False))
            return subs
        except srt.SRTParseError as exc:
            gap = exc.unmatched_content
            at = start + exc.expected_start + len(gap) - len(gap.lstrip())
            reason = f"texte hors sous-titre (« {_excerpt(gap)} »)"
            problems.append((text[:at].count("\n") + 1, reason, "passage ignoré"))
            if exc.actual_start <= exc.expected_start or start + exc.actual_start >= len(text):
                return subs
            start += exc.actual_start


# The styling a subtitle may carry, which players show and do not print: « <i> », « <b> »,
# « <u> », « <font color=…> » and their closing tags, and the placement codes of subtitles
# converted from ASS (« {\an8} »). Left in, they hid a speaker tag (« <i>Léa Salamé : … »).
_SRT_STYLE = re.compile(r"</?[ibu]>|</?font(?:\s[^>]*)?>|\{\\[^}]*\}", re.IGNORECASE)


def read_srt(path: Path, data: bytes) -> SourceText:
    text, encoding = decode(data, path)
    problems: list = []
    text = _timings_repaired(_normalise_newlines(text), problems)
    subs = _parse_srt(_srt_timings(text, problems), problems)
    cues = [
        (s.start.total_seconds(), s.end.total_seconds(), _SRT_STYLE.sub("", s.content), None)
        for s in subs
    ]
    notes = _read_problems(path, cues, problems)
    return replace(_timed_turns(cues, path, "srt", encoding), **notes)


# WebVTT blocks that hold no cue: comments, style sheets, regions.
_VTT_NON_CUES = ("NOTE", "STYLE", "REGION")


_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_MARKUP = re.compile(r"</?[^>]*>")
# A voice tag that a line never closes: « <v Youssef Kettani puisqu'il … ».
_UNCLOSED_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+(?=[^>]*$)")


def _closed_voice(line: str, voices: Iterable[str]) -> tuple[str, str]:
    """The line with an unclosed voice tag mended, and what was done: closed after the voice
    the file names elsewhere that the tag starts with, else taken out (the text is kept)."""
    m = _UNCLOSED_VOICE.search(line)
    if m is None:
        return line, ""
    rest = line[m.end() :]
    named = [v for v in voices if rest.startswith(v) and rest[len(v) : len(v) + 1] in " \t"]
    if named:
        voice = max(named, key=len)
        mended = f"{line[: m.start()]}<v {voice}>{rest[len(voice) :].lstrip()}"
        return mended, f"lue comme « <v {voice}> »"
    return line[: m.start()] + rest, "le texte est gardé, sans orateur"


def _voices(caption) -> list[tuple[str, str | None]]:
    """(text, voice) of each voice of a cue (« <v A>Oui.</v> <v B>Non.</v> »), or of the cue
    whole, where the parser gives all its text to the first voice.

    The parser removes the markup but leaves character references (« &amp; », « &lt; »).
    """
    raw = caption.raw_text
    if len(_VOICE.findall(raw)) < 2:
        return [(html.unescape(caption.text), caption.voice)]
    pieces = _VOICE.split(raw)  # text before the first voice, then voice, text, voice, text …
    said = [(pieces[0], None), *zip(pieces[2::2], pieces[1::2], strict=True)]
    return [
        (html.unescape(_MARKUP.sub("", text)).strip(), voice.strip() or None)
        for text, voice in said
        if _MARKUP.sub("", text).strip()
    ]


# A time inside a cue's text: automatic captions (YouTube's) time each word, « mot<00:00:02.900> ».
_INLINE_TIME = re.compile(r"<(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}>")


def _vtt_blocks(text: str) -> list[tuple[int, list[str]]]:
    """The blocks of a WebVTT file (``_blocks_of_lines``), where, as the format says, a line
    of spaces does not end a cue when text follows it (automatic captions write one)."""
    lines = text.split("\n")

    def starts_cue(k: int) -> bool:
        return k >= len(lines) or not lines[k].strip() or "-->" in " ".join(lines[k : k + 2])

    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for k, line in enumerate(lines):
        if line.strip() or (line and current and not starts_cue(k + 1)):
            if not current:
                blocks.append((k + 1, current))
            current.append(line)
        else:
            current = []
    return blocks


def _caption_lines(caption) -> list[str]:
    """The lines of a caption as read: markup removed, spaces collapsed, empty ones left out."""
    lines = (" ".join(_MARKUP.sub("", x).split()) for x in caption.raw_text.split("\n"))
    return [html.unescape(x) for x in lines if x]


def _rolling(caption, before) -> list[tuple[str, str | None]]:
    """What a rolling caption adds to the caption ``before`` (``None`` for the first): its
    lines but those that repeat a line of ``before``, with the voice it names (« <v Nom> »),
    if any."""
    repeated = set(_caption_lines(before)) if before is not None else set()
    new = " ".join(x for x in _caption_lines(caption) if x not in repeated)
    voice = _VOICE.search(caption.raw_text)
    return [(new, voice.group(1).strip() or None if voice else None)] if new else []


def read_vtt(path: Path, data: bytes) -> SourceText:
    text, encoding = decode(data, path)
    text = _normalise_newlines(text)
    if not text.lstrip().startswith("WEBVTT"):
        raise InputError(path, "un fichier WebVTT doit commencer par « WEBVTT »", 1)
    # Automatic captions roll: each caption repeats the line before and adds words, timed one
    # by one; only what a caption adds is read.
    rolling = bool(_INLINE_TIME.search(text))
    before = None  # the caption before, which a rolling caption repeats
    # Block by block: the parser drops a block without timing silently and refuses the whole
    # file for one bad block.
    cues, problems = [], []
    voices = {v.strip() for v in _VOICE.findall(text) if v.strip()}
    for number, lines in _vtt_blocks(text)[1:]:
        if lines[0].split(" ", 1)[0].split("\t", 1)[0] in _VTT_NON_CUES:
            continue
        for i, line in enumerate(lines):
            lines[i], done = _closed_voice(line, voices)
            if done:
                problems.append(_Note(number + i, "balise de voix « <v » sans « > »", done, False))
        bad = [i for i, line in enumerate(lines) if _bad_timing(line)]
        if bad:
            # The text is kept, timed at the end of the cue before.
            problems.append(
                _kept_undated(number + bad[0], lines[bad[0]], "le sous-titre précédent")
            )
            at = f"{_clock(cues[-1][1] if cues else 0.0)}.000"
            lines = [*lines[: bad[0]], f"{at} --> {at}", *lines[bad[0] + 1 :]]
        if not any("-->" in line for line in lines):
            reason = f"texte hors sous-titre (« {_excerpt(' '.join(lines))} »)"
            problems.append((number, reason, "passage ignoré"))
        else:
            # A comma before the milliseconds, as in SRT, is common in converted files.
            block = [_COMMA_MS.sub(r"\1.", x) if "-->" in x else x for x in lines if x.strip()]
            try:
                found = webvtt.from_string("WEBVTT\n\n" + "\n".join(block)).captions
            except webvtt.errors.MalformedFileError as exc:
                found, reason = [], f"WebVTT mal formé ({exc})"
            else:
                timing = next(x.strip() for x in lines if "-->" in x)
                what = "impossible" if _impossible_timing(timing) else "illisible"
                reason = f"horodatage {what} « {timing} »"
            if not found:
                problems.append((number, reason, "sous-titre ignoré"))
            for caption in found:
                start, end = _seconds(caption.start), _seconds(caption.end)
                if end < start:
                    at = next(i for i, x in enumerate(lines) if "-->" in x)
                    problems.append(_reversed(number + at, lines[at]))
                said = _rolling(caption, before) if rolling else _voices(caption)
                before = caption
                cues += [(start, max(start, end), *one) for one in said]
    notes = _read_problems(path, cues, problems)
    return replace(_timed_turns(cues, path, "webvtt", encoding), **notes)


def _seconds_value(value) -> bool:
    """A time in seconds: a finite, non-negative number (not a boolean)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _timed(segment) -> bool:
    return isinstance(segment, dict) and _seconds_value(segment.get("start"))


def read_whisper(path: Path, data: bytes) -> SourceText:
    text, encoding = decode(data, path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, json_reason(exc), exc.lineno) from None
    except RecursionError:
        raise InputError(path, f"JSON invalide ({TOO_DEEP})") from None
    segments = doc.get("segments") if isinstance(doc, dict) else None
    if not isinstance(segments, list):
        raise InputError(
            path, "JSON inattendu : une liste « segments » (sortie de Whisper) est attendue"
        )
    table = doc.get("speakers") if isinstance(doc.get("speakers"), dict) else {}
    names = {k: v.strip() for k, v in table.items() if isinstance(v, str) and v.strip()}
    problems = [
        _Note(
            None,
            f"la table « speakers » ne donne pas de nom à « {k} »",
            "son étiquette est gardée",
            False,
        )
        for k in table
        if k not in names
    ]
    cues = []
    for i, seg in enumerate(segments, 1):
        if not isinstance(seg, dict):
            problems.append((None, f"le segment n° {i} n'est pas une table", "il est ignoré"))
            continue
        missing = [k for k in ("start", "end") if not _seconds_value(seg.get(k))]
        missing += [] if isinstance(seg.get("text"), str) else ["text"]
        if missing:
            quoted = [f"« {k} »" for k in missing]
            what = (
                f"pas de {quoted[0]} valable"
                if len(quoted) == 1
                else "ni " + " ni ".join(quoted) + " valables"
            )
            problems.append((None, f"le segment n° {i} n'a {what}", "il est ignoré"))
            continue
        label = seg.get("speaker")
        if label is not None and not isinstance(label, str):
            reason = f"le « speaker » du segment n° {i} n'est pas un texte"
            problems.append(_Note(None, reason, "le segment est lu sans orateur", loses=False))
        speaker = names.get(label, label) if isinstance(label, str) else None
        start, end = float(seg["start"]), float(seg["end"])
        if end < start:
            times = f"« start » {seg['start']}, « end » {seg['end']}"
            reason = f"le segment n° {i} finit avant de commencer ({times})"
            # The time kept is the one that falls between its neighbours (« start » 1e308 is
            # the wrong one when the next segment starts at 36.6).
            before = cues[-1][0] if cues else 0.0
            after = next((float(x["start"]) for x in segments[i:] if _timed(x)), math.inf)
            kept = "début"
            if not before <= start <= after and before <= end <= after:
                start, kept = end, "fin"
            problems.append(_Note(None, reason, f"seule l'heure de {kept} est gardée", False))
        # A Whisper segment carries no speaker tag of its own: an empty voice keeps it untagged.
        cues.append((start, max(start, end), seg["text"], speaker or ""))
    notes = _read_problems(path, cues, problems)
    meta = {k: v for k, v in doc.items() if k not in {"segments", "word_segments"}}
    source = _timed_turns(cues, path, "whisper", encoding, meta)
    turns = tuple(
        Turn(t.speaker or None, t.start_char, t.end_char, t.times, affiliation=t.affiliation)
        for t in source.turns
    )
    return replace(source, turns=turns, **notes)


def read_docx(path: Path, data: bytes) -> SourceText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError):
        reason = "document Word illisible (ce n'est pas un fichier .docx valide)"
        raise InputError(path, reason) from None
    except XMLSyntaxError:  # a valid zip holding a cut or corrupted part (a half-synced file)
        raise InputError(path, "document Word illisible (XML abîmé)") from None
    paragraphs, headings = [], set()
    for style, said in _docx_blocks(document):
        if not said.strip():
            continue
        if style.startswith(("Heading", "Titre", "Title")):
            headings.add(len(paragraphs))
            paragraphs.append(" ".join(said.split()))
            continue
        # A line break inside a paragraph (Maj+Entrée) before a speaker tag starts a turn.
        lines = said.split("\n")
        starts = [0, *(k for k, line in enumerate(lines) if k and split_speaker_tag(line.strip()))]
        for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
            part = " ".join(" ".join(lines[a:b]).split())
            if part:
                paragraphs.append(part)
    text = "\n".join(paragraphs)
    blocks, pos = [], 0
    for para in paragraphs:
        blocks.append((pos, pos + len(para)))
        pos += len(para) + 1
    turns, nonspeech, remarks = _turns_from_blocks(
        text, blocks, headings, markdown=False, known=_tag_names(text)
    )
    props = document.core_properties
    meta = {"title": props.title} if props.title else {}
    return SourceText(
        str(path),
        path.name,
        "docx",
        text,
        tuple(turns),
        "docx",
        meta,
        tuple(nonspeech),
        **_notes([n._replace(line=None) for n in remarks]),
    )


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Words of a table's first row that name its columns (« Intervenant | Propos »).
_COLUMN_NAMES = frozenset(
    {"intervenant", "intervenante", "intervenant·e", "orateur", "oratrice", "locuteur", "nom"}
    | {"qui", "personne", "speaker", "propos", "texte", "intervention", "question", "réponse"}
)


def _docx_blocks(document) -> Iterator[tuple[str, str]]:
    """The style name and the text of each paragraph of the body, in order: those of a
    content control and of a table too (a row « Nom | propos » reads « Nom : propos », a
    first row that names the columns is left out), with the words of a tracked insertion
    and without those of a tracked deletion (python-docx's ``paragraphs`` saw none of it)."""
    from docx.text.paragraph import Paragraph

    def text_of(p) -> str:
        parts = []
        for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            if any(a.tag in {f"{_W}del", f"{_W}moveFrom"} for a in node.iterancestors()):
                continue
            tag = node.tag.removeprefix(_W)
            parts.append((node.text or "") if tag == "t" else "\t" if tag == "tab" else "\n")
        return "".join(parts)

    def blocks(parent) -> Iterator[tuple[str, str]]:
        for child in parent.iterchildren():
            if child.tag == f"{_W}p":
                style = Paragraph(child, document.part).style
                yield (style.name or "") if style is not None else "", text_of(child)
            elif child.tag == f"{_W}sdt":
                yield from blocks(child.find(f"{_W}sdtContent"))
            elif child.tag == f"{_W}tbl":
                yield from rows(child)

    def rows(table) -> Iterator[tuple[str, str]]:
        for k, row in enumerate(table.iterchildren(f"{_W}tr")):
            cells = [
                " ".join(" ".join(text_of(p) for p in cell.iter(f"{_W}p")).split())
                for cell in row.iterchildren(f"{_W}tc")
            ]
            cells = [c for c in cells if c]
            if k == 0 and cells and all(c.lower() in _COLUMN_NAMES for c in cells):
                continue
            if len(cells) == 2 and split_speaker_tag(f"{cells[0]} : {cells[1]}"):
                yield "", f"{cells[0]} : {cells[1]}"
            elif cells:
                yield "", " ".join(cells)

    yield from blocks(document.element.body)


def _read_docx_cached(path: Path, data: bytes) -> SourceText:
    """``read_docx``, from the stage cache when this file was read before (python-docx takes
    half a second for a Q&A file, reading the stored result a few milliseconds)."""
    known = sorted(_KNOWN.get())
    key = caching.digest("docx", str(path), hashlib.sha256(data).hexdigest(), known)
    return caching.cached("docx", key, lambda: read_docx(path, data))


# A run of this many characters without a space is no speech: an image or a file pasted as text
# (base64), a corrupted line. French words, and even web addresses, stay far below it.
LONG_RUN = 200
# The colon after it goes with it: it stood where a speaker's name stands (« XXX… : Merci »).
_LONG_RUN = re.compile(rf"(\S{{{LONG_RUN},}})(?:[ \t]+:(?=\s))?")


def _without_long_runs(source: SourceText, data: bytes) -> SourceText:
    """The source with its runs of ``LONG_RUN`` characters or more without a space blanked
    (same length: spans keep their place) and named in its problems, at their line of the
    file where it can be found; a turn left blank is no turn."""
    runs = list(_LONG_RUN.finditer(source.text))
    if not runs:
        return source
    raw = _normalise_newlines(data.decode("utf-8", "replace"))
    notes, after = [], 0
    for m in runs:
        # From the run before: two images of one size share their first characters.
        at = raw.find(m[1][:80], after)
        after = at + 1 if at >= 0 else after
        where = f"ligne {raw.count(chr(10), 0, at) + 1} : " if at >= 0 else ""
        notes.append(
            f"{where}suite de {grouped_digits(len(m[1]))} caractères sans espace "
            f"(« {m[1][:12]}… »), qui n'est pas du texte (image ou donnée encodée ?), "
            "laissée de côté (ni analysée ni publiée)"
        )
    text = _LONG_RUN.sub(_blanked, source.text)
    turns = tuple(t for t in source.turns if text[t.start_char : t.end_char].strip())
    return replace(source, text=text, turns=turns, problems=(*source.problems, *notes))


def read_source(path: str | Path, max_bytes: int) -> SourceText:
    """Read one source file with the reader of its format.

    Raises
    ------
    InputError
        Unknown extension, empty or too large file, undecodable or malformed content.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if path.is_dir():
        raise InputError(path, "c'est un dossier, pas un fichier")
    if ext not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise InputError(path, f"extension « {ext or '(aucune)'} » non prise en charge ({known})")
    size = path.stat().st_size
    if size > max_bytes:
        mb = f"{size / 1e6:.1f} Mo, limite {max_bytes / 1e6:.1f} Mo".replace(".", ",")
        raise InputError(path, f"fichier trop volumineux ({mb})")
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(path, "fichier vide")
    if ext in {".txt", ".md", ".markdown"}:
        source = read_plain(path, data, markdown=ext != ".txt")
    elif ext == ".srt":
        source = read_srt(path, data)
    elif ext == ".vtt":
        source = read_vtt(path, data)
    elif ext == ".json":
        source = read_whisper(path, data)
    else:
        source = _read_docx_cached(path, data)
    source = _without_long_runs(source, data)
    if not source.turns:
        raise InputError(path, "aucun texte de parole trouvé")
    if source.encoding == MIXED:
        notes = [
            f"ligne {n} : pas en UTF-8 comme le reste, lue en cp1252" for n in foreign_lines(data)
        ]
        source = replace(source, remarks=(*source.remarks, *notes))
    elif source.encoding == C1:
        lines = c1_lines(data.decode("utf-8-sig"))
        shown = ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
        note = (
            f"{'ligne' if len(lines) == 1 else 'lignes'} {shown} : caractères de contrôle, "
            "analysés comme les caractères cp1252 qu'ils codaient (’, œ, …), cités tels quels"
        )
        source = replace(source, remarks=(*source.remarks, note))
    return source
