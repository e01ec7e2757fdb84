"""The records that flow through the pipeline, defined in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    institution: str = ""


# The kind of a passage of slides, or of notes taken on them: written, not said
# (``ingest.of_slides``); with a talk, the lecturer's own content.
SLIDE = "diapositive"
LECTURE_KINDS = frozenset({"talk", SLIDE})


def grouped_digits(n: int) -> str:
    """« 1 305 »: the digits of ``n`` in groups of three, parted by a non-breaking space."""
    return f"{n:,}".replace(",", "\u00a0")


def join_words(names: list[str]) -> str:
    """« a », « a et b », « a, b et c »; « a et b ; c ; d » when a name has its own « et »,
    which « c et d » would blur (« climat et sobriété »: one name or two?)."""
    if len(names) <= 1:
        return "".join(names)
    if any(re.search(r"\bet\b", name) for name in names):
        return "\u00a0; ".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


def seconds_of_day(clock: str) -> int:
    """Seconds since midnight of a programme time « hh:mm »."""
    hours, minutes = (int(x) for x in clock.split(":"))
    return hours * 3600 + minutes * 60


@dataclass(frozen=True)
class Item:
    """One slot of the programme (talk, Q&A, opening, break...)."""

    id: str
    kind: str
    title: str
    start: str = ""
    end: str = ""
    label: str = ""
    session: str = ""
    speakers: tuple[Person, ...] = ()
    objectives: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return self.label or self.title

    @property
    def has_speech(self) -> bool:
        return self.kind in {"conf", "qa", "ouverture"}

    def clock_seconds(self, offset: float) -> float | None:
        """The time of day, in seconds since midnight, of ``offset`` seconds into the
        recording of this slot, taken to start at the slot's start; None when ``offset``
        cannot be such an offset: past the end of the day, or of the slot by more than an hour
        (stamps that are times of day, or that run on from another recording)."""
        if not self.start:
            return None
        at = seconds_of_day(self.start) + offset
        if self.end:
            return at if at <= seconds_of_day(self.end) + 3600 else None
        return at if at < 24 * 3600 else None


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    moderator: Person | None = None


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: str
    directory: str
    items: tuple[Item, ...]
    sessions: tuple[Session, ...] = ()
    organiser: str = ""
    venue: str = ""
    fictional: bool = False
    notice: str = ""
    objectives_note: str = ""
    codebook: str = "codebook.yaml"
    sources: tuple[tuple[str, str], ...] = ()

    def item(self, item_id: str) -> Item | None:
        return next((it for it in self.items if it.id == item_id), None)

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    @property
    def programme_people(self) -> dict[str, Person]:
        """Speakers and moderators named by the programme, by name."""
        people = {p.name: p for it in self.items for p in it.speakers}
        people.update({s.moderator.name: s.moderator for s in self.sessions if s.moderator})
        return people

    def person_in(self, name: str, item_id: str | None) -> Person | None:
        """The programme's entry for ``name`` as it speaks in ``item_id``: among the item's
        speakers, else as the chair of its session, else any entry (one person can be a
        minister in one talk and a candidate in another)."""
        item = self.item(item_id) if item_id else None
        if item is not None:
            session = self.session(item.session) if item.session else None
            chair = session.moderator if session is not None else None
            for person in (*item.speakers, chair):
                if person is not None and person.name == name:
                    return person
        return self.programme_people.get(name)


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    description: str
    terms: tuple[str, ...] = ()
    parent: str | None = None


@dataclass(frozen=True)
class Codebook:
    labels: tuple[Label, ...]
    path: str = ""

    @property
    def ids(self) -> list[str]:
        return [lab.id for lab in self.labels]

    @property
    def top(self) -> list[Label]:
        return [lab for lab in self.labels if lab.parent is None]

    def children(self, label_id: str) -> list[Label]:
        return [lab for lab in self.labels if lab.parent == label_id]

    def get(self, label_id: str) -> Label:
        return next(lab for lab in self.labels if lab.id == label_id)


@dataclass(frozen=True)
class Turn:
    """A speaker turn as a reader finds it in the exposed text of a source.

    ``times`` lists ``(start_char, end_char, start_s, end_s)`` for the timed units (cues,
    segments, blocks between clock stamps) inside the turn, when the format has times;
    ``end_s`` is ``None`` when unknown.
    """

    speaker: str | None
    start_char: int
    end_char: int
    times: tuple[tuple[int, int, float, float | None], ...] = ()
    heading: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class SourceText:
    """A source as its reader exposes it: decoded text plus the turns found in it.

    Every character of ``text`` is in a turn, in ``nonspeech``, in a speaker tag or blank.
    """

    path: str
    name: str
    format: str
    text: str
    turns: tuple[Turn, ...]
    encoding: str = "utf-8"
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    # Spans of the text that are not speech: front matter, headings.
    nonspeech: tuple[tuple[int, int], ...] = ()
    # What the reader left out of a file it could otherwise read (a malformed subtitle), in
    # French, each naming its line.
    problems: tuple[str, ...] = ()
    # What the reader noticed in a file it read whole (a subtitle ending before it starts, a
    # line not in the file's encoding), in French, each naming its line.
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A speaker turn or part of one, with its provenance.

    ``text`` is ``source.text[start_char:end_char]``, verbatim; ``clean`` is the analysed text
    (ASR artefacts and fillers removed) and ``removed`` the spans of ``text`` cleaning took out.
    """

    id: str
    source: str
    talk: str | None
    speaker: str | None
    text: str
    clean: str
    start_char: int
    end_char: int
    start: float | None = None
    end: float | None = None
    turn: int = 0
    kind: str = "talk"
    exchange: int | None = None
    removed: tuple[tuple[int, int], ...] = ()
    affiliation: str = ""

    def clean_to_text(self, i: int) -> int:
        """Map an offset in ``clean`` to the offset of the same character in ``text``."""
        for start, end in self.removed:
            if start <= i:
                i += end - start
            else:
                break
        return i

    def text_to_clean(self, i: int) -> int:
        """Map an offset in ``text`` to the offset of the same character in ``clean`` (where
        cleaning removed it, the place it was taken from)."""
        shift = 0
        for start, end in self.removed:
            if end <= i:
                shift += end - start
            elif start < i:
                return start - shift
            else:
                break
        return i - shift


# What cleaning removed from the analysed text, by kind (``clean`` names the kinds in English).
REMOVED_KINDS = {
    "filler": "hésitations",
    "repetition": "répétitions",
    "hallucination": "artefacts de transcription",
    "annotation": "indications de scène",
    "control": "caractères de contrôle",
}


@dataclass(frozen=True)
class SourceReport:
    """What ingestion did with one file (the accounting line)."""

    name: str
    format: str = ""
    talk: str | None = None
    passages: int = 0
    words: int = 0
    status: str = "lu"
    # Why the file was left out, or, for a file read, what its reader left out of it.
    reason: str = ""
    removed: dict = field(default_factory=dict, hash=False, compare=False)
    # What the reader noticed in a file it read whole (``SourceText.remarks``).
    remarks: str = ""
    # SHA-256 of the file's bytes ("" when there is no file to hash).
    digest: str = ""
    # A transcript without punctuation: its sentences end with its cues or lines.
    unpunctuated: bool = False

    @property
    def state(self) -> str:
        """« lu », « lu en partie : … », « lu (remarque : …) » or « ignoré : … »."""
        return self.describe()

    def cleaned(self, separator: str = ", ") -> str:
        """What cleaning removed from the file's text, kind by kind (« hésitations 9,
        répétitions 2 »); "" when nothing was."""
        return separator.join(
            f"{REMOVED_KINDS.get(k, k)} {n}" for k, n in sorted(self.removed.items())
        )

    def describe(self, cleaned: str = "") -> str:
        """``state``, with what cleaning removed (``cleaned``) beside the remark, in one
        parenthesis (« lu (remarque : … ; nettoyé : hésitations 9) »)."""
        if self.status != "lu":
            return f"{self.status} : {self.reason}" if self.reason else self.status
        notes = [f"remarque : {self.remarks}"] if self.remarks else []
        notes += [f"nettoyé : {cleaned}"] if cleaned else []
        state = f"lu en partie : {self.reason}" if self.reason else "lu"
        return state + (f" ({' ; '.join(notes)})" if notes else "")


@dataclass(frozen=True)
class DraftSentence:
    """A sentence of the rapporteur's text and the passages it rests on.

    ``refs`` are the source references written in the sentence (« Conf 3, Samira Idrissi,
    11 h 20–11 h 40 »); the faithfulness gate checks them against the programme.
    """

    text: str
    passage_ids: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    # The recommendation the sentence reads, if it reads one (its id goes in lecture.yaml).
    recommendation: str = ""


@dataclass(frozen=True)
class Tagging:
    """Labels of one passage against a codebook, with the evidence behind every score.

    ``labels`` lists every kept id (a kept sub-theme with its parent), in codebook order; ``()``
    means « hors objectifs ». ``scores`` holds every id of the codebook, each in [0, 1].
    ``explanations`` maps a label with a non-zero score to its components (``term``,
    ``similarity``, ``prior``, ``score``) and the ``terms`` that fired. ``note`` says why a
    passage was not (or only partly) analysed, e.g. a passage in English; ``analysed`` is False
    when nothing in it could be read (empty, or not in French). ``languages`` names, in
    French, the other languages left unread: the passage's, or its sentences' (« anglais »).
    """

    passage_id: str
    labels: tuple[str, ...]
    scores: dict[str, float] = field(default_factory=dict, hash=False)
    explanations: dict[str, dict] = field(default_factory=dict, hash=False)
    note: str = ""
    analysed: bool = True
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummarySentence:
    """A sentence chosen for an extractive summary, verbatim, with its provenance.

    ``text`` is ``source.text[start_char:end_char]`` (the source's exposed text) and lies inside
    the passage ``passage_id``; ``score`` is the summariser's estimate, in [0, 1], that a human
    would keep the sentence.
    """

    text: str
    passage_id: str
    speaker: str | None
    start_char: int
    end_char: int
    score: float


@dataclass(frozen=True)
class ThemeQuote:
    """A verbatim quotation illustrating a theme: ``text`` is ``source.text[start_char:end_char]``
    (the source's exposed text) and lies inside the passage ``passage_id``."""

    text: str
    passage_id: str
    speaker: str | None
    source: str
    start_char: int
    end_char: int
    talk: str | None = None


@dataclass(frozen=True)
class Recurrence:
    """Where a theme came up: programme items, sessions, speakers, Q&A exchanges, sources.

    An exchange is written ``<talk>#<number>`` (the Q&A slot and the exchange within it).
    """

    talks: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    exchanges: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    """A recurring theme: French label, top terms, member passages, quotes and recurrence.

    ``objectives`` gives, for every codebook label found among the member passages' taggings,
    the share of member passages that carry it. ``silhouette`` (how well the members separate
    from other themes on their own content) and ``coherence`` (NPMI of the top terms over the
    corpus) are ``None`` when undefined.
    """

    id: str
    label: str
    terms: tuple[str, ...]
    passage_ids: tuple[str, ...]
    quotes: tuple[ThemeQuote, ...] = ()
    recurrence: Recurrence = field(default_factory=Recurrence)
    objectives: tuple[tuple[str, float], ...] = ()
    silhouette: float | None = None
    coherence: float | None = None


@dataclass(frozen=True)
class Evidence:
    """Where a recommendation was said: the verbatim sentence and its place in the source.

    ``quote`` is ``source.text[start_char:end_char]``; ``start``/``end`` are the passage's times in
    seconds when the source has them.
    """

    quote: str
    passage_id: str
    speaker: str | None
    source: str
    talk: str | None
    start_char: int
    end_char: int
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Recommendation:
    """A recommendation made during the event, merged over the speakers who made it.

    ``text`` is the first evidence sentence (analysed text), ``action`` the normalised action
    line (« Partager les registres entre ministères »). ``support`` counts the distinct speakers;
    ``objectives`` are codebook ids, ``themes`` theme ids, ``contradicts`` the ids of the
    recommendations that go the opposite way (both are kept), ``endorsements`` the sentences in
    which another person backs it right after (« Je soutiens totalement cette proposition »),
    whose speakers ``support`` counts too. ``score`` (0–1) is the
    classifier's confidence, halved when the action is vague (a pronoun or no object, a bare
    verb): the ranking puts such recommendations last.
    """

    id: str
    text: str
    action: str
    evidence: tuple[Evidence, ...]
    objectives: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    support: int = 1
    contradicts: tuple[str, ...] = ()
    score: float = 1.0
    endorsements: tuple[Evidence, ...] = ()
