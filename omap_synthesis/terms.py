"""Lemma-based matching of codebook terms, and the language of each sentence of a passage.

A token is matched through a *key*: its lemma, mapped to the derivational family of a codebook
word when it belongs to one (« simplifiée » → lemma « simplifier » → family of « simplification »).
Function words are left out of the keys, so a multiword term matches whatever articles or
prepositions the speaker put between its words. Matching runs spaCy's ``PhraseMatcher`` over the
sequence of keys.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np
import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from omap_synthesis.config import RESOURCES_DIR

BOUNDARY = "§"
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")
_LETTER = re.compile(r"[^\W\d_]")


@cache
def resources() -> dict:
    """Lexical data of the tagger (``resources/tag.yaml``)."""
    return yaml.safe_load((RESOURCES_DIR / "tag.yaml").read_text(encoding="utf-8"))


@cache
def _function_words() -> frozenset[str]:
    return frozenset(resources()["function_words"])


@cache
def _joiners() -> frozenset[str]:
    return frozenset(resources()["joiners"])


def _is_acronym(text: str) -> bool:
    return len(text) >= 2 and text.isupper() and text.isalpha()


def token_forms(token: Token) -> tuple[str, str]:
    """``(lemma, surface)`` in lower case; acronyms keep their case (« ADD » is not « add »)."""
    if _is_acronym(token.text):
        return token.text, token.text
    return (token.lemma_ or token.text).lower(), token.text.lower()


def _term_forms(token: Token) -> tuple[str, str]:
    """Forms of a codebook word. A term is parsed out of context, where the tagger often reads
    a noun as a participle (« donnée » as « donner »): such a word stands for itself."""
    lemma, surface = token_forms(token)
    if token.pos_ in {"VERB", "AUX"} and lemma != surface:
        return surface, surface
    return lemma, surface


def skipped(token: Token) -> bool:
    """Whether ``token`` stays out of the matching keys (a space or a function word)."""
    return token.is_space or token.text.lower().rstrip("'’") in _function_words()


def _variants(word: str, vocab: Vocab) -> list[str]:
    """Forms of the derivational family of ``word`` that the vectors know (see tag.yaml)."""
    data = resources()
    found = []
    for family in data["derivations"]:
        for ending in family:
            stem = word[: -len(ending)]
            if not word.endswith(ending) or len(stem) < data["min_stem"]:
                continue
            for other in family:
                candidate = stem + other
                if candidate != word and vocab.has_vector(candidate):
                    found.append(candidate)
    if not vocab.has_vector(word):
        return found
    source = vocab.get_vector(word)
    return [c for c in found if _cosine(source, vocab.get_vector(c)) >= data["min_similarity"]]


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norm if norm else 0.0


def _families(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Union-find over linked forms; every form maps to the smallest form of its family."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


@dataclass(frozen=True)
class Term:
    """A codebook term ready to match: its text, its keys, the labels it counts for, and
    whether it was read off a description rather than listed (see ``TermMatcher``)."""

    text: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]
    mined: bool = False


class TermMatcher:
    """Match the terms of a codebook in parsed docs, by lemma and derivational family.

    Parameters
    ----------
    nlp : Language
        The pipeline that parsed the docs (it parses the terms once, through the disk cache).
    label_terms : dict
        ``{label_id: [term, ...]}``.
    extra_terms : dict, optional
        Terms of the same form read off label descriptions: they never change how the listed
        terms are matched (no derivational family comes from them), and one whose keys a
        listed term already has is left out.

    Examples
    --------
    >>> matcher = TermMatcher(nlp, {"O1": ["simplification"]})  # doctest: +SKIP
    >>> doc = nlp("Simplifier les démarches.")  # doctest: +SKIP
    >>> [matcher.terms[i].text for i, _, _ in matcher.matches(doc)]  # doctest: +SKIP
    ['simplification']
    """

    def __init__(
        self,
        nlp: Language,
        label_terms: dict[str, list[str]],
        extra_terms: dict[str, list[str]] | None = None,
    ):
        from omap_synthesis.nlp import parse

        self.vocab = nlp.vocab
        self._acronyms: dict[str, str] = {}
        extra_terms = extra_terms or {}
        listed = sorted({t for terms in label_terms.values() for t in terms})
        texts = sorted(set(listed).union(*extra_terms.values()))
        docs = dict(zip(texts, parse(nlp, texts), strict=True)) if texts else {}
        links = []
        for text in listed:
            for token in docs[text]:
                if token.is_punct or skipped(token):
                    continue
                lemma, surface = _term_forms(token)
                links.append((lemma, surface))
                links.extend((lemma, v) for v in _variants(lemma, self.vocab))
        self.canon = _families(links)
        by_keys: dict[tuple[str, ...], tuple[str, set[str], bool]] = {}
        for mined, source in ((False, label_terms), (True, extra_terms)):
            for label, terms in source.items():
                for text in terms:
                    keys = self._mined_keys(docs[text]) if mined else self.keys(docs[text])[0]
                    keys = tuple(k for k in keys if k != BOUNDARY)
                    known = by_keys.get(keys)
                    if not keys or (mined and known is not None and not known[2]):
                        continue
                    by_keys.setdefault(keys, (text, set(), mined))[1].add(label)
        self.terms = [
            Term(text, keys, tuple(sorted(labels)), mined)
            for keys, (text, labels, mined) in by_keys.items()
        ]
        # Acronyms of the terms, for transcripts written all in lower case (« rssi »).
        self._acronyms = {k.lower(): k for t in self.terms for k in t.keys if _is_acronym(k)}
        self._matcher = PhraseMatcher(self.vocab, attr="ORTH")
        for i, term in enumerate(self.terms):
            self._matcher.add(str(i), [Doc(self.vocab, words=list(term.keys))])

    def key(self, token: Token) -> str | None:
        """The matching key of ``token``; ``None`` when the token is skipped. In a text
        without a capital letter (a speech recogniser's), a word written as an acronym of a
        term (« rssi » for « RSSI ») is that acronym."""
        if skipped(token):
            return None
        if token.is_punct or token.pos_ in {"PUNCT", "SYM"}:
            return None if token.text in _joiners() else BOUNDARY
        lemma, surface = token_forms(token)
        if surface in self._acronyms and token.doc.text.islower():
            return self._acronyms[surface]
        return self.canon.get(lemma) or self.canon.get(surface) or lemma

    def _mined_keys(self, doc: Doc) -> list[str]:
        """Keys of a term read off a description, parsed alone: a noun the tagger then reads as
        a verb or an auxiliary stands for itself (« été », the season, is not « être »)."""
        keys = []
        for token in doc:
            if skipped(token) or token.is_punct or token.pos_ in {"PUNCT", "SYM"}:
                continue
            lemma, surface = _term_forms(token)
            keys.append(self.canon.get(lemma) or self.canon.get(surface) or lemma)
        return keys

    def keys(self, doc: Doc, mask: np.ndarray | None = None) -> tuple[list[str], list[int]]:
        """Keys of the tokens of ``doc`` (where ``mask`` is true) and their token indices."""
        keys, index = [], []
        for token in doc:
            key = self.key(token) if mask is None or mask[token.i] else BOUNDARY
            if key is not None:
                keys.append(key)
                index.append(token.i)
        return keys, index

    def matches(self, doc: Doc, mask: np.ndarray | None = None) -> list[tuple[int, int, int]]:
        """Non-overlapping matches ``(term_index, start_token, end_token)``, longest first."""
        keys, index = self.keys(doc, mask)
        if not keys:
            return []
        found = self._matcher(Doc(self.vocab, words=keys))
        found.sort(key=lambda m: (m[1] - m[2], m[1]))
        taken: set[int] = set()
        result = []
        for match_id, start, end in found:
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                term = int(self.vocab.strings[match_id])
                result.append((term, index[start], index[end - 1] + 1))
        return sorted(result, key=lambda m: m[1])


def sentence_language(text: str, default: str = "fr") -> str:
    """``"ar"``, ``"en"`` or ``"fr"`` for one sentence (function words and script, tag.yaml);
    ``default`` when it has too few function words of either language to tell."""
    letters = _LETTER.findall(text)
    if letters and len(_ARABIC.findall(text)) > len(letters) / 2:
        return "ar"
    data = resources()["language"]
    words = Counter(w.lower() for w in re.findall(r"[^\W\d_]+", text))
    en = sum(words[w] for w in data["en"])
    fr = sum(words[w] for w in data["fr"])
    if en >= data["min_hits"] and en > fr:
        return "en"
    return "fr" if fr >= data["min_hits"] or fr > en else default


def french_mask(doc: Doc) -> tuple[np.ndarray, Counter]:
    """Which tokens sit in French sentences, and how many words each language holds.

    The French sentence splitter cuts English into fragments (« We » / « need » / « more »):
    a sentence too short to tell takes the language of the whole passage.
    """
    mask = np.ones(len(doc), dtype=bool)
    words: Counter = Counter()
    passage = sentence_language(doc.text)
    for sent in _sentences(doc):
        lang = sentence_language(sent.text, passage)
        words[lang] += sum(1 for t in sent if not t.is_punct and not t.is_space)
        if lang != "fr":
            mask[sent.start : sent.end] = False
    return mask, words


def _sentences(doc: Doc):
    return doc.sents if doc.has_annotation("SENT_START") else [doc[:]]


def _procedural(sent) -> bool:
    """A sentence that manages the session rather than discussing a topic: thanks, floor and
    time, a salutation, an announcement (tag.yaml)."""
    return _courtesy(sent) or _salutation(sent) or _announcement(sent)


def _salutation(sent) -> bool:
    """« Monsieur le Directeur général …, chers collègues » : no verb, opens on an address."""
    words = [t for t in sent if t.is_alpha]
    return (
        bool(words)
        and words[0].lower_ in resources()["session"]["address"]
        and not any(t.pos_ in {"VERB", "AUX"} for t in sent)
    )


def _subject(verb) -> str:
    """Lower-case subject of a verb, through the chain « nous allons pouvoir passer »."""
    while True:
        for child in verb.children:
            if child.dep_.startswith("nsubj"):
                return child.lower_
        if verb.dep_ != "xcomp" or verb.head is verb:
            return ""
        verb = verb.head


def _announcement(sent) -> bool:
    """A talk announced to the audience, or the session moving on (tag.yaml); a long sentence
    says more than that and is never one."""
    data = resources()["session"]
    if sum(t.is_alpha for t in sent) > data["max_words"]:
        return False
    for t in sent:
        lemma = t.lemma_.lower()
        if lemma in data["announce"] and t.i - 2 >= sent.start:
            clitic, before = t.nbor(-1), t.nbor(-2)
            if clitic.lower_ not in {"nous", "vous"}:
                continue
            if before.lemma_ == "aller" and "Inf" in t.morph.get("VerbForm"):
                return True
            if "Fut" in t.morph.get("Tense") and before.pos_ in {"PRON", "PROPN", "NOUN"}:
                return True
        elif (
            lemma in data["move"]
            and t.dep_ in {"ROOT", "xcomp", "conj"}
            and "Sub" not in t.morph.get("Mood")
            and _subject(t) in {"nous", "on", "je"}
        ):
            units = {c.lemma_.lower() for c in t.children} & set(data["units"])
            # « je passe la parole à … »; « je passe à la question de … » moves on to a topic.
            if "parole" in units or (units and _subject(t) != "je"):
                return True
        elif (lemma in data["floor"] or t.lower_ in data["floor"]) and _floor_given(t):
            return True
    return False


def _floor_given(verb) -> bool:
    """« je donne la parole à Mme Tazi », « je vous cède la parole »: the floor, given by the
    speakers, to a person (« vous », a name, a title); « nous devons donner la parole aux
    usagers de Casablanca » is about a topic."""
    if _subject(verb) not in {"nous", "on", "je"} or "Sub" in verb.morph.get("Mood"):
        return False
    floor = [c for c in verb.children if c.lemma_.lower() == "parole"]
    if not floor:
        return False
    data = resources()
    people = set(data["session"]["address"]) | set(data["procedural"]["words"])
    for c in [*verb.children, *floor[0].children]:
        if c.lower_ in {"vous", "lui", "te"} and c.i < verb.i:
            return True
        to = any(k.dep_ == "case" and k.lemma_.lower() == "à" for k in c.children)
        named = c.pos_ == "PROPN" or any(
            k.dep_.startswith("flat") and k.pos_ == "PROPN" for k in c.children
        )
        if to and (named or c.lemma_.lower() in people):
            return True
    return False


def _courtesy(sent) -> bool:
    """Thanks, floor and time: a procedural word and at most a few other content words."""
    data = resources()["procedural"]
    words = set(data["words"])
    # « merci » is one of spaCy's stop words: the procedural words are looked for among all.
    marked = [t for t in sent if t.is_alpha and (t.lemma_.lower() in words or t.lower_ in words)]
    others = [
        t
        for t in sent
        if t.is_alpha
        and not t.is_stop
        and t.pos_ in {"NOUN", "ADJ", "VERB", "INTJ", "ADV"}
        and t not in marked
    ]
    return bool(marked) and len(others) <= data["max_other_words"]


@dataclass(frozen=True)
class Reading:
    """Which tokens of a passage are analysed, and why the others are not.

    ``mask`` is true for the tokens of French, non-procedural sentences; ``words`` counts the
    words of each language; ``procedural`` counts the procedural sentences.
    """

    mask: np.ndarray
    words: Counter
    procedural: int


def read_doc(doc: Doc) -> Reading:
    """Split a parsed passage into analysed sentences and those left out (language, procedure)."""
    mask, words = french_mask(doc)
    procedural = 0
    for sent in _sentences(doc):
        if mask[sent.start] and _procedural(sent):
            procedural += 1
            mask[sent.start : sent.end] = False
    return Reading(mask, words, procedural)
