"""Stable pseudonyms for audience members in every public output.

People named by the programme (speakers, moderators) keep their names. Everyone else who speaks
in Q&A notes, and every other person the parser finds named in those notes, becomes
« Participant·e N » (numbered in order of first appearance); inside text the pseudonym is put in
brackets, « [Participant·e N] », to show the text was edited. The key (real name → pseudonym)
only goes to the private folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from omap_synthesis.ingest import DIARISED
from omap_synthesis.models import LECTURE_KINDS, Event, Passage

PREFIX = "Participant·e"
_TITLE_WORDS = r"(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Dr|Pr|Professeur)"
# A title, in any case, before a name (« monsieur Lazrak ») or an initial (« O. Lazrak »).
_TITLE = rf"(?i:{_TITLE_WORDS})"
# A title or an initial before a name is part of what is replaced (« M. Lazrak », « O. Lazrak »).
_BEFORE = rf"(?:(?:{_TITLE}|[A-ZÀ-Ý]\.)\s+)?"


_WORD = re.compile(r"\w+")
# Labels that name nobody: a diarisation tool's (« SPEAKER_00 », « Locuteur 2 »), « P2 »,
# « inconnu ».
_UNNAMED = re.compile(rf"^(?:{DIARISED.pattern}|P\d+|inconnu.*)$", re.I)


def bare_name(name: str) -> str:
    """``name`` without a title before it (« M. Anas Lazrak » → « Anas Lazrak »)."""
    return re.sub(rf"^{_TITLE_WORDS}\s+", "", " ".join(name.split()))


def _forms(word: str) -> set[str]:
    """The written forms of a name: as given, capitalised, in capitals (« BENCHEKROUN »)."""
    return {word, word.title(), word.upper()}


@dataclass
class Pseudonymiser:
    """Replace audience names by their pseudonyms, and drop their affiliations from speaker
    tags.

    A name is found whole, by its surname (four letters or more, unless it is in
    ``kept_surnames``) and by its first name (three letters or more, unless it is in
    ``kept_first_names``), each as given, capitalised or in capitals, with a title or an
    initial before it; whole in any case (« Gérald darmanin »), and a part in any case after a
    title (« monsieur bardella »): in lower case alone, a part may be a word.
    ``affiliations`` are the audience's affiliations (« ingénieur, Commune de Salé »): written
    in parentheses, as in a speaker tag, they are removed.
    """

    mapping: dict[str, str] = field(default_factory=dict)
    affiliations: frozenset[str] = frozenset()
    # First names that stay readable on their own (a programme person's, a word of the talks).
    kept_first_names: frozenset[str] = frozenset()
    # Surnames that stay readable on their own: those of the programme's people.
    kept_surnames: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        whole: dict[str, str] = {}
        parts: dict[str, str] = {}
        for name, alias in self.mapping.items():
            whole.update(dict.fromkeys(_forms(name), alias))
            words = name.split()
            if len(words) < 2:
                continue
            if len(words[-1]) >= 4 and words[-1] not in self.kept_surnames:
                parts.update(dict.fromkeys(_forms(words[-1]), alias))
            if len(words[0]) >= 3 and words[0] not in self.kept_first_names:
                parts.update(dict.fromkeys(_forms(words[0]), alias))
        # A whole name wins over a part that is also someone else's.
        self._alias = parts | whole
        # In any case (« Gérald darmanin », « monsieur bardella »), a name is still the person's
        # when written whole or after a title; a part alone in lower case may be a word.
        self._folded = {k.casefold(): v for k, v in parts.items()} | {
            k.casefold(): v for k, v in whole.items()
        }
        pieces = []
        if self._alias:

            def alternatives(names) -> str:
                return "|".join(re.escape(v) for v in sorted(names, key=len, reverse=True))

            pieces += [
                rf"(?<!\w){_BEFORE}(?P<whole>(?i:{alternatives(whole)}))(?!\w)",
                rf"(?<!\w){_BEFORE}(?P<name>{alternatives(self._alias)})(?!\w)",
            ]
            if parts:
                pieces.append(rf"(?<!\w){_TITLE}\s+(?P<titled>(?i:{alternatives(parts)}))(?!\w)")
        if self.affiliations:
            gone = "|".join(re.escape(a) for a in sorted(self.affiliations, key=len, reverse=True))
            pieces.append(rf"[ \t]*\((?P<aff>{gone})\)")
        self._pattern = re.compile("|".join(pieces)) if pieces else None

    def _replacement(self, m: re.Match) -> str:
        found = m.groupdict()
        if found.get("name"):
            return f"[{self._alias[found['name']]}]"
        written = found.get("whole") or found.get("titled")
        return f"[{self._folded[written.casefold()]}]" if written else ""

    def text(self, value: str) -> str:
        """``value`` with every audience name replaced by ``[Participant·e N]``."""
        if not self._pattern or not value:
            return value
        return self._pattern.sub(self._replacement, value)

    def text_with_offsets(self, value: str) -> tuple[str, list[tuple[int, int]]]:
        """Pseudonymised ``value`` and the ``(old_end, delta)`` of each replacement, in order.

        An offset ``o`` of ``value`` moves by the sum of the deltas whose ``old_end <= o``.
        """
        if not self._pattern or not value:
            return value, []
        pieces, shifts, pos = [], [], 0
        for m in self._pattern.finditer(value):
            replacement = self._replacement(m)
            pieces += [value[pos : m.start()], replacement]
            shifts.append((m.end(), len(replacement) - (m.end() - m.start())))
            pos = m.end()
        pieces.append(value[pos:])
        return "".join(pieces), shifts

    def names_in(self, value: str) -> list[str]:
        """The words of ``value`` that are names (or parts of names) it replaces, in any case:
        « bardella » in the file name « bardella-darmanin-partie-4.txt »."""
        words = re.findall(r"[^\W\d_]+", value)
        return list(dict.fromkeys(w for w in words if w.casefold() in self._folded))

    def speaker(self, name: str | None) -> str:
        """Public form of a speaker's name."""
        if not name:
            return ""
        return self.mapping.get(bare_name(name), name)

    def is_audience(self, name: str | None) -> bool:
        return bool(name) and bare_name(name) in self.mapping

    def key(self) -> dict[str, str]:
        return dict(self.mapping)


def names_nobody(label: str, event: Event | None) -> bool:
    """A speaker label that names nobody: none, or a transcript's « SPEAKER_00 », « P2 » that
    the programme does not give as a person's name (a moderator listed as « P2 »)."""
    people = event.programme_people if event is not None else ()
    return not label or bool(_UNNAMED.match(label)) and label not in people


def public_speaker(
    pseudonymiser: Pseudonymiser, passage: Passage, event: Event | None, unnamed: str = ""
) -> str:
    """A passage's speaker (or an evidence's: anything with ``speaker``, ``talk`` and
    ``source``) in the dataset and the report's figures: the pseudonym of a person of the
    audience, the name of anyone else. A label that names nobody (« SPEAKER_00 »,
    « P1 », « Locuteur 2 ») is one voice of its sequence, not one person across the day: each
    file a diarisation tool labelled starts at « SPEAKER_00 » (« SPEAKER_00 — Conf 5 »). A
    passage without a label is ``unnamed`` (« personne non nommée — Conf 6 »), or nobody."""
    label = passage.speaker or ""
    name = pseudonymiser.speaker(label) or unnamed
    if not name or not names_nobody(label, event) or pseudonymiser.is_audience(label):
        return name
    item = event.item(passage.talk or "") if event is not None else None
    return f"{name} — {item.display if item else passage.source}"


def _public_names(event: Event | None, passages: list[Passage]) -> set[str]:
    """The programme's people, and whoever gives a talk for which the programme names nobody
    (its lecturer, not the audience), with their surnames."""
    if event is None:
        return set()
    unnamed = {it.id for it in event.items if not it.speakers}
    names = set(event.programme_people) | {
        p.speaker for p in passages if p.kind in LECTURE_KINDS and p.talk in unnamed and p.speaker
    }
    return names | {n.split()[-1] for n in names if len(n.split()) > 1}


def build_pseudonymiser(
    passages: list[Passage], event: Event | None, docs: dict | None = None
) -> Pseudonymiser:
    """Collect audience names from Q&A passages (speakers, then person entities in the text).

    A name that is also a programme speaker's stays public: programme speakers are never
    pseudonymised, even when they ask a question from the floor. So does the name of whoever
    gives a talk for which the programme names nobody.
    """
    public = _public_names(event, passages)
    mapping: dict[str, str] = {}

    def short_form(name: str) -> bool:
        """« Leroy », « LEROY », « F. Leroy » of someone already named: the same person."""
        words = [w for w in name.split() if not re.fullmatch(r"[A-ZÀ-Ý]\.", w)]
        if len(words) >= 2:
            return False
        known = {w.casefold() for n in mapping for w in n.split()}
        return not words or words[0].casefold() in known

    def add(name: str) -> None:
        name = bare_name(name)
        if name and name not in public and name not in mapping and not short_form(name):
            mapping[name] = f"{PREFIX} {len(mapping) + 1}"

    qa = [p for p in passages if p.kind in {"question", "reponse", "moderation"} and p.exchange]
    for p in passages:
        if p.kind == "question" and p.speaker:
            add(p.speaker)
    for p in qa:
        doc = (docs or {}).get(p.id)
        for ent in doc.ents if doc is not None else ():
            words = ent.text.split()
            if ent.label_ == "PER" and len(words) >= 2 and all(w[0].isupper() for w in words):
                if not any(w in public for w in words):
                    add(ent.text)
    affiliations = {p.affiliation for p in qa if p.speaker in mapping and p.affiliation}
    # A first name alone is left when a programme speaker has it, or when the talks use it
    # (« France », « Rose »): there it is more likely a word than this person.
    people = [n.split() for n in public if len(n.split()) > 1]
    kept = {words[0] for words in people}
    kept |= {w for p in passages if p.kind in LECTURE_KINDS for w in _WORD.findall(p.text)}
    surnames = frozenset(words[-1] for words in people)
    return Pseudonymiser(mapping, frozenset(affiliations), frozenset(kept), surnames)
