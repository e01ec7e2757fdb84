"""The rapporteur's 15:05 text, built only from the selected evidence.

The draft is a list of sections; each holds paragraphs or numbered items made of
:class:`DraftSentence` (text + cited passages + source references), so that the faithfulness
gate (``check``) can verify every sentence before anything is written.
"""

from __future__ import annotations

import difflib
import itertools
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from omap_synthesis.anonymise import Pseudonymiser, names_nobody
from omap_synthesis.check import ELIDED
from omap_synthesis.clean import hesitates
from omap_synthesis.errors import InputError
from omap_synthesis.event import load_yaml
from omap_synthesis.models import (
    SLIDE,
    Codebook,
    DraftSentence,
    Event,
    Evidence,
    Item,
    Label,
    Passage,
    grouped_digits,
    join_words,
)
from omap_synthesis.nlp import french_stop_words
from omap_synthesis.readers import role_words
from omap_synthesis.recommend import CONCRETE_SCORE, open_ended
from omap_synthesis.segment import count_words

log = logging.getLogger(__name__)

NBSP = "\u00a0"
DEFAULT_WORDS = 1800
OPENING = "Mesdames et Messieurs"
# The tool's own words before the actor of a recommendation: a fact of the text, which the
# recogniser may take for a name.
ACTOR_LEAD = "Acteur désigné"
ROLE_WORDS = role_words()
FEMININE_ROLES = {w for w in ROLE_WORDS if w.endswith(("ante", "ente", "trice", "eure", "ue"))}
# A sequence "treated" an objective when this share of its passages carry it; at most
# MAX_TALKS sequences are named, the most devoted first.
MIN_SHARE = 0.3
MAX_TALKS = 5
QUOTE_WORDS = (8, 45)
# What the synthesis of each objective quotes (summary sentences, recurring themes), from the
# fullest to the barest: the fullest that fits in SYNTHESIS_SHARE of the word budget is used, so
# that a short reading still leaves room for the recommendations.
SYNTHESIS_LEVELS = ((3, 2), (2, 2), (2, 1), (1, 1), (1, 0), (0, 0))
SYNTHESIS_SHARE = 1 / 3
_VERBS = ["a rappelé", "a souligné", "a expliqué", "a indiqué"]
# The title of a recommendation whose line says no action (``display_action``).
UNSAID = "Action à préciser"
# Opposed recommendations named among the points left open, at most.
OPEN_DISAGREEMENTS = 3


@dataclass
class Section:
    title: str
    paragraphs: list[list[DraftSentence]] = field(default_factory=list)
    items: list[list[DraftSentence]] = field(default_factory=list)
    level: int = 2
    read_aloud: bool = True
    # The recommendation of each item, by id (the ids lecture.yaml excludes or orders).
    item_ids: list[str] = field(default_factory=list)


@dataclass
class Draft:
    title: str
    subtitle: str
    notice: str
    sections: list[Section]
    # For the rapporteur, not read: what the text could not take into account.
    to_check: str = ""

    def sentences(self) -> list[DraftSentence]:
        return [
            s for sec in self.sections for block in (*sec.paragraphs, *sec.items) for s in block
        ]

    @property
    def words(self) -> int:
        """Words read aloud (the annex is not read)."""
        return sum(
            count_words(s.text)
            for sec in self.sections
            if sec.read_aloud
            for block in (*sec.paragraphs, *sec.items)
            for s in block
        )


_QUOTED = re.compile(r"(«.+?»)", re.S)
# A unit after a number is kept on its line (« 62 ans », « 20 km »), as are the groups of
# digits of a large number (« 50 000 »).
_UNIT = re.compile(
    r"(\d) (ans?|mois|semaines?|jours?|heures?|minutes?|secondes?|euros?|€|dollars?|"
    r"km|kilomètres?|mètres?|m²|m2|hectares?|kg|kilos?|tonnes?|litres?|degrés?|°C?)(?!\w)"
)
_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})((?: \d{3})+)(?![\d,.]\d)")


def typography(text: str) -> str:
    """French typography for the tool's own prose; verbatim quotations are left as spoken.

    Typographic apostrophes, and a non-breaking space before « : ; ? ! % », between a number
    and its unit and between the groups of digits of a large number.
    """
    pieces = _QUOTED.split(text)
    for i in range(0, len(pieces), 2):
        piece = pieces[i].replace("'", "’")
        piece = re.sub(r"[ \u00a0]?([:;?!])(?=\s|$)", NBSP + r"\1", piece)
        piece = re.sub(r"(\d)[ \u00a0]?%", r"\1" + NBSP + "%", piece)
        piece = _THOUSANDS.sub(lambda m: m[1] + m[2].replace(" ", NBSP), piece)
        pieces[i] = _UNIT.sub(r"\1" + NBSP + r"\2", piece)
    return "".join(pieces)


def quote(text: str) -> str:
    """French quotation marks with non-breaking spaces, around a verbatim quotation."""
    return f"«{NBSP}{' '.join(text.split())}{NBSP}»"


def clock(item_start: str, seconds: float | None) -> str:
    """« 11 h 02 » for a passage ``seconds`` into an item that starts at ``item_start``."""
    hours, minutes = (int(x) for x in item_start.split(":"))
    total = hours * 60 + minutes + int((seconds or 0) // 60)
    return f"{total // 60}{NBSP}h{NBSP}{total % 60:02d}"


def _seconds_at(p: Passage, at: int | None) -> float | None:
    """The time of the character offset ``at`` of the source inside the timed passage ``p``,
    in proportion to its characters; its start when ``at`` is not given or its end unknown."""
    if p.start is None or at is None or p.end is None or p.end_char <= p.start_char:
        return p.start
    share = min(max(at - p.start_char, 0), p.end_char - p.start_char) / (p.end_char - p.start_char)
    return p.start + (p.end - p.start) * share


def slot(start: str, end: str) -> str:
    """« 11 h 20–11 h 40 »; the start alone when the programme gives no end; "" without a
    start."""

    def fmt(value: str) -> str:
        hours, minutes = value.split(":")
        return f"{int(hours)}{NBSP}h{NBSP}{minutes}"

    if not start:
        return ""
    return f"{fmt(start)}–{fmt(end)}" if end else fmt(start)


class References:
    """Source references for passages: « Conf 3, Samira Idrissi, 11 h 20–11 h 40 »."""

    def __init__(self, event: Event, passages: list[Passage], pseudonymiser: Pseudonymiser):
        self.event = event
        self.by_id = {p.id: p for p in passages}
        self.pseudonymiser = pseudonymiser

    def speaker(self, passage: Passage) -> str:
        """Public name; a role used as a tag (« Représentant de … ») is kept, lower-cased. A
        label that names nobody (« SPEAKER_00 », « P2 ») is « une personne non nommée »,
        unless the programme gives it as a person's name (a moderator listed as « P2 ») or it
        asks a question from the floor: then it has its pseudonym, as in the dataset."""
        name = passage.speaker or ""
        if self.pseudonymiser.is_audience(name):
            return self.pseudonymiser.speaker(name)
        if names_nobody(name, self.event):
            return "une personne non nommée"
        first = name.split()[0].lower()
        if first in ROLE_WORDS:
            article = "la" if first in FEMININE_ROLES else "le"
            return f"{article} {_lower_first(name)}"
        return self.pseudonymiser.speaker(name)

    def subject(self, passage: Passage) -> str:
        """Who said it, as read aloud: a person of the audience is « une personne du public »
        (the source reference keeps the pseudonym)."""
        if self.pseudonymiser.is_audience(passage.speaker):
            return "une personne du public"
        return self.speaker(passage)

    def ref(self, passage_id: str, at: int | None = None, everyone: bool = False) -> str:
        """« Conf 3, Samira Idrissi, vers 11 h 35 »: the sequence, the speaker, and the time
        the source gives, or else the slot. ``at``, a character offset of the source inside
        the passage (where a quotation starts), dates the words there: a timed passage is
        read in proportion to its characters, as passages are dated between two stamps (a
        quotation two minutes into a long subtitled turn is not dated at the turn's start).
        A speaker said by no name (« une personne non nommée », a role) is left to the
        sentence that cites, unless ``everyone`` (« Conf 5, une personne non nommée, … »)."""
        p = self.by_id[passage_id]
        return self._ref(p, _seconds_at(p, at), everyone)

    def _ref(self, p: Passage, seconds: float | None, everyone: bool = False) -> str:
        item = self.event.item(p.talk or "")
        if item is None:
            return p.source
        # Within the parentheses of a reference, « Questions/Réponses (session 2) » reads
        # « Questions/Réponses, session 2 ».
        parts = [_NESTED.sub(r", \1", item.display)]
        name = self.speaker(p)
        if name[:1].isupper() or everyone:
            parts.append(name)
        if p.kind == SLIDE:  # written on a slide, not said
            parts.append("diapositives")
        # A stamp that cannot be an offset into the slot's recording: the slot is cited.
        if seconds is not None and item.clock_seconds(seconds) is not None:
            parts.append(f"vers {clock(item.start, seconds)}")
        elif item.start:
            parts.append(slot(item.start, item.end))
        return ", ".join(parts)

    def refs_of(self) -> dict[str, set[str]]:
        """Every reference a passage can have: at its start, and at each minute it runs into
        (see ``ref``)."""
        found = {}
        for pid, p in self.by_id.items():
            times = [p.start]
            if p.start is not None and p.end is not None:
                times += [60.0 * m for m in range(int(p.start // 60) + 1, int(p.end // 60) + 1)]
            found[pid] = {self._ref(p, t) for t in times}
        return found


_NESTED = re.compile(r"\s*\(([^()]*)\)")
_EDIT_KEYS = ("exclure", "ordre")
_ID_PLACES = (
    "les identifiants suivent chaque recommandation de lecture-15h05.md, en commentaire "
    "<!-- R-… -->, sont dans la marge de lecture-15h05.docx et dans la colonne "
    "recommendation_id de recommandations.csv"
)


@dataclass(frozen=True)
class Edits:
    """The rapporteur's ``lecture.yaml``: ids to exclude, ids to read first in that order, and
    the line where each (key, id) is first written, for the messages."""

    exclude: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    lines: dict[tuple[str, str], int] = field(default_factory=dict)
    # Why the file was not read (set aside whole), for the note at the head of the text.
    unread: str = ""
    # The name of the file read (empty when there is none).
    source: str = ""


def load_edits(path: Path | None) -> Edits:
    """Read the rapporteur's ``lecture.yaml``: recommendations to exclude and their order.

    A file that is not YAML, or not a table, raises ``InputError``. Within it, what cannot be
    an id (a key whose value is a table, an item that is a number, a table or empty) is left
    out with a warning that names its line, and the rest applies: one slip at 15:00 does not
    undo every other edit.
    """
    if path is None or not path.exists():
        return Edits()
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise InputError(path, "table attendue avec « exclure » et « ordre »")
    for key in sorted(set(data) - set(_EDIT_KEYS), key=str):
        close = difflib.get_close_matches(str(key), _EDIT_KEYS, n=1)
        hint = (
            f"vouliez-vous dire « {close[0]} » ?" if close else "clés lues : « exclure », « ordre »"
        )
        log.warning("%s : clé « %s » inconnue, ignorée (%s)", path.name, key, hint)
    nodes = _value_nodes(path)
    lists: dict[str, list[str]] = {}
    lines: dict[tuple[str, str], int] = {}
    for key in _EDIT_KEYS:
        value, node = data.get(key), nodes.get(key)
        where = _line_of(node)
        if isinstance(value, dict):
            log.warning(
                "%s : « %s » doit être une liste d'identifiants, comme [R-c7b5b85fe7, "
                "R-7ac68a2408] (lu : %s) : ignorée",
                at_line(path, where),
                key,
                _as_written(value),
            )
            value = None
        if isinstance(value, str):  # ids written without brackets: « R-1a2b…, R-3c4d… »
            value = [x for x in re.split(r"[\s,;]+", value) if x]
        elif value is None:
            value = []
        elif not isinstance(value, list):
            value = [value]
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        at_lines = [_line_of(n) for n in items] if len(items) == len(value) else []
        if at_lines:
            # An id of digits only is read by YAML as a number (« 0123456701 » as octal):
            # the text written is the id.
            value = [
                n.value if isinstance(v, int) and re.fullmatch(r"[0-9]{10}", n.value) else v
                for v, n in zip(value, items, strict=True)
            ]
        kept = lists.setdefault(key, [])
        for item, line in itertools.zip_longest(value, at_lines, fillvalue=where):
            if item is None:
                log.warning("%s : élément vide dans « %s », ignoré", at_line(path, line), key)
            elif not isinstance(item, str):
                log.warning(
                    "%s : « %s » dans « %s » n'est pas un identifiant de recommandation, "
                    "ignoré (%s)",
                    at_line(path, line),
                    _as_written(item),
                    key,
                    _ID_PLACES,
                )
            else:
                rid = _rec_id(item)
                kept.append(rid)
                if line:
                    lines.setdefault((key, rid), line)
    return Edits(lists["exclure"], lists["ordre"], lines, source=path.name)


def _value_nodes(path: Path) -> dict[str, yaml.Node]:
    """The YAML nodes of the values of « exclure » and « ordre », which know their lines (the
    file has been read by ``load_yaml`` already: it is valid YAML)."""
    try:
        node = yaml.compose(path.read_bytes().decode("utf-8-sig", "replace"))
    except (yaml.YAMLError, OSError, RecursionError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _line_of(node) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def at_line(path: Path, line: int | None) -> str:
    return f"{path.name}, ligne {line}" if line else path.name


def _as_written(value) -> str:
    """``value`` as the file writes it (« {a: 1} »), not as Python would, cut at 60 characters."""
    written = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True)
    found = " ".join(written.removesuffix("...\n").split())
    return found if len(found) <= 60 else found[:60] + "…"


def _rec_id(value) -> str:
    """An id as written in ``lecture.yaml``, in the case of the tool's ids (« r-07545F0EED »
    is « R-07545f0eed »)."""
    text = str(value).strip()
    # « R- 3e3615dc6b », « 3e3615dc6b »: the digits are the id.
    m = re.fullmatch(r"(?:[Rr]\s*-\s*)?([0-9A-Fa-f]{10})", text)
    return f"R-{m[1].lower()}" if m else text


# Unknown ids said one by one, the others counted.
UNKNOWN_SHOWN = 5


def edit_problems(recommendations: list, edits: Edits) -> list[str]:
    """What in the rapporteur's edits cannot be done as written, in French, each with the
    file's name and the line where it is written."""
    known = {r.id for r in recommendations}
    exclude, order = edits.exclude, edits.order

    name = edits.source or "lecture.yaml"

    def at(key: str, rid: str) -> str:
        return at_line(Path(name), edits.lines.get((key, rid)))

    unknown = [rid for rid in dict.fromkeys([*exclude, *order]) if rid not in known]
    # Five said, the others counted; a sixth is said too (« 1 autres » would not do).
    shown = unknown if len(unknown) <= UNKNOWN_SHOWN + 1 else unknown[:UNKNOWN_SHOWN]
    problems = [
        f"{at('exclure' if rid in exclude else 'ordre', rid)} : identifiant inconnu « {rid} », "
        f"sans effet ({_ID_PLACES})"
        for rid in shown
    ]
    if len(shown) < len(unknown):
        problems.append(
            f"{name} : {grouped_digits(len(unknown) - UNKNOWN_SHOWN)} autres identifiants "
            f"inconnus, sans effet (« {unknown[UNKNOWN_SHOWN]} » …)"
        )
    problems += [
        f"{at('ordre', rid)} : « {rid} » est à la fois dans « exclure » et dans « ordre » : la "
        "recommandation est exclue"
        for rid in dict.fromkeys(order)
        if rid in set(exclude) and rid in known
    ]
    by_id = {r.id: r for r in recommendations}
    problems += [
        f"{at('ordre', rid)} : « {rid} » sera lue, mais sa ligne d'action est vague ou "
        f"incertaine (« {by_id[rid].action} ») : à reformuler avant la lecture"
        for rid in dict.fromkeys(order)
        if rid in known and rid not in set(exclude) and not says_action(by_id[rid])
    ]
    for key, ids in (("exclure", exclude), ("ordre", order)):
        consequence = "une fois suffit" if key == "exclure" else "seule sa première place compte"
        problems += [
            f"{at(key, rid)} : « {rid} » est {number(n)} fois dans « {key} » : {consequence}"
            for rid, n in Counter(ids).items()
            if n > 1
        ]
    return problems


def edits_applied(recommendations: list, edits: Edits) -> str:
    """What the rapporteur's file did, for the terminal (« lecture.yaml appliqué : deux
    recommandations écartées, une placée en tête »); empty when no file was read."""
    if not edits.source:
        return ""
    known = {r.id for r in recommendations}
    excluded = known & set(edits.exclude)
    first = (known & set(edits.order)) - excluded
    return (
        f"{edits.source} appliqué : "
        f"{counted(len(excluded), 'recommandation écartée', 'recommandations écartées', True)}, "
        f"{counted(len(first), 'placée en tête', 'placées en tête', True)}"
    )


def apply_edits(recommendations: list, exclude: list[str], order: list[str]) -> list:
    """Drop excluded ids; put the ids of ``order`` first, in that order; keep the rest ranked."""
    kept = [r for r in recommendations if r.id not in set(exclude)]
    rank = {rid: i for i, rid in reversed(list(enumerate(order)))}  # an id's first place
    return sorted(kept, key=lambda r: (rank.get(r.id, len(order)), kept.index(r)))


def with_edits(inputs: DraftInputs, exclude: list[str], order: list[str]) -> DraftInputs:
    """``inputs`` with the rapporteur's edits (:func:`apply_edits`); ``found`` keeps every
    recommendation, so that the text can tell « none found » from « all excluded »."""
    kept = apply_edits(inputs.all_found, list(exclude), list(order))
    return replace(inputs, recommendations=kept, found=inputs.all_found, ordered=frozenset(order))


_NUMBERS = (
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize dix-sept dix-huit dix-neuf vingt"
).split()


def number(n: int) -> str:
    """Small counts in words, as a text read aloud says them."""
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


# About the length of the sentences that say how many recommendations are not read.
OTHERS_WORDS = 20


def counted(n: int, singular: str, plural: str, feminine: bool = False) -> str:
    """« une conférence », « deux conférences », « aucun objectif »: a count and its noun,
    agreed."""
    if n <= 1:
        article = ("aucune" if feminine else "aucun") if n <= 0 else ("une" if feminine else "un")
        return f"{article} {singular}"
    return f"{number(n)} {plural}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def label_name(label: Label) -> str:
    """A codebook label's name inside a sentence: lower-cased at its start, unless it names
    something: the codebook writes that first word with its capital elsewhere too (« Afrique »
    among the terms, « … de l'Europe » inside the description), or the name has another
    capitalised word (« Europe et France »)."""
    first, *rest = label.name.split() or [""]
    word = re.compile(rf"\b{re.escape(first)}\b")
    inside = label.description.split(None, 1)[1:]  # its own first word is capitalised anyway
    named = any(word.search(t) for t in (*label.terms, *inside))
    if first[:1].isupper() and (named or any(w[:1].isupper() for w in rest)):
        return label.name
    return _lower_first(label.name)


_ARTICLE = re.compile(r"^(le|les)\s+(?=\S)", re.I)
# « La », « L' »: a definite article that « à » leaves as it is.
_UNCONTRACTED = re.compile(r"^(la\s+(?=\S)|l['’](?=\w))", re.I)


# Titles that name the event itself (« Journée d'études sur … », « Séminaire de recherche … »),
# each with the article « de » takes before it.
_EVENT_NOUNS = {
    "journée": "de la",
    "journées": "des",
    "séminaire": "du",
    "colloque": "du",
    "atelier": "de l'",
    "ateliers": "des",
    "forum": "du",
    "conférence": "de la",
    "rencontre": "de la",
    "rencontres": "des",
    "table": "de la",
    "congrès": "du",
    "symposium": "du",
    "assises": "des",
    "webinaire": "du",
    "université": "de l'",
    "école": "de l'",
    "sommet": "du",
    "salon": "du",
    "hackathon": "du",
    "semaine": "de la",
    "printemps": "du",
    "états": "des",
    "conférence-débat": "de la",
    "session": "de la",
    "édition": "de l'",
}
# An ordinal before the noun (« 3e Forum … », « Deuxièmes Rencontres … »).
_ORDINAL = re.compile(
    r"^(?:\d+(?:e|er|re|ème|èmes|es)|premi(?:er|ère|ers|ères)|\w+ièmes?)\s+", re.I
)


def of_event(title: str) -> str | None:
    """« de la *Journée d'études sur les retraites* », « du *Séminaire de recherche …* »: a
    title that opens on the kind of event it is, named with its article; ``None`` for a title
    that names a subject (« L'interministérialité digitale »)."""
    # « Les Rencontres de … », « L'Atelier … »: the title's own article gives way to « de ».
    bare = re.sub(r"^(?:les?|la)\s+|^l['’]", "", title, flags=re.I)
    words = _ORDINAL.sub("", bare).split(maxsplit=1)
    article = _EVENT_NOUNS.get(words[0].lower()) if words else None
    if article == "de l'" and words[0] != bare.split(maxsplit=1)[0]:
        # « du *3e atelier* », « de la *2e édition* »: an ordinal opens on a consonant.
        article = "du" if words[0].lower() == "atelier" else "de la"
    if article is None:
        return None
    space = "" if article.endswith("'") else " "
    return f"{article}{space}*{bare}*"


def to_title(title: str) -> str:
    """« consacrée à *L'interministérialité* », « consacrée au *débat …* », « consacrée aux
    *retraites …* »: the article of a title that opens on « Le » or « Les » contracts with « à »
    and leaves the italics; a title with no definite article is named, not governed by « à »
    (« intitulée *Énergie et climat* », not « consacrée à *Énergie et climat* »)."""
    m = _ARTICLE.match(title)
    if m is None:
        return f"{'consacrée à' if _UNCONTRACTED.match(title) else 'intitulée'} *{title}*"
    return f"consacrée {'aux' if m[1].lower() == 'les' else 'au'} *{title[m.end() :]}*"


def of(name: str) -> str:
    """« de Khadija Tazi », « d'Abdelkrim Sbai », « d'Hicham Alami », « d'Yves », « de Youssef »
    (a « y » before a vowel is a consonant)."""
    letters = [c for c in unicodedata.normalize("NFD", name[:3].lower()) if c.isalpha()]
    first, second = (letters + ["", ""])[:2]
    vowel = first in set("aeiouh") or (first == "y" and second not in set("aeiouy"))
    return f"d'{name}" if vowel else f"de {name}"


def _of_named(name: str) -> str:
    """« d'*Ouverture officielle* », « de *Conf 7* »: a sequence's name in italics, elided
    before."""
    return f"{of(name)[: -len(name)]}*{name}*"


def sequences(names: list[str], preposition: str = "") -> str:
    """« dans la séquence Conf 1 », « aux séquences Débat 1 et Débat 2 »: the programme's labels
    are names, which French puts after a noun, not straight after a preposition or a verb
    (« traité dans Débat 1 »)."""
    phrase = f"{'la séquence' if len(names) == 1 else 'les séquences'} {join_words(names)}"
    if preposition == "à" and len(names) > 1:
        return f"aux {phrase.removeprefix('les ')}"
    return f"{preposition} {phrase}".strip()


_ELISION = re.compile(r"\b(qu|[cdjlmnst])(['’])\s+(?=\w)", re.I)


def tidy(text: str) -> str:
    """One line, single spaces, elisions closed up (« l' état » → « l'état »)."""
    return _ELISION.sub(r"\1\2", " ".join(text.split()))


def says_action(rec, uncertain_too: bool = True) -> bool:
    """Whether the action line of ``rec`` is precise enough to be said as its title: not one
    word (« Recommander » for a clause the parser missed), nor a line cut on a word that
    announces more (« Exonérer d'impôt sur les sociétés pendant »), nor, with
    ``uncertain_too``, a vague or uncertain line (score under ``CONCRETE_SCORE``). The text read
    at 15:05, the report and the dataset judge by it."""
    if count_words(split_actor(rec.action)[0]) < 2 or open_ended(rec.action):
        return False
    return not (uncertain_too and rec.score < CONCRETE_SCORE)


def display_action(rec, uncertain_too: bool = True) -> str:
    """The action line as a title, or « Action à préciser » when it does not say an action
    (:func:`says_action`); the quotation says it then."""
    if not says_action(rec, uncertain_too):
        return UNSAID
    action = tidy(rec.action).rstrip(".;:")
    return action[:1].upper() + action[1:]


# The actor an action line names after its action (« Publier les délais réels (les
# administrations) »): a noun phrase opened by a determiner, not a speaker's own parentheses.
_NAMED_ACTOR = re.compile(
    r"^(?P<action>.+?)\s*\((?P<actor>(?:l['’]|(?:le|la|les|chaque|tout|toute|tous|toutes|un|une"
    r"|des|ces|ce|cet|cette|nos|vos|leurs|leur|notre|votre|son|sa|ses)\s)[^()]+)\)$"
)


def split_actor(action: str) -> tuple[str, str | None]:
    """The action line without the actor it names last, and that actor (``None`` if none)."""
    m = _NAMED_ACTOR.match(action)
    return (m["action"], m["actor"]) if m else (action, None)


def quotable(text: str) -> bool:
    """A sentence can be quoted whole in the synthesis: not too short or long, no quotation
    inside it, no « euh » to read out, and a sentence, not a fragment: it neither opens in
    lower case nor stops without a final mark (a subtitle of a transcript without punctuation,
    « médecins et l'ensemble des soignants … revalorisé les »); « […] » marks a cut made on
    purpose."""
    low, high = QUOTE_WORDS
    return (
        low <= count_words(text) <= high
        and "«" not in text
        and "»" not in text
        and not hesitates(text)
        and not text[:1].islower()
        and text.rstrip()[-1:] in set(".!?…]")
    )


def _shorten(text: str, words: int = 45) -> str:
    """The first sentence-like clause of ``text`` that fits, cut only at punctuation; « […] »
    marks the rest left out."""
    if count_words(text) <= words:
        return text.strip()
    for m in re.finditer(r"[,;:.!?]", text):
        if count_words(text[: m.start()]) >= 12:
            head = text[: m.start()].strip()
            if count_words(head) <= words:
                return f"{head} {ELIDED}"
            break
    return text.strip()


# Where a quotation may be cut: after a comma, semicolon or colon, around a dash.
_CLAUSE_CUT = re.compile(r"[,;:]\s+|\s+[—–-]\s+")
_WRAPPER = re.compile(r"^(faire en sorte qu['’]?e?\s*|ne pas |ne )", re.I)
# A quotation is chosen among at most this many clauses of a sentence.
MAX_CLAUSES = 12


def _stems(text: str) -> list[str]:
    """Crude stems (five first letters) of the content words, in order: enough to see which
    clauses of a sentence carry the words of its action line, without a parse."""
    stop = french_stop_words()
    return [
        w.casefold()[:5]
        for w in re.findall(r"\w+", text)
        if len(w) >= 4 and w.casefold() not in stop
    ]


def excerpt_for(text: str, words: int, action: str = "", before: str = "", after: str = "") -> str:
    """The part of ``text`` worth quoting in ``words`` words for ``action``, verbatim.

    A sentence that fits is quoted whole. Otherwise the sentence is cut into clauses (at commas,
    semicolons, colons and dashes) and the quotation keeps the clauses, in one run or two, that
    carry the head of the action (its first two content words: verb and object), then most of
    its other words, in ``QUOTE_WORDS[0]`` words at least; « […] » marks what is left out
    (``check`` verifies each part). A sentence of more than ``MAX_CLAUSES`` clauses is searched
    in those around the first clause that holds most of the head. Without an action, or when
    no choice holds a word of the head, the first clause that fits (or the whole sentence).

    ``before`` and ``after`` are the speaker's words around ``text``: where the parser cut
    ``text`` out of a longer sentence (« Moi, » / « ce que je souhaite … »), « […] » says so too.
    """
    return marked_cuts(_excerpt(" ".join(text.split()), words, action), before, after)


def marked_cuts(quoted: str, before: str = "", after: str = "") -> str:
    """``quoted`` with « […] » where the speaker's sentence goes on before or after it
    (``before`` and ``after`` are the speaker's words around it; see ``excerpt_for``)."""
    # A sentence the parser ended on a comma or semicolon goes on in the source.
    if quoted.endswith((",", ";", ":", "—", "–")):
        quoted = f"{quoted.rstrip(' ,;:—–')} {ELIDED}"
    lead, rest = before.rstrip()[-1:], after.lstrip()[:1]
    # After a word, in a punctuated text, the parser cut a sentence (« Sans Domicile » /
    # « Fixe cela, c'est … »); without punctuation, only a word in lower case says so.
    punctuated = any(mark in before for mark in ".!?…")
    if (
        lead
        and not quoted.startswith(ELIDED)
        and (lead in ",;:—–-" or lead.isalpha() and (quoted[:1].islower() or punctuated))
    ):
        quoted = f"{ELIDED} {quoted}"
    if rest and quoted[-1:].isalnum() and (rest.islower() or rest in ",;:"):
        quoted = f"{quoted} {ELIDED}"
    return quoted


def _excerpt(text: str, words: int, action: str) -> str:
    if count_words(text) <= words:
        return text
    # Never inside a quotation the speaker made (« dites-le nous une fois »).
    cuts = [0]
    for m in _CLAUSE_CUT.finditer(text):
        if text.count("«", 0, m.start()) <= text.count("»", 0, m.start()):
            cuts.append(m.end())
    cuts.append(len(text))
    clauses = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    if not action:
        return _shorten(text, words)
    core = split_actor(action)[0]
    head = set(_stems(_WRAPPER.sub("", core))[:2])
    wanted = set(_stems(action))
    sizes = [count_words(c) for c in clauses]
    stems = [set(_stems(c)) for c in clauses]
    # In a long sentence, the clauses around the first that holds most of the action's head.
    centre = max(range(len(clauses)), key=lambda k: (len(head & stems[k]), -k))
    low = max(0, min(centre - MAX_CLAUSES // 2, len(clauses) - MAX_CLAUSES))
    best, chosen = None, None
    for size in range(1, min(len(clauses), MAX_CLAUSES) + 1):
        for kept in itertools.combinations(range(low, min(len(clauses), low + MAX_CLAUSES)), size):
            gaps = sum(b != a + 1 for a, b in zip(kept, kept[1:], strict=False))
            total = sum(sizes[k] for k in kept)
            if gaps > 1 or not min(QUOTE_WORDS[0], words) <= total <= words:
                continue
            found = set().union(*(stems[k] for k in kept)) & wanted
            key = (len(head & found), len(found), -gaps, kept[0] == 0, total)
            if best is None or key > best:
                best, chosen = key, kept
    if chosen is None or (head and not best[0]):
        # No run of whole clauses carries the action in the budget (a long clause, a
        # transcript without commas): the words around its head, rather than a first clause
        # that may not say it at all.
        shortened = _shorten(text, words)
        if head & set(_stems(shortened)):
            return shortened
        return _around(text, head, words) or shortened
    out = "" if chosen[0] == 0 else f"{ELIDED} "
    for k, following in zip(chosen, (*chosen[1:], None), strict=True):
        if following == k + 1:
            out += clauses[k]
            continue
        out += clauses[k].rstrip(" ,;:—–-")
        if following is not None or k < len(clauses) - 1:
            out += f" {ELIDED} "
    return out.strip()


# Words kept before the first word of the action's head when a quotation is cut inside a clause
# (« il faut que nous puissions équilibrer … »).
LEAD_WORDS = 6
_SUBJECT_PRONOUNS = frozenset({"il", "ils", "elle", "elles", "on", "nous", "vous", "je"})


def _around(text: str, head: set[str], words: int) -> str | None:
    """``words`` words of ``text`` from ``LEAD_WORDS`` before the first word of ``head`` (stems,
    as ``_stems``), or from the first subject pronoun among them, « […] » marking the cuts;
    ``None`` when no word of the head is there or a cut would fall inside a quotation."""
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    at = next((k for k, (a, b) in enumerate(spans) if set(_stems(text[a:b])) & head), None)
    if at is None:
        return None
    first = max(0, at - LEAD_WORDS)
    # The clause starts at its subject (« … pas il faut que nous puissions équilibrer »).
    first = next(
        (k for k in range(first, at) if text[slice(*spans[k])].lower() in _SUBJECT_PRONOUNS), first
    )
    last = min(len(spans), first + words) - 1
    quoted = text[spans[first][0] : spans[last][1]].strip(" ,;:—–-")
    if quoted.count("«") != quoted.count("»"):
        return None  # never inside a quotation the speaker made
    if first:
        quoted = f"{ELIDED} {quoted}"
    return f"{quoted} {ELIDED}" if last < len(spans) - 1 else quoted


MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)


def french_date(iso: str) -> str:
    """« 20 octobre 2022 » from « 2022-10-20 » (returned unchanged when not ISO)."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", iso or "")
    if not m:
        return iso
    day = int(m.group(3))
    return f"{'1er' if day == 1 else day} {MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


@dataclass
class DraftInputs:
    """Everything the draft is built from (public texts already pseudonymised)."""

    event: Event
    codebook: Codebook
    passages: list[Passage]
    pseudonymiser: Pseudonymiser
    summaries: dict[str, list] = field(default_factory=dict)
    # Summary sentences that say nothing of their own (``claims.claimless``), as
    # ``(passage_id, start_char)``: the synthesis does not quote them.
    claimless: frozenset[tuple[str, int]] = frozenset()
    labels_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    themes: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)
    missing_items: list[str] = field(default_factory=list)
    # Of the missing items, those whose file was given but empty or unreadable.
    unreadable_items: list[str] = field(default_factory=list)
    # Every recommendation found, before the rapporteur's edits (``with_edits``); None when
    # ``recommendations`` are all of them.
    found: list | None = None
    # Passages left unanalysed for their language, whole or in part, per (talk, language,
    # whole): (« conf-7 », « anglais », True).
    other_languages: dict[tuple[str, str, bool], int] = field(default_factory=dict)
    # Items whose transcript has no punctuation: sentences cut at its cues.
    unpunctuated_items: list[str] = field(default_factory=list)
    # The ids the rapporteur put first (« ordre » of lecture.yaml): read whatever their line.
    ordered: frozenset[str] = frozenset()

    @property
    def all_found(self) -> list:
        """Every recommendation the sources hold, whether the rapporteur kept it or not."""
        return self.recommendations if self.found is None else self.found


def _sequence_name(item: Item) -> str:
    """« La séquence … »: one name whatever the item (« Questions/Réponses (session 1) »,
    « Conf 3 (Inter-ministériarité et développement des registres des données) »)."""
    if item.title.startswith(item.display):
        return item.title
    if item.display.startswith(item.title):
        return item.display
    return f"{item.display} ({item.title})"


def facts(inputs: DraftInputs) -> str:
    """Programme facts and computed counts the draft may state without quoting a passage."""
    event = inputs.event
    parts = [
        OPENING,
        ACTOR_LEAD,
        event.title,
        event.organiser,
        event.venue,
        french_date(event.date),
    ]
    parts += [event.notice, event.objectives_note]
    for it in event.items:
        parts += [it.display, it.title, slot(it.start, it.end)]
        parts += [f"{p.name} {p.role} {p.institution}" for p in it.speakers]
    parts += [f"{s.title} {s.moderator.name if s.moderator else ''}" for s in event.sessions]
    parts += [f"{lab.id} {lab.name}" for lab in inputs.codebook.labels]
    return "\n".join(p for p in parts if p)


# A statement that asks for assent (« …, d'accord ? », « …, non ? »): no question asked.
_TAG_QUESTION = re.compile(
    r",\s*(?:d['’]accord|non|hein|n['’]est-ce pas|vous voyez|tu vois|pas vrai|oui|ok|okay)"
    r"\s*\?$",
    re.I,
)


class DraftBuilder:
    """Assemble the sections of the rapporteur's text from the analysed evidence."""

    def __init__(self, inputs: DraftInputs, words: int = DEFAULT_WORDS):
        self.inputs = inputs
        self.words = words
        self.refs = References(inputs.event, inputs.passages, inputs.pseudonymiser)
        self.by_id = {p.id: p for p in inputs.passages}
        self._verb = 0
        # Sentences of the recommendations read aloud: the synthesis does not quote them too.
        self.read_spans: set[tuple[str, int, int]] = set()
        # Sentences whose proposal the text calls « Action à préciser »: too vague to quote.
        self.vague_spans = {
            (e.passage_id, e.start_char, e.end_char)
            for r in inputs.all_found
            if not says_action(r)
            for e in r.evidence
        }
        # Sentences the synthesis quoted already: one objective does not quote another's.
        self.quoted: set[tuple[str, int]] = set()
        self.read: list = []
        self.points, self.theme_count = SYNTHESIS_LEVELS[0]

    def text_of(self, passage_id: str) -> str:
        return self.inputs.pseudonymiser.text(self.by_id[passage_id].text)

    def cite(
        self, passage_id: str, excerpt: str, lead: str | None = None, at: int | None = None
    ) -> DraftSentence:
        """« Speaker a rappelé : « … » (ref). », « Speaker a demandé : « … ? » (ref). »; ``at``
        is where the quotation starts in the source (``References.ref``)."""
        ref = self.refs.ref(passage_id, at)
        speaker = self.refs.subject(self.by_id[passage_id])
        said = excerpt.rstrip(" .…[]»\u00a0")
        if lead is None and said.endswith("?") and not _TAG_QUESTION.search(said):
            lead = "a demandé"
        verb = lead or _VERBS[self._verb % len(_VERBS)]
        self._verb += 1
        subject = speaker[0].upper() + speaker[1:]
        text = f"{subject} {verb}{NBSP}: {quote(excerpt)} ({ref})."
        return DraftSentence(text, (passage_id,), (ref,))

    def opening(self) -> Section:
        event, codebook = self.inputs.event, self.inputs.codebook
        # What was read: a sequence without transcript is named among the points left open.
        read = [it for it in event.items if it.id not in set(self.inputs.missing_items)]
        talks = [it for it in read if it.kind == "conf"]
        qa = [it for it in read if it.kind == "qa"]
        day = f" du {french_date(event.date)}" if event.date else ""
        # Recommendations are promised only when the text reads some.
        what = (
            "les principales recommandations qui s'en dégagent"
            if self.inputs.recommendations
            else "ce qui s'en dégage"
        )
        named = of_event(event.title)
        where = (
            f"{named}{day}" if named else f"de cette journée d'études{day} {to_title(event.title)}"
        )
        first = DraftSentence(f"{OPENING}, au terme {where}, voici {what}.")
        goals = f"{NBSP};".join(f" {label_name(lab)}" for lab in codebook.top)
        objectives = counted(len(codebook.top), "objectif", "objectifs")
        second = DraftSentence(f"La journée poursuivait {objectives}{NBSP}:{goals}.")
        parts = [
            counted(n, f"{noun}{rest}", f"{noun}s{rest}", feminine=True)
            for n, noun, rest in (
                (len(talks), "conférence", ""),
                (len(qa), "séance", " de questions-réponses"),
            )
            if n
        ]
        basis = (
            f"Cette synthèse s'appuie sur {join_words(parts)}{NBSP}; chaque" if parts else "Chaque"
        )
        third = DraftSentence(f"{basis} passage cité est suivi de sa source.")
        return Section("Ouverture", [[first, second, third]])

    def _talks_for(self, label_id: str) -> list[str]:
        """Items whose passages carry ``label_id`` often enough to say they treated it."""
        counts, totals = Counter(), Counter()
        for p in self.inputs.passages:
            totals[p.talk] += 1
            if label_id in self.inputs.labels_of.get(p.id, ()):
                counts[p.talk] += 1
        shares = {t: n / totals[t] for t, n in counts.items() if t and n >= 2}
        ranked = sorted(shares, key=lambda t: (-shares[t], t))
        return [t for t in ranked if shares[t] >= MIN_SHARE][:MAX_TALKS]

    def _summary_points(self, label_id: str, talks: list[str], limit: int) -> list[DraftSentence]:
        """Up to ``limit`` quoted summary sentences on ``label_id``, best first, one per talk;
        a speaker already quoted gives way to another as long as one is left (in a debate or
        a panel, the best sentences of every talk may be one person's). A sentence that says
        nothing of its own (``claimless``), or whose proposal the text calls « Action à
        préciser », is never quoted: fewer quotations, or none, rather than a filler."""
        picked, seen_talks, seen_speakers = [], set(), set()
        if limit <= 0:
            return picked
        candidates = [
            s
            for talk in talks
            for s in self.inputs.summaries.get(talk, [])
            if label_id in self.inputs.labels_of.get(s.passage_id, ())
        ]
        candidates.sort(key=lambda s: -getattr(s, "score", 0.0))
        for new_voice in (True, False):
            for s in candidates:
                passage = self.by_id[s.passage_id]
                if passage.talk in seen_talks or passage.kind == "moderation":
                    continue
                if new_voice and passage.speaker in seen_speakers:
                    continue
                key = (s.passage_id, s.start_char)
                if key in self.quoted or key in self.inputs.claimless:
                    continue
                if _overlaps(s, self.read_spans) or _overlaps(s, self.vague_spans):
                    continue
                excerpt = self.inputs.pseudonymiser.text(s.text)
                if not quotable(excerpt):
                    continue
                picked.append(self.cite(s.passage_id, excerpt, at=s.start_char))
                self.quoted.add(key)
                seen_talks.add(passage.talk)
                seen_speakers.add(passage.speaker)
                if len(picked) == limit:
                    return picked
        return picked

    def _in_passing(self, label_id: str) -> list[DraftSentence]:
        """An objective no sequence treated at length: where it came up, if anywhere."""
        counts = Counter(
            p.talk
            for p in self.inputs.passages
            if p.talk and label_id in self.inputs.labels_of.get(p.id, ())
        )
        talks = [t for t, n in counts.most_common(MAX_TALKS) if n >= 2]
        if not talks and counts:
            # A passage here and there: not « nobody addressed it », which the report's
            # counts of passages would contradict.
            once = [self.inputs.event.item(t) for t, _ in counts.most_common(MAX_TALKS)]
            names = [it.display for it in once if it is not None]
            where = f", {sequences(names, 'dans')}" if names else ""
            return [
                DraftSentence(
                    "Aucune séquence ne l'a traité de façon suivie ; il n'a été évoqué qu'en "
                    f"passant{where}."
                ),
                *self._summary_points(label_id, list(counts), limit=min(2, self.points)),
            ]
        if not talks:
            missing = set(self.inputs.missing_items)
            programmed = [it for it in self.inputs.event.items if label_id in it.objectives]
            read = [it.display for it in programmed if it.id not in missing]
            unread = [it.display for it in programmed if it.id in missing]
            if read:  # the programme says otherwise: say what the reading found
                return [
                    DraftSentence(
                        f"Le programme le confiait {sequences(read, 'à')}, mais l'analyse "
                        "des passages ne l'y retrouve pas."
                    ),
                    *([self._untranscribed(unread)] if unread else []),
                ]
            if unread:  # nobody can say it was not addressed: nothing of it was read
                return [self._untranscribed(unread)]
            return [DraftSentence("Aucune séquence de la journée ne l'a abordé.")]
        labels = [self.inputs.event.item(t).display for t in talks if self.inputs.event.item(t)]
        return [
            DraftSentence(
                "Aucune séquence ne l'a traité de façon suivie, mais il a été abordé au détour "
                f"d'autres interventions, notamment {sequences(labels, 'dans')}."
            ),
            *self._summary_points(label_id, talks, limit=min(2, self.points)),
        ]

    @staticmethod
    def _untranscribed(names: list[str]) -> DraftSentence:
        """« Les séquences A et B, qui devaient le traiter, n'ont pas de transcription. »"""
        which = sequences(names)
        if len(names) == 1:
            return DraftSentence(
                f"{which[0].upper()}{which[1:]}, qui devait le traiter, n'a pas de transcription."
            )
        return DraftSentence(
            f"{which[0].upper()}{which[1:]}, qui devaient le traiter, n'ont pas de transcription."
        )

    def _themes_for(self, label_id: str) -> list[DraftSentence]:
        """At most ``theme_count`` recurring themes of this objective, each with the sequences it
        joined.

        A theme is said under the objective most of its passages carry (the first in codebook
        order on a tie), so that it is not repeated from one objective to the next.
        """
        event, out = self.inputs.event, []
        top = [lab.id for lab in self.inputs.codebook.top]
        for theme in self.inputs.themes if self.theme_count else ():
            members = [pid for pid in theme.passage_ids if pid in self.by_id]
            if not members or not theme.terms:  # a theme without distinctive term says nothing
                continue
            tagged = {
                i: sum(i in self.inputs.labels_of.get(pid, ()) for pid in members) for i in top
            }
            talks = list(dict.fromkeys(self.by_id[pid].talk for pid in members))
            names = [event.item(t).display for t in talks if t and event.item(t)]
            main = max(top, key=lambda i: tagged[i])
            if main != label_id or tagged[label_id] / len(members) < 0.5 or len(talks) < 2:
                continue
            where = (
                sequences(names)
                if len(names) == len(talks) and len(names) <= MAX_TALKS
                else f"{number(len(talks))} séquences de la journée"
            )
            lead = "Un thème est revenu dans" if not out else "Un autre thème a relié"
            out.append(
                DraftSentence(f"{lead} {where}{NBSP}: {_lower_first(theme.label)}.", tuple(members))
            )
            if len(out) == self.theme_count:
                break
        return out

    def objectives(self) -> list[Section]:
        event, codebook = self.inputs.event, self.inputs.codebook
        sections = [Section("Ce que les interventions ont apporté")]
        self.quoted = set()
        order = {it.id: n for n, it in enumerate(event.items)}
        # Where, in each objective's paragraph, a talk the synthesis left out is quoted; the
        # objectives with nothing to quote, which say so once every talk had its chance.
        at, bare = {}, []
        for lab in codebook.top:
            talks = self._talks_for(lab.id)
            # Named in the order of the day, not of their shares.
            labels = [
                event.item(t).display
                for t in sorted(talks, key=lambda t: order.get(t, len(order)))
                if event.item(t)
            ]
            paragraph = []
            programmed = [it for it in event.items if lab.id in it.objectives]
            noted = not programmed and bool(event.objectives_note)
            if noted:
                paragraph.append(DraftSentence(event.objectives_note))
            if labels:
                # After « aucune conférence ne lui est consacrée », not « traité dans Conf 8 ».
                lead = (
                    "Il a néanmoins été abordé, surtout"
                    if noted
                    else "Cet objectif a surtout été traité"
                )
                paragraph.append(DraftSentence(f"{lead} {sequences(labels, 'dans')}."))
                quoted = self._summary_points(lab.id, talks, limit=self.points)
                themes = self._themes_for(lab.id)
                paragraph += quoted
                at[lab.id] = len(paragraph)
                paragraph += themes
                # Unless the reading is too short for any quotation (``SYNTHESIS_LEVELS``).
                if self.points and not quoted and not themes:
                    bare.append(lab.id)
            else:
                paragraph += self._in_passing(lab.id)
                at[lab.id] = len(paragraph)
                paragraph += self._themes_for(lab.id)
            sections.append(Section(lab.name, [paragraph], level=3))
        labelled, before, others = sections[1:], dict(at), []
        if not self.inputs.recommendations and self.points:
            others = self._every_talk(labelled, at)
        for sec, lab in zip(labelled, codebook.top, strict=True):
            if lab.id in bare and at[lab.id] == before[lab.id]:
                sec.paragraphs[0].append(self._recommended(lab.id))
        return sections + others

    def _every_talk(self, sections: list[Section], at: dict[str, int]) -> list[Section]:
        """With no recommendation to read, the synthesis stands in for them and has the word
        budget to itself: every talk that was read and that it does not quote yet is quoted
        once, under the objective most of its passages carry (a sentence too long to quote
        whole is quoted cut, « […] » marking the rest), or in a last « Autres interventions »
        when none carries one. Returns that last section, if any."""
        top = [lab.id for lab in self.inputs.codebook.top]
        paragraphs = dict(zip(top, (sec.paragraphs[0] for sec in sections), strict=True))
        quoted_talks = {self.by_id[pid].talk for pid, _ in self.quoted}
        others = []
        for item in self.inputs.event.items:
            if not item.has_speech or item.id in quoted_talks:
                continue
            point = self._talk_point(item.id)
            if point is None:
                continue
            carried = Counter(
                label
                for p in self.inputs.passages
                if p.talk == item.id
                for label in self.inputs.labels_of.get(p.id, ())
                if label in top
            )
            if not carried:
                others.append(point)
                continue
            label = max(top, key=lambda i: (carried[i], -top.index(i)))
            paragraphs[label].insert(at[label], point)
            at[label] += 1
        return [Section("Autres interventions", [others], level=3)] if others else []

    def _talk_point(self, talk: str) -> DraftSentence | None:
        """The best sentence of ``talk``'s summary that the synthesis may quote, whole if it can,
        else cut at a clause (:func:`excerpt_for`); None if no sentence is worth quoting."""
        candidates = sorted(
            self.inputs.summaries.get(talk, []), key=lambda s: -getattr(s, "score", 0.0)
        )
        for cut in (False, True):
            for s in candidates:
                passage = self.by_id[s.passage_id]
                key = (s.passage_id, s.start_char)
                if (
                    passage.kind == "moderation"
                    or key in self.quoted
                    or key in self.inputs.claimless
                    or _overlaps(s, self.vague_spans)
                ):
                    continue
                excerpt = self.inputs.pseudonymiser.text(s.text)
                if cut:
                    excerpt = excerpt_for(
                        excerpt,
                        QUOTE_WORDS[1],
                        before=passage.text[: s.start_char - passage.start_char],
                        after=passage.text[s.end_char - passage.start_char :],
                    )
                if quotable(excerpt):
                    self.quoted.add(key)
                    return self.cite(s.passage_id, excerpt, at=s.start_char)
        return None

    def _recommended(self, label_id: str) -> DraftSentence:
        """How many recommendations of the text bear on ``label_id``: what the synthesis says of
        an objective when no sentence is worth quoting (all read as recommendations, or none
        saying anything of its own) and no theme joins its sequences."""
        n = sum(label_id in getattr(r, "objectives", ()) for r in self.inputs.recommendations)
        if not self.inputs.all_found:  # none anywhere: nothing « ci-après » to point to
            return DraftSentence("Aucune recommandation ne s'y rattache.")
        if not self.inputs.recommendations:
            return DraftSentence(
                "Aucune recommandation retenue pour cette lecture ne s'y rattache."
            )
        if not n:
            return DraftSentence("Aucune recommandation relevée ci-après ne s'y rattache.")
        # Listeners hear the count: those read aloud are told apart from those of the annex.
        read = sum(label_id in getattr(r, "objectives", ()) for r in self.read)
        one, many = (
            ("lue ci-après", "lues ci-après")
            if read == n
            else ("relevée en annexe", "relevées en annexe")
            if not read
            else ("relevée", "relevées")
        )
        # Counts in words: the faithfulness gate finds no digit of them anywhere.
        if n >= len(_NUMBERS):
            said = f"plus de vingt recommandations {many} s'y rattachent"
        else:
            said = counted(
                n,
                f"recommandation {one} s'y rattache",
                f"recommandations {many} s'y rattachent",
                feminine=True,
            )
        if 0 < read < n:
            some = (
                "plus de vingt lues"
                if read >= len(_NUMBERS)
                else counted(read, "lue", "lues", feminine=True)
            )
            said += f", dont {some} ci-après"
        return DraftSentence(f"{said[0].upper()}{said[1:]}.")

    def recommendation_item(self, rec, full: bool = True) -> list[DraftSentence]:
        """The sentences that read ``rec``, each marked with its id."""
        return [replace(s, recommendation=rec.id) for s in self._item(rec, full)]

    def _item(self, rec, full: bool) -> list[DraftSentence]:
        evidence = [e for e in rec.evidence if e.passage_id in self.by_id]
        pids = tuple(dict.fromkeys(e.passage_id for e in evidence))
        # A recommendation read aloud keeps its line unless it is one word; in the annex, a
        # vague or uncertain line is not worth reading either.
        title, actor = split_actor(display_action(rec, uncertain_too=not full))
        item = [DraftSentence(f"{title}.", pids)]
        if actor:
            # Said, not whispered in parentheses: the text is read aloud.
            item.append(DraftSentence(f"{ACTOR_LEAD}{NBSP}: {actor}.", pids))
        if not evidence:
            return item
        first = evidence[0]
        ref = self.refs.ref(first.passage_id, first.start_char)
        passage = self.by_id[first.passage_id]
        excerpt = excerpt_for(
            self.inputs.pseudonymiser.text(first.quote),
            40 if full else 25,
            rec.action,
            before=passage.text[: first.start_char - passage.start_char],
            after=passage.text[first.end_char - passage.start_char :],
        )
        item.append(
            DraftSentence(
                f"Proposition formulée par {self.refs.subject(self.by_id[first.passage_id])}"
                f"{NBSP}: {quote(excerpt)} ({ref}).",
                (first.passage_id,),
                (ref,),
            )
        )
        if full:
            item += self._merged(first.passage_id, evidence[1:])
        item += self._endorsed(rec)
        if getattr(rec, "contradicts", ()):
            item.append(self._contrary(rec))
        return item

    def _merged(self, first: str, evidence) -> list[DraftSentence]:
        """The other sources a merged recommendation holds, one per speaker and sequence: the
        same speaker's in another sequence (« X a repris cette proposition (…) »), then the
        others' (« Elle a été reprise par Y (…) »)."""
        speaker = self.refs.speaker(self.by_id[first])
        seen = {(speaker, self.by_id[first].talk)}
        again, others = [], {}
        for e in evidence:
            passage = self.by_id[e.passage_id]
            name = self.refs.speaker(passage)
            if (name, passage.talk) in seen:
                continue
            seen.add((name, passage.talk))
            if name == speaker:
                again.append(e)
            else:
                others.setdefault(name, []).append(e)
        said = []
        if again:
            subject = self.refs.subject(self.by_id[first])
            refs = [self.refs.ref(e.passage_id, e.start_char) for e in again]
            said.append(
                DraftSentence(
                    f"{subject[0].upper()}{subject[1:]} a repris cette proposition "
                    f"({' ; '.join(refs)}).",
                    tuple(e.passage_id for e in again),
                    tuple(refs),
                )
            )
        if others:
            found = [e for said_by in others.values() for e in said_by]
            refs = [self.refs.ref(e.passage_id, e.start_char) for e in found]
            by = join_words(self._as_read([said_by[0].passage_id for said_by in others.values()]))
            said.append(
                DraftSentence(
                    f"Elle a été reprise par {by} ({' ; '.join(refs)}).",
                    tuple(e.passage_id for e in found),
                    tuple(refs),
                )
            )
        return said

    def _endorsed(self, rec) -> list[DraftSentence]:
        """« Leila Bennani l'a appuyée (source). »: who backed the proposal right after it was
        made, one source per person."""
        by_person: dict[str, Evidence] = {}
        for e in getattr(rec, "endorsements", ()):
            if e.passage_id in self.by_id:
                by_person.setdefault(self.refs.speaker(self.by_id[e.passage_id]), e)
        if not by_person:
            return []
        pids = [e.passage_id for e in by_person.values()]
        refs = [self.refs.ref(e.passage_id, e.start_char) for e in by_person.values()]
        who = join_words(self._as_read(pids))
        verb = "l'a appuyée" if len(pids) == 1 else "l'ont appuyée"
        return [
            DraftSentence(
                f"{who[:1].upper()}{who[1:]} {verb} ({' ; '.join(refs)}).", tuple(pids), tuple(refs)
            )
        ]

    def _as_read(self, passage_ids: list[str]) -> list[str]:
        """Who said each passage (one per person), as read aloud: the audience is not named
        (« une personne du public », « deux personnes du public »), the others are."""
        passages = [self.by_id[pid] for pid in passage_ids]
        public = [p for p in passages if self.refs.pseudonymiser.is_audience(p.speaker)]
        names = [self.refs.speaker(p) for p in passages if p not in public]
        if len(public) == 1:
            names.append("une personne du public")
        elif public:
            names.append(f"{number(len(public))} personnes du public")
        return names

    def _first_evidence(self, rec):
        """The first evidence of ``rec`` whose passage the text can cite, or None."""
        return next((e for e in rec.evidence if e.passage_id in self.by_id), None)

    def _contrary(self, rec) -> DraftSentence:
        """« Une proposition de X va en sens contraire (source) »: who, and where to find it."""
        by_rec = {r.id: r for r in self.inputs.recommendations}
        found = {}
        for other in (by_rec[c] for c in rec.contradicts if c in by_rec):
            first = self._first_evidence(other)
            if first is not None:
                found.setdefault(self.refs.speaker(self.by_id[first.passage_id]), first)
        if not found:
            return DraftSentence(
                f"Une autre proposition de la journée va en sens contraire{NBSP}: les deux "
                "positions sont conservées."
            )
        refs = [self.refs.ref(e.passage_id, e.start_char) for e in found.values()]
        pids = [e.passage_id for e in found.values()]
        which = "Une proposition" if len(found) == 1 else "Des propositions"
        goes = "va" if len(found) == 1 else "vont"
        by = join_words([of(name) for name in self._as_read(pids)])
        return DraftSentence(
            f"{which} {by} {goes} en sens contraire ({' ; '.join(refs)})"
            f"{NBSP}: les {number(len(pids) + 1)} positions sont conservées.",
            tuple(pids),
            tuple(refs),
        )

    def open_points(self) -> Section:
        codebook, event = self.inputs.codebook, self.inputs.event
        # What no speaker's recommendation addresses, whether the rapporteur reads it or not.
        found = self.inputs.all_found
        covered = {o for r in found for o in getattr(r, "objectives", ())}
        sentences = []
        top = [lab.name for lab in codebook.top if lab.id not in covered]
        subs = [label_name(lab) for lab in codebook.labels if lab.parent and lab.id not in covered]
        if found and top:
            which = "l'objectif" if len(top) == 1 else "les objectifs"
            sentences.append(
                DraftSentence(
                    f"Aucune recommandation ne porte sur {which}{NBSP}: {join_words(top)}."
                )
            )
        if found and subs:
            which = "ce sous-thème" if len(subs) == 1 else "ces sous-thèmes"
            also = " non plus" if sentences else ""
            sentences.append(
                DraftSentence(
                    f"Aucune recommandation ne porte{also} sur {which}{NBSP}: {join_words(subs)}."
                )
            )
        # Talks heard that proposed nothing: said, not left for the listeners to infer.
        proposing = {e.talk for r in found for e in r.evidence}
        heard = {p.talk for p in self.inputs.passages if p.kind != SLIDE}
        silent = [
            it.display
            for it in event.items
            if it.kind == "conf" and it.id in heard and it.id not in proposing
        ]
        if found and silent:
            which = "la séquence" if len(silent) == 1 else "les séquences"
            sentences.append(
                DraftSentence(
                    f"Aucune recommandation n'a été relevée dans {which} {join_words(silent)}."
                )
            )
        unread: dict[bool, list[str]] = {}
        missing = [event.item(i) for i in self.inputs.missing_items if event.item(i) is not None]
        for item in missing:
            # Titles for a few; beyond three, the names alone (ten titles read aloud are long).
            name = _sequence_name(item) if len(missing) <= 3 else item.display
            unread.setdefault(item.id in self.inputs.unreadable_items, []).append(f"*{name}*")
        # One sentence for all the sequences missing for one reason, not one each.
        for unreadable, names in unread.items():
            if len(names) == 1:
                why = (
                    "le fichier de sa transcription est vide ou illisible"
                    if unreadable
                    else "faute de transcription"
                )
                text = f"La séquence {names[0]} n'a pas pu être prise en compte, {why}."
            else:
                why = (
                    "les fichiers de leurs transcriptions sont vides ou illisibles"
                    if unreadable
                    else "faute de transcription"
                )
                text = (
                    f"Les séquences {join_words(names)} n'ont pas pu être prises en compte, {why}."
                )
            sentences.append(DraftSentence(text))
        if not found:
            sentences.insert(
                0,
                DraftSentence(
                    "Faute de recommandation relevée, les objectifs de la journée restent "
                    "ouverts à des propositions."
                ),
            )
        if not sentences:
            # Those the rapporteur excluded are neither read nor in the annex.
            where = (
                ""
                if len(found) > len(self.inputs.recommendations)
                else ", lue ici ou relevée en annexe"
            )
            sentences.append(
                DraftSentence(
                    "Chaque objectif et chaque sous-thème a reçu au moins une "
                    f"recommandation{where}."
                )
            )
        return Section("Points restés ouverts", [sentences + self._disagreements()])

    def unanalysed(self) -> str:
        """For the rapporteur, not read: what the text could not take into account, for its
        language (« Un passage en anglais de *Conf 7* et des phrases en arabe d'un passage de
        *Questions/Réponses (session 1)* n'ont pas été analysés : le texte n'en tient pas
        compte. »), and the transcripts read without punctuation."""
        said, masculine = [], False
        counts = self.inputs.other_languages
        for talk, language in sorted({(t, lang) for t, lang, _ in counts}):
            item = self.inputs.event.item(talk)
            place = f" {_of_named(item.display)}" if item else ""
            whole, partly = counts.get((talk, language, True)), counts.get((talk, language, False))
            if whole:
                masculine = True
                count = "un passage" if whole == 1 else f"{number(whole)} passages"
                if not partly:
                    said.append(f"{count} en {language}{place}")
                    continue
                # One sequence named once: « un passage en anglais et des phrases en anglais
                # de deux autres passages de *Questions/Réponses (session 1)* ».
                others = "un autre passage" if partly == 1 else f"{number(partly)} autres passages"
                said.append(
                    f"{count} en {language} et des phrases en {language} {of(others)}{place}"
                )
            else:
                count = "un passage" if partly == 1 else f"{number(partly)} passages"
                said.append(f"des phrases en {language} {of(count)}{place}")
        notes = [self._unpunctuated()] if self.inputs.unpunctuated_items else []
        if not said:
            return " ".join(notes)
        several = len(said) > 1 or not said[0].startswith("un ")
        ending = "s" if masculine else "es"
        verb = f"n'ont pas été analysé{ending}" if several else "n'a pas été analysé"
        text = join_words(said)
        said = f"{text[:1].upper()}{text[1:]} {verb}{NBSP}: le texte n'en tient pas compte."
        return " ".join([said, *notes])

    def _unpunctuated(self) -> str:
        """« La transcription de *Conf 7* n'a pas de ponctuation : … à vérifier. »"""
        names = [
            _of_named(item.display)
            for item in map(self.inputs.event.item, self.inputs.unpunctuated_items)
            if item is not None
        ]
        one = len(names) == 1
        subject = (
            f"La transcription {names[0]} n'a"
            if one
            else f"Les transcriptions {join_words(names)} n'ont"
        )
        return (
            f"{subject} pas de ponctuation{NBSP}: {'ses' if one else 'leurs'} phrases s'arrêtent "
            "à chaque sous-titre, segment ou ligne, et les recommandations et citations qui en "
            "viennent sont à vérifier."
        )

    def _disagreements(self) -> list[DraftSentence]:
        """« Deux propositions vont en sens contraire : *…* (source) et *…* (source). », for the
        first ``OPEN_DISAGREEMENTS`` opposed pairs in the ranking whose lines say an action and
        that the reading does not oppose already (a recommendation read aloud says who goes
        against it): both left to the annex, as the previous round of ``build`` read them."""
        by_rec = {r.id: r for r in self.inputs.recommendations}
        read = {r.id for r in self.read}
        done, sentences = set(), []
        for rec in self.inputs.recommendations:
            for other in (by_rec[c] for c in getattr(rec, "contradicts", ()) if c in by_rec):
                pair = frozenset((rec.id, other.id))
                sides = [(display_action(r), self._first_evidence(r)) for r in (rec, other)]
                if pair in done or pair & read or any(a == UNSAID or e is None for a, e in sides):
                    continue
                done.add(pair)
                refs = [self.refs.ref(e.passage_id, e.start_char) for _, e in sides]
                said = " et ".join(
                    f"*{_lower_first(a)}* ({ref})" for (a, _), ref in zip(sides, refs, strict=True)
                )
                sentences.append(
                    DraftSentence(
                        f"Deux propositions vont en sens contraire{NBSP}: {said}.",
                        tuple(e.passage_id for _, e in sides),
                        tuple(refs),
                    )
                )
        return sentences[:OPEN_DISAGREEMENTS]

    def closing(self) -> Section:
        return Section(
            "Clôture",
            [
                [
                    DraftSentence(
                        "Ces éléments seront repris et développés dans le rapport publié à "
                        "l'issue de la journée."
                    ),
                    DraftSentence("Je vous remercie de votre attention."),
                ]
            ],
        )

    def recommendations(self, budget: int) -> list[Section]:
        recs = self.inputs.recommendations
        main = Section("Recommandations")
        if not recs:
            said = (
                "Les recommandations relevées dans les sources de la journée ont toutes été "
                "écartées de cette lecture"
                if self.inputs.all_found
                else "Aucune recommandation explicite n'a été relevée dans les sources de la "
                "journée"
            )
            main.paragraphs.append(
                [DraftSentence(f"{said}{NBSP}; la synthèse ci-dessus en tient lieu.")]
            )
            return [main]
        annex = Section("Annexe — autres recommandations relevées (non lues)", read_aloud=False)
        # The sentences that tell the listeners of the others (below) are part of the budget.
        used, self.read, full = OTHERS_WORDS, [], False
        # However large the budget, a vague or uncertain line (« Exister ailleurs ») is not
        # read aloud, unless the rapporteur put it first or no line is better.
        readable = {r.id for r in recs if says_action(r) or r.id in self.inputs.ordered}
        readable = readable or {recs[0].id}
        for rec in recs:
            # In rank order, while at least half of the next one fits (and always the first).
            item = self.recommendation_item(rec)
            size = sum(count_words(s.text) for s in item)
            if rec.id in readable and not full and (not main.items or used + size / 2 <= budget):
                used += size
                main.items.append(item)
                main.item_ids.append(rec.id)
                self.read.append(rec)
            else:
                full = full or rec.id in readable
                annex.items.append(self.recommendation_item(rec, full=False))
                annex.item_ids.append(rec.id)
        if not annex.items:
            return [main]
        # The listeners are told that these are not all (a budget of 300 words reads one).
        others = len(annex.items)
        many = (
            "Une autre recommandation, relevée au cours de la journée, figurera"
            if others == 1
            else f"{'Plus de vingt' if others >= len(_NUMBERS) else number(others).capitalize()}"
            " autres recommandations, relevées au cours de la journée, figureront"
        )
        main.paragraphs.append(
            [
                DraftSentence(
                    "Voici la recommandation retenue pour cette lecture."
                    if len(main.items) == 1
                    else "Voici les recommandations retenues pour cette lecture."
                ),
                DraftSentence(f"{many} dans le rapport publié."),
            ]
        )
        return [main, annex]

    def fixed_sections(self) -> list[Section]:
        """Opening, synthesis, points left open and closing, the synthesis as full as the word
        budget allows (it keeps at most ``SYNTHESIS_SHARE`` of it, unless nothing else is read)."""
        # With no recommendation to read, the synthesis stands in for them: all the budget.
        share = SYNTHESIS_SHARE if self.inputs.recommendations else 1
        for self.points, self.theme_count in SYNTHESIS_LEVELS:
            self._verb = 0
            synthesis = self.objectives()
            if _words(synthesis) <= self.words * share:
                break
        return [self.opening(), *synthesis, self.open_points(), self.closing()]

    def build(self) -> Draft:
        event = self.inputs.event
        # The synthesis comes first but must not quote a sentence that a recommendation read
        # aloud quotes or cites, and the points left open name the opposed pairs the reading
        # does not: build, note what is read, rebuild (the words saved may let one more
        # recommendation in; a few rounds settle it).
        for _ in range(4):
            before = [r.id for r in self.read]
            fixed = self.fixed_sections()
            spent = _words(fixed)
            recs = self.recommendations(max(self.words - spent, 0))
            cited = {
                (e.passage_id, e.start_char, e.end_char) for r in self.read for e in r.evidence
            }
            if cited <= self.read_spans and before == [r.id for r in self.read]:
                break
            self.read_spans |= cited
        notice = event.notice if event.fictional else ""
        reading = next((it for it in event.items if it.kind == "rapporteur"), None)
        # Whoever reads it, named as the programme names them: « du rapporteur » would give
        # a man's title to a woman.
        reader = (
            f"pour la lecture {of(reading.speakers[0].name)}"
            if reading is not None and reading.speakers
            else "du rapporteur"
        )
        subtitle = (
            f"{event.title} — {french_date(event.date)}. Projet de texte {reader}, "
            f"à relire avant la séance."
        )
        sections = [*fixed[:-2], *recs[:1], fixed[-2], fixed[-1], *recs[1:]]
        return Draft(_heading(reading), subtitle, notice, sections, self.unanalysed())


def _overlaps(sentence, spans: set[tuple[str, int, int]]) -> bool:
    """Whether ``sentence`` shares characters with one of the ``(passage_id, start, end)``."""
    return any(
        pid == sentence.passage_id and start < sentence.end_char and sentence.start_char < end
        for pid, start, end in spans
    )


def _heading(reading: Item | None) -> str:
    """The title of the reading in the programme, without its « Lecture des » (« Éléments de
    recommandations essentiels de la journée »); a heading of the same words when it has no
    such item."""
    title = reading.title.strip() if reading is not None else ""
    title = re.sub(r"^lecture\s+(?:des|de la|du|de l['’]|de)\s*", "", title, flags=re.I)
    if not title:
        return "Éléments de recommandations essentiels de la journée"
    return title[:1].upper() + title[1:]


def _words(sections: list[Section]) -> int:
    """Words of the paragraphs of ``sections`` (their titles and numbered items left out)."""
    return sum(count_words(s.text) for sec in sections for b in sec.paragraphs for s in b)


def build_draft(inputs: DraftInputs, words: int = DEFAULT_WORDS) -> Draft:
    """The rapporteur's text for a reading of about ``words`` words (annex not counted)."""
    if words <= 0:
        raise ValueError("Le nombre de mots du texte doit être positif.")
    return DraftBuilder(inputs, words).build()
