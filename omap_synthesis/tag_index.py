"""A codebook compiled for tagging: term matcher, term weights and description profiles.

Built once per codebook and spaCy model (cached per process); the codebook texts are parsed
through the disk cache of ``omap_synthesis.nlp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from omap_synthesis.config import DEFAULT_MODEL
from omap_synthesis.models import Codebook
from omap_synthesis.terms import BOUNDARY, TermMatcher, skipped

_CONTENT_POS = {"NOUN", "PROPN", "ADJ", "VERB"}
# A label that lists fewer terms than this is also matched on the terms of its description. On
# the event's tuning half with every label cut to its first n terms, reading the description
# helps for n = 2 or 4 (objectives macro-F1 0.637 → 0.789, 0.740 → 0.799), is even at n = 6 and
# hurts from n = 8 (0.822 → 0.800): a fuller list is more precise than description words.
FEW_TERMS = 5
# Prepositions that join a noun to its complement inside a term (« partage de données »).
_OF = {"de", "d'", "d’", "du", "des"}


@dataclass(frozen=True)
class CodebookIndex:
    """What the tagger needs from a codebook, as arrays indexed like ``ids``.

    ``parents[i]`` is the index of label i's parent (-1 for a top-level label); ``peers[i]`` the
    labels of the same level, against which similarity is measured. For term t,
    ``term_support[t]`` lists the labels it counts for (the labels that list it and their
    parents), ``term_specificity[t]`` is 1 / the number of objectives that list it and
    ``term_single[t]`` says whether it is one common word (names, acronyms and multiword terms
    are more specific) and ``term_mined[t]`` whether no label lists it: it was read off the
    description of a label that lists fewer than ``FEW_TERMS`` terms (``description_terms``).
    A description term that has the keys of a listed term is left out, and description terms
    never change how listed terms match: a codebook's listed terms weigh the same with or
    without them.
    """

    ids: tuple[str, ...]
    parents: np.ndarray
    peers: tuple[np.ndarray, ...]
    matcher: TermMatcher
    term_support: tuple[np.ndarray, ...]
    term_specificity: np.ndarray
    term_single: np.ndarray
    term_mined: np.ndarray
    vectors: np.ndarray
    vocabulary: dict
    tf: np.ndarray
    idf: np.ndarray
    profiles: np.ndarray

    @property
    def tops(self) -> np.ndarray:
        """Index of each label's top-level ancestor (itself for a top-level label)."""
        return np.where(self.parents >= 0, self.parents, np.arange(len(self.ids)))


def profile_text(codebook: Codebook, label_id: str) -> str:
    """Name, description and terms of a label, and its sub-themes' names and descriptions."""
    label = codebook.get(label_id)
    parts = [label.name, label.description, ", ".join(label.terms)]
    for child in codebook.children(label_id):
        parts += [child.name, child.description]
    return ". ".join(p for p in parts if p)


def pipeline(model: str) -> Language:
    """The process's pipeline for ``model`` (``load_nlp()`` caches per call signature, so the
    default model is asked for without argument, as everywhere else)."""
    from omap_synthesis.nlp import load_nlp

    return load_nlp() if model == DEFAULT_MODEL else load_nlp(model)


@cache
def compile_codebook(codebook: Codebook, model: str) -> CodebookIndex:
    """Compile ``codebook`` for the pipeline ``model`` (cached per process)."""
    from omap_synthesis.nlp import parse

    nlp = pipeline(model)
    ids = tuple(codebook.ids)
    position = {label_id: i for i, label_id in enumerate(ids)}
    parents = np.array([position.get(lab.parent, -1) for lab in codebook.labels])
    levels = {flag: np.flatnonzero((parents >= 0) == flag) for flag in (False, True)}
    described = [lab for lab in codebook.labels if len(lab.terms) < FEW_TERMS and lab.description]
    parsed = parse(nlp, [lab.description for lab in described]) if described else []
    matcher = TermMatcher(
        nlp,
        # A label without a name is shown by its id, which is no word to look for (« A »).
        {
            lab.id: [lab.name, *lab.terms] if lab.name != lab.id else [*lab.terms]
            for lab in codebook.labels
        },
        {lab.id: description_terms(d) for lab, d in zip(described, parsed, strict=True)},
    )
    supports, specificity, single = [], [], []
    for term in matcher.terms:
        own = {position[label] for label in term.labels}
        supports.append(np.array(sorted(own | {int(parents[i]) for i in own if parents[i] >= 0})))
        specificity.append(1 / len({int(parents[i]) if parents[i] >= 0 else i for i in own}))
        single.append(len(term.keys) == 1 and not term.text[:1].isupper())
    docs = parse(nlp, [profile_text(codebook, label_id) for label_id in ids])
    vocabulary, tf, idf = _tfidf_profiles(matcher, docs)
    return CodebookIndex(
        ids=ids,
        parents=parents,
        peers=tuple(levels[bool(p >= 0)] for p in parents),
        matcher=matcher,
        term_support=tuple(supports),
        term_specificity=np.array(specificity),
        term_single=np.array(single, dtype=bool),
        term_mined=np.array([term.mined for term in matcher.terms], dtype=bool),
        vectors=unit(np.array([doc_vector(doc) for doc in docs])),
        vocabulary=vocabulary,
        tf=tf,
        idf=idf,
        profiles=unit(tf * idf),
    )


def description_terms(doc: Doc) -> list[str]:
    """Terms read off a parsed label description: each noun, and each noun with the adjectives
    and « de » complements that follow it (« formalités administratives », « partage de
    données », « âge légal de départ »), in order of appearance, without repeats.

    For a label that lists few terms or none (the schema allows it): with no terms, the tagger
    would have only the description similarity to go on, and that alone never reaches the
    threshold.
    """
    found: list[str] = []
    for token in doc:
        if token.pos_ not in {"NOUN", "PROPN"} or not token.is_alpha or skipped(token):
            continue
        found.append(token.text if token.pos_ == "PROPN" else token.lemma_.lower())
        kept = {token.i}
        for child in token.rights:
            if child.dep_ == "amod" and child.pos_ == "ADJ":
                kept.add(child.i)
            elif child.dep_ == "nmod" and child.pos_ in {"NOUN", "PROPN"}:
                if any(c.dep_ == "case" and c.lower_ in _OF for c in child.children):
                    kept.add(child.i)
                    kept.update(c.i for c in child.children if c.dep_ in {"case", "det", "amod"})
        span = doc[token.i : max(kept) + 1]
        if len(span) > 1 and all(t.i in kept or skipped(t) for t in span):
            found.append(span.text)
    return list(dict.fromkeys(found))


def _tfidf_profiles(matcher: TermMatcher, docs: list[Doc]) -> tuple[dict, np.ndarray, np.ndarray]:
    """Vocabulary of lemma keys, sublinear TF of each label profile, and IDF across labels."""
    vocabulary: dict[str, int] = {}
    rows = []
    for doc in docs:
        counts = key_counts(matcher, doc)
        rows.append({vocabulary.setdefault(k, len(vocabulary)): n for k, n in counts.items()})
    tf = np.zeros((len(docs), len(vocabulary)))
    for i, row in enumerate(rows):
        tf[i, list(row)] = 1 + np.log(list(row.values()))
    return vocabulary, tf, smooth_idf((tf > 0).sum(axis=0), len(docs))


def smooth_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """``log((1 + n) / (1 + df)) + 1``, as scikit-learn's ``TfidfVectorizer``."""
    return np.log((1 + n_docs) / (1 + df)) + 1


def unit(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def content_tokens(doc: Doc, mask: np.ndarray | None = None) -> list:
    """Content words (nouns, names, adjectives, verbs; no stop word), where ``mask`` is true."""
    return [
        t
        for t in doc
        if t.pos_ in _CONTENT_POS and not t.is_stop and t.is_alpha and (mask is None or mask[t.i])
    ]


def key_counts(matcher: TermMatcher, doc: Doc, mask: np.ndarray | None = None) -> dict:
    """How often each lemma key of a content word occurs in ``doc``."""
    counts: dict[str, int] = {}
    for token in content_tokens(doc, mask):
        key = matcher.key(token)
        if key and key != BOUNDARY:
            counts[key] = counts.get(key, 0) + 1
    return counts


def doc_vector(doc: Doc, mask: np.ndarray | None = None) -> np.ndarray:
    """Mean word vector of the content words (the vector table is looked up in one call)."""
    vectors = doc.vocab.vectors
    width = vectors.shape[1] if vectors.shape[0] else 1
    tokens = content_tokens(doc, mask)
    if not tokens or not vectors.shape[0]:
        return np.zeros(width)
    rows = vectors.find(keys=np.array([t.orth for t in tokens], dtype=np.uint64))
    lower = vectors.find(keys=np.array([t.lower for t in tokens], dtype=np.uint64))
    rows = np.where(rows >= 0, rows, lower)
    rows = rows[rows >= 0]
    return vectors.data[rows].mean(axis=0) if len(rows) else np.zeros(width)


def similarity(
    index: CodebookIndex,
    doc: Doc,
    mask: np.ndarray | None = None,
    idf: np.ndarray | None = None,
    profiles: np.ndarray | None = None,
    counts: dict | None = None,
) -> np.ndarray:
    """Cosine of the passage with each label profile (mean of word vectors and TF-IDF), minus
    the mean cosine of the label's peers: how much closer it is to this label than to others.

    ``idf`` and the matching ``profiles`` replace the codebook's own (e.g. an IDF learnt on the
    passages of an event); ``counts``, the passage's ``key_counts`` when already computed.
    """
    idf = index.idf if idf is None else idf
    profiles = index.profiles if profiles is None else profiles
    counts = key_counts(index.matcher, doc, mask) if counts is None else counts
    tfidf = np.zeros(len(index.vocabulary))
    for key, count in counts.items():
        j = index.vocabulary.get(key)
        if j is not None:
            tfidf[j] = (1 + np.log(count)) * idf[j]
    cosines = (index.vectors @ unit(doc_vector(doc, mask)) + profiles @ unit(tfidf)) / 2
    return np.array([cosines[i] - cosines[peers].mean() for i, peers in enumerate(index.peers)])
