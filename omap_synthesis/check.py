"""The faithfulness gate: nothing in the rapporteur's text that is not in its sources.

Every « quotation » must appear verbatim in a passage the sentence cites (a quotation that leaves
words out marks each gap « […] », and its parts appear in that order); every number, person and
organisation named in a sentence must appear in the evidence it cites or, for facts of the
programme (titles, slots, roles, names), in the programme; every source reference must be one the
programme gives for a cited passage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from omap_synthesis.french import looked_up, unaccented
from omap_synthesis.models import DraftSentence

_QUOTE = re.compile(r"«\s*(.+?)\s*»", re.S)
# Marks words left out of a quotation; the parts on either side are each verbatim, in order.
ELIDED = "[…]"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_ENTITY_LABELS = {"PER", "ORG", "LOC"}


@dataclass(frozen=True)
class Problem:
    """One failure of the gate, in French, with the sentence it concerns."""

    sentence: str
    reason: str
    # The recommendation the sentence reads, when it reads one: its id goes in lecture.yaml.
    recommendation: str = ""

    def __str__(self) -> str:
        excerpt = self.sentence if len(self.sentence) < 160 else self.sentence[:157] + "…"
        which = (
            f" (recommandation {self.recommendation}, à écarter dans lecture.yaml)"
            if self.recommendation
            else ""
        )
        return f"« {excerpt} » : {self.reason}{which}"


class FaithfulnessError(Exception):
    """Raised when the draft fails the gate; the message lists every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"- {p}" for p in problems)
        super().__init__(
            f"Le texte n'est pas écrit : {len(problems)} phrase(s) non fidèle(s)\n{lines}"
        )


_PAUSE = re.compile(r"\s*[:;,—–]\s*")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


def _verbatim(quote: str, evidence: str) -> bool:
    """Every part of ``quote`` between « […] » marks is in ``evidence``, in the same order."""
    parts = [_norm(part) for part in quote.split(ELIDED)]
    if not any(parts):
        return False
    position = 0
    for part in filter(None, parts):
        found = evidence.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _without_refs_and_quotes(sentence: DraftSentence) -> str:
    text = _QUOTE.sub(" ", sentence.text)
    for ref in sentence.refs:
        text = text.replace(ref, " ")
    return text


def _entities(doc) -> tuple[tuple[str, str, bool], ...]:
    """Text, label and whether it can name someone or something, of every entity of ``doc``.

    An infinitive opening an action line is sometimes read as a name: only entities with a
    noun, proper noun or adjective in them can name someone or something.
    """
    return tuple(
        (ent.text, ent.label_, any(t.pos_ in {"NOUN", "PROPN", "ADJ", "X"} for t in ent))
        for ent in doc.ents
    )


def check_sentence(
    sentence: DraftSentence,
    passages: dict[str, str],
    facts: str,
    refs_of: dict[str, set[str]],
    nlp=None,
    doc=None,
    entities=None,
    speakers: dict[str, str] | None = None,
) -> list[Problem]:
    """Problems of one drafted sentence (empty when it is faithful).

    Parameters
    ----------
    passages
        Public (pseudonymised) text of every passage, by id.
    facts
        Programme facts (titles, slots, names, roles, objectives) the text may state unquoted.
    refs_of
        For each passage id, the source references the programme allows for it.
    nlp
        The spaCy pipeline, to find persons and organisations; without it only numbers are checked.
    doc
        The parse of the sentence's prose (quotations and references removed), when the caller
        parsed all sentences at once.
    entities
        The entities of that parse as ``_entities`` gives them, when the caller has them already.
    speakers
        The public name of each passage's speaker, by id: a sentence may name the speaker of a
        passage it cites (someone the programme does not list, a substitute, the audience).
    """
    problems = []
    unknown = [pid for pid in sentence.passage_ids if pid not in passages]
    if unknown:
        problems.append(Problem(sentence.text, f"passage(s) cité(s) inconnu(s) : {unknown}"))
    evidence = _norm(" ".join(passages.get(pid, "") for pid in sentence.passage_ids))
    said_by = " ".join((speakers or {}).get(pid, "") for pid in sentence.passage_ids)
    programme = _norm(facts)
    allowed = f"{evidence} {_norm(said_by)} {programme}"
    for quote in _QUOTE.findall(sentence.text):
        # A title with its own quotation marks (« Séminaire « Retraites et santé » ») is
        # checked against the programme, as titles are.
        if not (_verbatim(quote, evidence) or _norm(quote) in programme):
            problems.append(
                Problem(sentence.text, f"citation absente des sources citées : « {quote} »")
            )
    for ref in sentence.refs:
        if ref not in sentence.text:
            problems.append(Problem(sentence.text, f"référence annoncée mais absente : {ref}"))
        elif not any(ref in refs_of.get(pid, set()) for pid in sentence.passage_ids):
            problems.append(
                Problem(sentence.text, f"référence qui ne correspond à aucun passage cité : {ref}")
            )
    prose = _without_refs_and_quotes(sentence)
    for number in _NUMBER.findall(prose):
        if not re.search(rf"(?<!\d){re.escape(number)}(?!\d)", allowed):
            problems.append(Problem(sentence.text, f"nombre absent des sources : {number}"))
    if entities is None:
        if doc is None and nlp is not None:
            doc = nlp(prose)
        entities = _entities(doc) if doc is not None else ()
    opening = prose.split()[:1]
    for text, label, named in entities:
        if label not in _ENTITY_LABELS or not named:
            continue
        # The recogniser may run a name over a colon or a comma (« Direction du budget :
        # budget »): each part is a name of its own, found or not.
        if all(_norm(part) in allowed for part in _PAUSE.split(text) if part.strip()):
            continue
        if [text] == [w.strip("*_") for w in opening] and _infinitive_of(text, evidence):
            continue
        problems.append(Problem(sentence.text, f"nom absent des sources : {text}"))
    return [replace(p, recommendation=sentence.recommendation) for p in problems]


def _infinitive_of(word: str, evidence: str) -> bool:
    """« Taxer », opening an action line, which the recogniser may take for a name: the
    infinitive of a verb the evidence conjugates (« que l'on taxe », « qu'elles siègent », « qu'ils
    prennent »). A name of the same ending (« Didier ») passes only where the evidence has a word
    that begins as it does."""
    word = _norm(word)
    if not word.isalpha() or not word.endswith(("er", "ir", "re")):
        return False
    stem = unaccented(word[:-2])
    if len(stem) >= 3 and re.search(rf"\b{re.escape(stem)}", unaccented(evidence)):
        return True
    return any(looked_up(form) == word for form in set(re.findall(r"\w+", evidence)))


def sentence_entities(nlp, texts: list[str], cache: bool = True) -> list[tuple]:
    """``_entities`` of the parse of every text, parsed in one batch without the parser.

    With ``cache``, the entities of texts met in the previous run (the drafted sentences that
    did not change) come from the on-disk cache, keyed by the pipeline and the code.
    """
    from omap_synthesis import caching
    from omap_synthesis.nlp import model_key

    key = caching.digest("gate", model_key(nlp))
    known = caching.load("gate", key, {}) if cache else {}
    if not isinstance(known, dict):
        known = {}
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        keep = {"tok2vec", "morphologizer", "ner", "senter", "attribute_ruler", "lemmatizer"}
        disabled = [name for name in nlp.pipe_names if name not in keep]
        with nlp.select_pipes(disable=disabled):
            found = {t: _entities(doc) for t, doc in zip(missing, nlp.pipe(missing), strict=True)}
    else:
        found = {}
    entities = [found[t] if t in found else known[t] for t in texts]
    if cache and (missing or set(known) != set(texts)):
        caching.store("gate", key, dict(zip(texts, entities, strict=True)), keep=4)
    return entities


def check_draft(
    sentences, passages, facts, refs_of, nlp=None, cache: bool = True, speakers=None
) -> list[Problem]:
    """Problems of every sentence of a draft (see :func:`check_sentence`), parsed in one batch.

    ``cache`` reuses the entities of sentences already checked in an earlier run.
    """
    sentences = list(sentences)
    entities = [()] * len(sentences)
    if nlp is not None:
        texts = [_without_refs_and_quotes(s) for s in sentences]
        entities = sentence_entities(nlp, texts, cache)
    return [
        p
        for s, found in zip(sentences, entities, strict=True)
        for p in check_sentence(s, passages, facts, refs_of, entities=found, speakers=speakers)
    ]


def assert_faithful(sentences, passages, facts, refs_of, nlp=None, speakers=None) -> None:
    """Raise :class:`FaithfulnessError` when any sentence fails the gate."""
    problems = check_draft(sentences, passages, facts, refs_of, nlp, speakers=speakers)
    if problems:
        raise FaithfulnessError(problems)
