"""Ingest the sources of an event (or loose files) into passages, accounting for every file."""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from omap_synthesis.config import MAX_SOURCE_BYTES
from omap_synthesis.errors import InputError, os_reason
from omap_synthesis.event import load_event
from omap_synthesis.models import SLIDE, Event, Passage, SourceReport, SourceText, Turn
from omap_synthesis.readers import FORMATS, TITLES, known_names, name_key, read_source
from omap_synthesis.segment import (
    count_words,
    passages_from_source,
    turn_sentences,
    unpunctuated_remark,
)

log = logging.getLogger(__name__)


@dataclass
class Ingested:
    """Everything ingestion produced: passages, the sources read, and the accounting."""

    passages: list[Passage]
    sources: dict[str, SourceText] = field(default_factory=dict)
    reports: list[SourceReport] = field(default_factory=list)
    event: Event | None = None
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def messages(self) -> list[str]:
        """The files left out, each with its reason."""
        return [f"{r.name} : {r.reason}" for r in self.reports if r.status != "lu"]

    @property
    def partial(self) -> dict[str, str]:
        """The files read in part: what their reader left out (« ligne 12 : … »)."""
        return {r.name: r.reason for r in self.reports if r.status == "lu" and r.reason}

    @property
    def remarks(self) -> dict[str, str]:
        """The files with remarks: what their reader noticed in text it read whole."""
        return {r.name: r.remarks for r in self.reports if r.remarks}

    def skip(
        self,
        path: Path,
        reason: str,
        fmt: str = "",
        name: str | None = None,
        talk: str | None = None,
    ) -> None:
        """Account for a file that is not read, with its reason (under ``name``, by default
        the file's name) and the programme item its name points to, if any."""
        name = name or path.name
        log.info("%s : %s", name, reason)  # the caller shows the accounting
        digest = _file_digest(path)
        self.reports.append(
            SourceReport(name, fmt, talk, status="ignoré", reason=reason, digest=digest)
        )

    def missing_items(self) -> list[str]:
        """Programme items with speech for which no source was read."""
        if self.event is None:
            return []
        covered = {p.talk for p in self.passages}
        return [it.id for it in self.event.items if it.has_speech and it.id not in covered]

    def unpunctuated_items(self) -> list[str]:
        """Programme items with a transcript read without punctuation, in programme order."""
        talks = {r.talk for r in self.reports if r.status == "lu" and r.unpunctuated}
        items = self.event.items if self.event is not None else []
        return [it.id for it in items if it.id in talks]

    def unreadable_items(self) -> list[str]:
        """Programme items with no speech read although a file was given for them (empty,
        unreadable): their transcript is not missing, it could not be used."""
        given = {
            r.talk
            for r in self.reports
            if r.status != "lu" and r.talk and r.reason != _LISTED_BUT_ABSENT
        }
        return [item for item in self.missing_items() if item in given]


def slug(text: str) -> str:
    """ASCII, lower-case identifier made of ``[a-z0-9-]``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "source"


def _qa_classifier(event: Event, item_id: str, after: int = 0, headed: bool = False):
    """Label Q&A turns: questions from the audience, answers and moderation by programme people.

    An exchange opens at a question after other turns, unless the exchange just opened has had
    no answer yet; and at a heading, unless the exchange just opened has had neither question
    nor answer (the moderator's opening under the notes' title, then « ## Échange 1 »: one
    exchange). In notes ``headed`` by exchange (two headings or more), only headings open
    exchanges: a word from the floor inside one (« On va en parler ») opens none. Numbers
    follow ``after``, the last exchange of the notes of this item already read.
    """
    people = event.programme_people
    moderators = {s.moderator.name for s in event.sessions if s.moderator}
    state = {"exchange": after, "last": None, "answered": True, "asked": False}

    def classify(_index: int, turn: Turn) -> tuple[str, int | None]:
        if turn.speaker in moderators:
            kind = "moderation"
        elif turn.speaker in people or (turn.speaker or "").lower().startswith(
            ("représentant", "représentante", "réponse", "intervenant")
        ):
            kind = "reponse"
        else:
            kind = "question"
        asks = kind == "question" and state["last"] != "question" and not headed
        opens = turn.heading or asks
        if opens and (state["answered"] or turn.heading and state["asked"]):
            state["exchange"] += 1
            state["answered"] = state["asked"] = False
        state["answered"] = state["answered"] or kind == "reponse"
        state["asked"] = state["asked"] or kind == "question"
        state["last"] = kind
        return kind, state["exchange"] or None

    item = event.item(item_id)
    # A chair listed among the speakers of a talk speaks in it (a panellist chairing a session).
    chairing = moderators - {p.name for p in item.speakers} if item is not None else moderators

    def classify_talk(_index: int, turn: Turn) -> tuple[str, int | None]:
        return ("moderation" if turn.speaker in chairing else "talk"), None

    return classify if item is not None and item.kind == "qa" else classify_talk


# Words that make a file one of slides, or of notes taken on them: its name's
# (« conf-8-diapositives.md ») or its header's « nature: diapositives ».
_SLIDE_WORDS = frozenset({"diapositive", "diapositives", "slide", "slides", "diaporama"})


def of_slides(source: SourceText) -> bool:
    """A file of slides (or of notes taken on them): written, not said. Its header's
    « nature » decides; without one, a word of its name."""
    nature = source.meta.get("nature")
    if nature is not None:
        return str(nature).strip().casefold() in _SLIDE_WORDS
    return bool(_SLIDE_WORDS & set(re.split(r"[\W_]+", Path(source.name).stem.casefold())))


def _slide(_index: int, _turn: Turn) -> tuple[str, None]:
    """Every turn of a file of slides is a « diapositive » passage (``of_slides``)."""
    return SLIDE, None


def _talk_for(source: SourceText, event: Event) -> tuple[str | None, str]:
    """The item a source is for: by its header's « talk: », else by its name (``_talk_named``);
    and, when the header names no item of the programme, what to say about it."""
    talk = source.meta.get("talk")
    if talk is not None and event.item(str(talk)) is not None:
        listed = dict(event.sources).get(source.name)
        if listed is None or str(listed) == str(talk):
            return str(talk), ""
        return str(talk), (
            f"en-tête : intervention « {talk} », alors que la table « sources » de event.yaml "
            f"donne « {listed} » ; l'en-tête l'emporte"
        )
    named = _talk_named(source.name, event)
    if talk is None:
        return named, ""
    # A typo in the header is the file's fault, not the programme's: it is said on the file
    # (unlike an unknown item in event.yaml's « sources », which stops the run).
    unknown = f"en-tête : intervention « {talk} » inconnue du programme"
    if named is None:
        return None, (
            f"{unknown}, et le nom du fichier ne correspond à aucune intervention "
            "(table « sources » de event.yaml ou nom de fichier)"
        )
    return named, f"{unknown}, le fichier est attribué à {named} d'après son nom"


def _talk_named(name: str, event: Event) -> str | None:
    """The item a file's name points to: by the table « sources » of event.yaml, or its stem,
    in any case (« Conf-3.vtt » is conf-3's)."""
    stem = Path(name).stem
    same = (it.id for it in event.items if it.id.casefold() == stem.casefold())
    for candidate in (dict(event.sources).get(name), stem, *same):
        if candidate is not None and event.item(str(candidate)) is not None:
            return str(candidate)
    return None


# How close (difflib's ratio of the ``name_key`` forms) a speaker tag must be to a name of the
# programme to be taken for a misspelling of it (« leila benani » / « leila bennani »: 0.96).
NEAR_NAME = 0.9


def _programme_names(source: SourceText, event: Event, talk: str | None = None) -> SourceText:
    """A speaker tag that names a person of the programme, spelt otherwise (accents, case,
    hyphens, a title), takes the programme's spelling; so does, in a talk, a tag one letter or
    so away from the name of one of its speakers (« Leila Benani » for « Leila Bennani »), with
    a remark. A tag near the name of another person of the programme is only named in a
    warning (never in the outputs: it may be the real name of someone in the audience)."""
    names = list(event.programme_people)
    keys = Counter(name_key(name) for name in names)
    # Two people of the programme whose names differ by accents only are told apart exactly.
    people = {name_key(name): name for name in names if keys[name_key(name)] == 1}
    item = event.item(talk) if talk else None
    # Q&A notes name the audience too: a near name there may be someone else.
    own = {name_key(p.name) for p in item.speakers} if item and item.kind != "qa" else set()
    spelt, remarks = {}, list(source.remarks)
    for t in source.turns:
        if not t.speaker or t.speaker in event.programme_people or t.speaker in spelt:
            continue
        key = name_key(t.speaker)
        spelt[t.speaker] = people.get(key, t.speaker)
        close = difflib.get_close_matches(key, people, n=1, cutoff=NEAR_NAME) if key else []
        if key in people or not close or key in TITLES:
            continue
        if close[0] in own:
            spelt[t.speaker] = people[close[0]]
            remarks.append(f"« {t.speaker} » est lu comme {people[close[0]]}, du programme")
        else:  # said on the console only: the tag may be an audience member's real name
            log.warning(
                "%s : « %s » ressemble à %s, du programme : vérifiez l'orthographe",
                source.name,
                t.speaker,
                people[close[0]],
            )
    # A tag that is a title only (« Dr : ») names nobody.
    spelt.update({s: None for s in spelt if name_key(s) in TITLES})
    turns = tuple(replace(t, speaker=spelt.get(t.speaker, t.speaker)) for t in source.turns)
    return replace(source, turns=turns, remarks=tuple(remarks))


# The labels a diarisation tool gives voices it cannot name (« SPEAKER_00 », « Locuteur 2 »).
DIARISED = re.compile(
    r"(?:speaker|spk|locut(?:eur|rice)|intervenant(?:e)?|orat(?:eur|rice)|voix|voice)[ _-]?\d{1,3}",
    re.IGNORECASE,
)


# Share of a talk's labelled words that makes an unnamed voice its speaker's: a moderator who
# introduces and thanks says far less; with two voices closer than that, neither is named.
DOMINANT_VOICE = 0.8


def _fill_single_speaker(source: SourceText, event: Event, talk: str) -> SourceText:
    """Untagged speech in a talk with one programme speaker is that speaker's, and so is the
    speech of the voice a diarisation tool labelled without a name (« SPEAKER_00 ») that says
    at least ``DOMINANT_VOICE`` of the labelled words, unless the speaker's name is in the file
    already (a remark names the label)."""
    item = event.item(talk)
    if item is None or len(item.speakers) != 1:
        return source
    name = item.speakers[0].name
    words: Counter = Counter()
    for t in source.turns:
        if t.speaker and DIARISED.fullmatch(t.speaker):
            words[t.speaker] += count_words(source.text[t.start_char : t.end_char])
    voice, said = words.most_common(1)[0] if words else (None, 0)
    if said < DOMINANT_VOICE * words.total() or any(t.speaker == name for t in source.turns):
        voice = None
    if voice is None and all(t.speaker for t in source.turns):
        return source
    turns = tuple(
        t
        if t.speaker and t.speaker != voice
        else Turn(name, t.start_char, t.end_char, t.times, t.heading, t.affiliation)
        for t in source.turns
    )
    remarks = source.remarks
    if voice:
        remarks += (
            f"la voix « {voice} » est lue comme {name}, seule personne du programme "
            "pour cette intervention",
        )
    return replace(source, turns=turns, remarks=remarks)


def _report(
    source: SourceText, passages: list[Passage], talk: str | None, removed, digest: str = ""
) -> SourceReport:
    words = sum(count_words(p.text) for p in passages)
    unpunctuated = unpunctuated_remark(source)
    return SourceReport(
        source.name,
        source.format,
        talk,
        len(passages),
        words,
        reason=" ; ".join(source.problems),
        removed=dict(removed),
        remarks=" ; ".join(filter(None, (*source.remarks, unpunctuated))),
        digest=digest,
        unpunctuated=unpunctuated is not None,
    )


def ingest_file(
    path: str | Path,
    max_bytes: int = MAX_SOURCE_BYTES,
    source_id: str | None = None,
    name: str | None = None,
) -> Ingested:
    """Ingest one loose file as its own source (no event, no talk), under ``name`` (by default
    the file's name)."""
    path = Path(path)
    source = read_source(path, max_bytes)
    if name is not None:
        source = replace(source, name=name)
    passages, removed = passages_from_source(source, source_id or slug(path.stem))
    return Ingested(passages, {source.name: source}, [_report(source, passages, None, removed)])


def ingest_files(paths: list[str | Path], max_bytes: int = MAX_SOURCE_BYTES) -> Ingested:
    """Ingest several loose files; unusable ones are reported and skipped."""
    result = Ingested([])
    stems = Counter(slug(Path(p).stem) for p in paths)
    names = Counter(Path(p).name for p in paths)
    used: set[str] = set()
    first: dict = {}  # a file, by its resolved path and by its content: the name it was read as
    for n, path in enumerate(map(Path, paths), 1):
        # Two inputs of the same name (« a/debat.txt », « b/debat.txt »): the path tells which.
        name = str(path) if names[path.name] > 1 else path.name
        digest = _digest(path, max_bytes)
        if path.resolve() in first:
            result.skip(path, "fichier déjà donné, compté une seule fois", name=name)
            continue
        if digest in first:
            result.skip(path, f"copie identique de {first[digest]}, ignorée", name=name)
            continue
        first[path.resolve()] = name
        if digest:
            first[digest] = name
        source_id = slug(path.stem) if stems[slug(path.stem)] == 1 else slug(path.name)
        if source_id in used:
            source_id = f"{source_id}-{n}"
        used.add(source_id)
        try:
            one = ingest_file(path, max_bytes, source_id, name if name != path.name else None)
        except (InputError, OSError) as exc:
            result.skip(path, _reason(exc), name=name)
            continue
        result.passages.extend(one.passages)
        result.sources.update(one.sources)
        result.reports.extend(one.reports)
    return result


_NO_TALK = (
    "ne correspond à aucune intervention du programme (en-tête « talk: », table « sources » "
    "de event.yaml ou nom de fichier)"
)


def _digest(path: Path, max_bytes: int) -> str:
    """Content hash of a readable candidate source ("" when it will be refused anyway: an
    empty file is no copy of another, each is said empty)."""
    try:
        size = path.stat().st_size
        if path.suffix.lower() not in FORMATS or size > max_bytes or size == 0:
            return ""
    except OSError:
        return ""
    return _file_digest(path)


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (an input of the manifest, a source met)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _file_digest(path: Path) -> str:
    """``file_hash``, or "" when the file cannot be read or is no regular file (a FIFO
    opened would wait for a writer)."""
    try:
        return file_hash(path) if path.is_file() else ""
    except OSError:
        return ""


def _not_a_file(path: Path) -> str:
    """Why an entry of the sources folder that is no regular file is not read."""
    if path.is_symlink() and not path.exists():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python 3.11 says a loop so
            return "lien en boucle : il mène à lui-même"
        except OSError:
            pass
        return "lien cassé : sa cible est introuvable"
    if path.is_dir():
        return "dossier : les sous-dossiers ne sont pas lus"
    return "pas un fichier ordinaire (tube ou périphérique)"


def _reason(exc: Exception) -> str:
    return exc.reason if isinstance(exc, InputError) else os_reason(exc)


def _sentences(source: SourceText) -> list[list[tuple[int, int]]]:
    """The turns' sentence spans, from the cache when this text was split before."""
    from omap_synthesis import caching

    # A cue or segment may end a sentence (``segment.turn_sentences``): their starts count.
    turns = [(t.start_char, t.end_char, [u[0] for u in t.times]) for t in source.turns]
    key = caching.digest("sentences", source.text, turns)
    return caching.cached("sentences", key, lambda: turn_sentences(source))


# Words in a row that make a shingle, and the share of a source's shingles found in another
# source of the same talk that makes it the same text (the other's copy in another format,
# with other line breaks, case or punctuation) or a part of it.
SHINGLE = 5
SAME_TEXT = 0.9
_CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:[,.]\d+)?")


def _shingles(source: SourceText) -> frozenset[tuple[str, ...]]:
    """The runs of ``SHINGLE`` words of a source's speech, in lower case, without punctuation,
    speaker tags or clock times."""
    speech = " ".join(source.text[t.start_char : t.end_char] for t in source.turns)
    words = re.findall(r"\w+", _CLOCK_TIME.sub(" ", speech).casefold())
    return frozenset(zip(*(words[k:] for k in range(SHINGLE)), strict=False))


def _same_text(read: list[tuple[Path, SourceText, str]], preferred) -> dict[str, str]:
    """The sources whose speech another source of the same talk holds already, by name, each
    with why it is not read: of two sources with the same text, the ``preferred`` one (as
    for identical copies) is read; a source almost entirely within a longer one gives way to
    it. Only the sources of one talk are compared, each by its shingles, once."""
    by_talk: dict[str, list[Path]] = {}
    for path, _, talk in read:
        by_talk.setdefault(talk, []).append(path)
    shingles = {path: _shingles(source) for path, source, _ in read}

    def within(a: Path, b: Path) -> bool:
        return bool(shingles[a]) and len(shingles[a] & shingles[b]) >= SAME_TEXT * len(shingles[a])

    left_out: dict[str, str] = {}
    for paths in by_talk.values():
        kept: list[Path] = []
        for path in sorted(paths, key=preferred):
            if holder := next((k for k in kept if within(path, k)), None):
                what = "même texte que" if within(holder, path) else "texte déjà contenu dans"
                left_out[path.name] = f"{what} {holder.name}, ignoré pour ne pas le lire deux fois"
                continue
            for part in [k for k in kept if within(k, path)]:
                kept.remove(part)
                left_out[part.name] = (
                    f"texte déjà contenu dans {path.name}, ignoré pour ne pas le lire deux fois"
                )
            kept.append(path)
    return left_out


_LISTED_BUT_ABSENT = "fichier annoncé dans event.yaml (table « sources ») mais absent du dossier"


def ingest_event(event_dir: str | Path, max_bytes: int = MAX_SOURCE_BYTES) -> Ingested:
    """Read every file of ``EVENT_DIR/sources`` into passages mapped to programme items.

    Unusable files are skipped with a French reason in the accounting; the others are read.
    """
    event = load_event(event_dir)
    sources_dir = Path(event_dir) / "sources"
    if not sources_dir.is_dir():
        reason = (
            "c'est un fichier ; le dossier des transcriptions est attendu ici"
            if sources_dir.exists()
            else "dossier des transcriptions introuvable"
        )
        raise InputError(sources_dir, reason)
    result = Ingested([], event=event)
    entries = sorted(p for p in sources_dir.iterdir() if not p.name.startswith("."))
    files = [p for p in entries if p.is_file()]
    stems = Counter(slug(p.stem) for p in files)
    digests = {p: _digest(p, max_bytes) for p in files}

    # Of identical copies, the one whose name maps to a programme item, else the shortest name,
    # is read first; the others are read only if it is left out (they are not copies of it then).
    def preferred(path: Path) -> tuple:
        return not _talk_named(path.name, event), len(path.name), path.name

    keeper: dict[str, str] = {}
    for path in sorted(files, key=preferred):
        keeper.setdefault(digests[path], path.name)
    copies = [p for p in files if digests[p] and keeper[digests[p]] != p.name]
    read_as: dict[str, str] = {}  # a content digest: the name of the copy read
    read: list[tuple[Path, SourceText, str]] = []
    for path in [p for p in entries if p not in copies] + copies:
        if not path.is_file():  # never opened: a FIFO would block the run
            result.skip(path, _not_a_file(path), talk=_talk_named(path.name, event))
            continue
        fmt = FORMATS.get(path.suffix.lower(), "")
        digest = digests[path]
        if digest in read_as:
            result.skip(path, f"copie identique de {read_as[digest]}", fmt)
            continue
        try:
            with known_names(event.programme_people):
                source = read_source(path, max_bytes)
        except (InputError, OSError) as exc:
            result.skip(path, _reason(exc), fmt, talk=_talk_named(path.name, event))
            continue
        talk, header = _talk_for(source, event)
        if talk is None:
            result.skip(path, header or _NO_TALK, fmt)
            continue
        if header:
            source = replace(source, remarks=(*source.remarks, header))
        source = _fill_single_speaker(_programme_names(source, event, talk), event, talk)
        read.append((path, source, talk))
        if digest:
            read_as[digest] = path.name
    same = _same_text(read, preferred)
    last_exchange: Counter = Counter()  # per Q&A item: two files of notes do not share numbers
    for path, source, talk in read:
        digest = digests[path]
        if path.name in same:
            result.skip(path, same[path.name], source.format, talk=talk)
            continue
        source_id = slug(path.stem) if stems[slug(path.stem)] == 1 else slug(path.name)
        passages, removed = passages_from_source(
            source,
            source_id,
            talk,
            _slide
            if of_slides(source)
            else _qa_classifier(
                event, talk, last_exchange[talk], sum(bool(t.heading) for t in source.turns) > 1
            ),
            _sentences(source),
        )
        last_exchange[talk] = max([last_exchange[talk], *(p.exchange or 0 for p in passages)])
        result.passages.extend(passages)
        result.sources[source.name] = source
        result.hashes[source.name] = digest
        result.reports.append(_report(source, passages, talk, removed, digest))
    order = {p.name: n for n, p in enumerate(entries)}
    result.reports.sort(key=lambda r: order[r.name])
    present = {p.name for p in entries}
    for name, item in event.sources:
        if name not in present:
            fmt = FORMATS.get(Path(name).suffix.lower(), "")
            result.skip(sources_dir / name, _LISTED_BUT_ABSENT, fmt, talk=item)
    return result
