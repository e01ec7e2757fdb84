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

from omap_synthesis.models import Event, Passage

PREFIX = "Participant·e"
_TITLES = r"(?:(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle|Dr|Pr|Professeur)\s+)?"


@dataclass
class Pseudonymiser:
    """Replace audience names by their pseudonyms."""

    mapping: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        variants: dict[str, str] = {}
        for name, alias in self.mapping.items():
            variants[name] = alias
            surname = name.split()[-1]
            if len(name.split()) > 1 and len(surname) >= 4:
                variants.setdefault(surname, alias)
        self._alias = variants
        if variants:
            names = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<!\w){_TITLES}({names})(?!\w)")
        else:
            self._pattern = None

    def text(self, value: str) -> str:
        """``value`` with every audience name replaced by ``[Participant·e N]``."""
        if not self._pattern or not value:
            return value
        return self._pattern.sub(lambda m: f"[{self._alias[m.group(1)]}]", value)

    def text_with_offsets(self, value: str) -> tuple[str, list[tuple[int, int]]]:
        """Pseudonymised ``value`` and the ``(old_end, delta)`` of each replacement, in order.

        An offset ``o`` of ``value`` moves by the sum of the deltas whose ``old_end <= o``.
        """
        if not self._pattern or not value:
            return value, []
        pieces, shifts, pos = [], [], 0
        for m in self._pattern.finditer(value):
            replacement = f"[{self._alias[m.group(1)]}]"
            pieces += [value[pos : m.start()], replacement]
            shifts.append((m.end(), len(replacement) - (m.end() - m.start())))
            pos = m.end()
        pieces.append(value[pos:])
        return "".join(pieces), shifts

    def speaker(self, name: str | None) -> str:
        """Public form of a speaker's name."""
        if not name:
            return ""
        return self.mapping.get(name, name)

    def is_audience(self, name: str | None) -> bool:
        return bool(name) and name in self.mapping

    def key(self) -> dict[str, str]:
        return dict(self.mapping)


def _public_names(event: Event | None, passages: list[Passage]) -> set[str]:
    """The programme's people, and whoever gives a talk for which the programme names nobody
    (its lecturer, not the audience), with their surnames."""
    if event is None:
        return set()
    unnamed = {it.id for it in event.items if not it.speakers}
    names = set(event.programme_people) | {
        p.speaker for p in passages if p.kind == "talk" and p.talk in unnamed and p.speaker
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

    def add(name: str) -> None:
        name = " ".join(name.split())
        if name and name not in public and name not in mapping:
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
    return Pseudonymiser(mapping)
