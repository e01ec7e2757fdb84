"""Recurring themes across the day: discovery, French labels, quotes, recurrence and quality.

``find_themes`` runs ``ThemeModel`` (``theme_model.py``) over the passages of an event or of
loose files, then describes every theme: a label and top terms from its most distinctive lemmas
and word pairs (class-based weights in the spirit of c-TF-IDF), verbatim quotes from its most
representative passages, where it came up (talks, sessions, speakers, Q&A exchanges) and, given
taggings, its mix of objectives.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.base import clone
from sklearn.metrics import silhouette_samples
from spacy.tokens import Doc

from omap_synthesis.models import Event, Passage, Recurrence, Theme, ThemeQuote
from omap_synthesis.segment import count_words, sentence_spans
from omap_synthesis.theme_model import (
    ContentTerms,
    ThemeModel,
    content_terms,
    doc_terms,
    theme_resources,
)
from omap_synthesis.theme_model import name_words as _name_words

N_TERMS = 10
N_QUOTES = 3
MIN_QUOTE_WORDS = 12


@dataclass
class ThemeResult:
    """Themes found, the theme of every analysed passage, the quality panel and notes.

    ``assignment`` maps a passage id to its theme id; passages set aside (another language, no
    content around them) are absent and ``notes`` says why. ``quality`` holds ``silhouette``,
    ``stability_ari``, ``coherence_npmi`` (``None`` when undefined), ``n_themes``,
    ``largest_share`` (share of the passages with a theme held by the largest one) and counts.
    ``model`` is the fitted ``ThemeModel``, whose rows are the passages ``passage_ids``.
    """

    themes: list[Theme]
    assignment: dict[str, str]
    quality: dict
    notes: list[str] = field(default_factory=list)
    model: ThemeModel | None = None
    passage_ids: list[str] = field(default_factory=list)


def find_themes(
    passages: Sequence[Passage],
    docs: Mapping[str, Doc],
    taggings=None,
    event: Event | None = None,
    n_themes: int | None = None,
    random_state: int = 0,
    model: ThemeModel | None = None,
) -> ThemeResult:
    """Find the recurring themes of ``passages`` by their content.

    Parameters
    ----------
    passages : sequence of Passage
    docs : mapping passage id → Doc
        The parse of every passage's ``clean`` text (``nlp.parse_passages``), reused as is.
    taggings : mapping passage id → labels, or sequence of Tagging, optional
        Objectives of the passages; a value may be a list of label ids or a ``Tagging``.
    event : Event, optional
        The programme: sessions of talks, and names kept out of the terms.
    n_themes : int, optional
        Fixed number of themes; by default chosen from the data.
    random_state : int
    model : ThemeModel, optional
        A configured model, fitted as a clone; ``n_themes`` and ``random_state`` then come
        from it.

    Returns
    -------
    ThemeResult

    Examples
    --------
    >>> result = find_themes(passages, docs, event=event)  # doctest: +SKIP
    >>> [t.label for t in result.themes]  # doctest: +SKIP
    ['Simplification, formalités administratives et guichet unique', ...]
    """
    ordered = _in_source_order(passages)
    if not ordered:
        return ThemeResult([], {}, _quality(None, []), ["Aucun passage fourni."])
    people = [p.speaker for p in ordered]
    if event is not None:
        people += list(event.programme_people)
    exclude = _name_words(people)
    extracted = {p.id: doc_terms(docs[p.id], exclude) for p in ordered}
    analysed = [p for p in ordered if not extracted[p.id].foreign]
    notes = _input_notes(ordered, analysed)
    if not any(extracted[p.id].terms for p in analysed):
        notes.append("Aucun passage n'a de contenu analysable : aucun thème.")
        return ThemeResult([], {}, _quality(None, analysed), notes)
    model = (
        ThemeModel(n_themes=n_themes, random_state=random_state) if model is None else clone(model)
    )
    terms = [extracted[p.id] for p in analysed]
    positions, groups = _positions(analysed)
    model.fit([t.terms for t in terms], positions=positions, groups=groups)
    themes = _describe(analysed, terms, model, event, taggings, exclude, docs)
    assignment = {pid: t.id for t in themes for pid in t.passage_ids}
    notes += _model_notes(model, analysed, terms) + _dominant_notes(themes, model)
    quality = _quality(model, analysed, themes)
    return ThemeResult(themes, assignment, quality, notes, model, [p.id for p in analysed])


def _in_source_order(passages: Sequence[Passage]) -> list[Passage]:
    first: dict[str, int] = {}
    for i, p in enumerate(passages):
        first.setdefault(p.source, i)
    return sorted(passages, key=lambda p: (first[p.source], p.start_char))


def _positions(passages: list[Passage]) -> tuple[np.ndarray, list[str]]:
    """Word offset of the middle of each passage in its source (the smoothing's axis)."""
    offsets: Counter = Counter()
    positions = []
    for p in passages:
        words = count_words(p.clean)
        positions.append(offsets[p.source] + words / 2)
        offsets[p.source] += words
    return np.array(positions), [p.source for p in passages]


def _input_notes(ordered, analysed) -> list[str]:
    notes = []
    foreign = len(ordered) - len(analysed)
    if foreign:
        notes.append(
            f"{foreign} passage(s) dans une autre langue que le français laissé(s) de côté : "
            "le modèle d'analyse est français."
        )
    return notes


def _model_notes(model: ThemeModel, analysed, terms: list[ContentTerms]) -> list[str]:
    notes = []
    unassigned = int((model.labels_ < 0).sum())
    if unassigned:
        notes.append(
            f"{unassigned} passage(s) sans contenu analysable, ni autour d'eux dans leur source, "
            "ne sont rattachés à aucun thème."
        )
    distinct = {frozenset(t.terms) for t in terms if t.terms}
    wanted = model.n_themes
    if model.n_themes_ == 1 and wanted != 1:
        if len(distinct) == 1 and len(analysed) > 1:
            notes.append("Les passages analysés ont tous le même contenu : un seul thème.")
        else:
            notes.append(
                f"Trop peu de passages au contenu distinct ({len(distinct)}) pour distinguer "
                f"plusieurs thèmes d'au moins {model.min_theme_size} passages : un seul thème "
                "regroupe tout, sans mesure de séparation."
            )
    elif wanted is None and (model.stability_ari_ or 0) < model.min_stability:
        threshold = f"{model.min_stability:.2f}".rstrip("0").replace(".", ",")
        notes.append(
            f"Aucun nombre de thèmes n'atteint une stabilité de {threshold} : le découpage "
            "dépend en partie du hasard, à lire avec prudence."
        )
    elif wanted is not None and model.n_themes_ < wanted:
        notes.append(
            f"{wanted} thèmes demandés, mais les passages ne permettent d'en former que "
            f"{model.n_themes_}."
        )
    if getattr(model, "set_aside_", None) is not None:
        k, share = model.set_aside_
        notes.append(
            f"Avec {k} thèmes, l'un regroupait {round(share * 100)} % des passages"
            + f" : {model.n_themes_} thèmes retenus, qui séparent les passages presque aussi "
            "bien (écart de silhouette inférieur à son erreur type)."
        )
    return notes


def dominant_shares(themes: Sequence[Theme], limit: float = 0.5) -> dict[str, float]:
    """Theme id → share of the passages with a theme, for a theme that holds more than
    ``limit`` of them (and is not the only one): it may gather what the split does not tell
    apart."""
    total = sum(len(t.passage_ids) for t in themes)
    return {
        t.id: len(t.passage_ids) / total
        for t in themes
        if len(themes) > 1 and len(t.passage_ids) > limit * total
    }


DOMINANT_WARNING = (
    "un thème aussi large peut réunir des sujets que le découpage ne sépare pas, à lire avec "
    "prudence"
)


def _dominant_notes(themes: list[Theme], model: ThemeModel) -> list[str]:
    """A theme holding most passages is named (:func:`dominant_shares`)."""
    labels = {t.id: t.label for t in themes}
    return [
        f"Le thème {tid} (« {labels[tid]} ») regroupe {round(100 * share)} % des passages : "
        f"{DOMINANT_WARNING}."
        for tid, share in dominant_shares(themes, getattr(model, "max_share", 0.5)).items()
    ]


def _class_weights(terms: list[ContentTerms], labels: np.ndarray, k: int) -> list[dict]:
    """Class-based term weights: ``p(t|theme) · log(p(t|theme) / p(t))``, kept when positive.

    A term frequent in the theme but as frequent everywhere (« administration » in a day on
    administration) weighs nothing; one concentrated in the theme weighs most.
    """
    counts = [Counter() for _ in range(k)]
    for found, label in zip(terms, labels, strict=True):
        if label >= 0:
            counts[label].update(found.terms)
    total: Counter = Counter()
    for c in counts:
        total.update(c)
    grand = sum(total.values()) or 1
    weights = []
    for c in counts:
        size = sum(c.values()) or 1
        lift = {t: (n / size, math.log(n / size * grand / total[t])) for t, n in c.items()}
        weights.append({t: share * gain for t, (share, gain) in lift.items() if gain > 0})
    return weights


def _top_terms(weights: dict, support: Counter, min_support: int) -> list[str]:
    """Best-weighted terms; a pair replaces its own words and hides them afterwards."""
    ranked = sorted(weights, key=lambda t: (-weights[t], t))
    chosen: list[str] = []
    for term in ranked:
        if support[term] < min_support:
            continue
        words = term.split(" ")
        if len(words) == 1 and any(term in c.split(" ") for c in chosen if " " in c):
            continue
        inside = [c for c in chosen if " " not in c and c in words]
        if inside:
            chosen[chosen.index(inside[0])] = term
            chosen = [c for c in chosen if c not in inside[1:]]
        else:
            chosen.append(term)
        if len(chosen) >= N_TERMS:
            break
    return list(dict.fromkeys(chosen))


def _display_forms(terms: list[ContentTerms]) -> dict[str, str]:
    """The surface form a term most often has (« formalités administratives », not lemmas)."""
    seen: dict[str, Counter] = {}
    for found in terms:
        for term, surface in zip(found.terms, found.surfaces, strict=True):
            seen.setdefault(term, Counter())[surface] += 1
    return {t: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for t, c in seen.items()}


def french_label(forms: list[str]) -> str:
    """A short French label from the first three terms: « Impôt, budget et dette ».

    Examples
    --------
    >>> french_label(["guichet unique", "formalités", "ADD", "usagers"])
    'Guichet unique, formalités et ADD'
    >>> french_label([])
    'Thème sans terme distinctif'
    """
    forms = list(dict.fromkeys(forms))[:3]
    if not forms:
        return "Thème sans terme distinctif"
    text = forms[0] if len(forms) == 1 else f"{', '.join(forms[:-1])} et {forms[-1]}"
    return text[0].upper() + text[1:]


def _describe(analysed, terms, model, event, taggings, exclude, docs) -> list[Theme]:
    labels = model.labels_
    k = model.n_themes_
    unnamed = frozenset(theme_resources()["unnamed"])
    weights = _class_weights(terms, labels, k)
    forms = _display_forms(terms)
    tagged = _labels_by_passage(taggings)
    own = np.array([t.n_words > 0 for t in terms])
    cohesion = _cohesion(model, own)
    sets = [frozenset(t.terms) for t in terms]
    drafts = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        support = Counter(t for i in members for t in sets[i])
        top = _top_terms(weights[c], support, min(2, len(members)))
        shown = [forms[t] for t in top]
        # A noun in at least half the passages that use it: « digitale », a noun once for
        # the tagger and an adjective everywhere else, names no theme.
        nouns = Counter(t for i in members for t in terms[i].nouns)
        named = [
            forms[t]
            for t in top
            if (" " in t or 2 * nouns[t] >= support[t] > 0) and t not in unnamed
        ]
        quotes = _quotes(analysed, members, own, model, weights[c], exclude, docs)
        substantive = [analysed[i] for i in members if own[i]]
        drafts.append(
            (
                members,
                Theme(
                    id="",
                    label=french_label(named),
                    terms=tuple(dict.fromkeys(shown)),
                    passage_ids=tuple(analysed[i].id for i in members),
                    quotes=tuple(quotes),
                    recurrence=_recurrence(substantive, event),
                    objectives=_objective_mix([analysed[i].id for i in members], tagged),
                    silhouette=cohesion.get(c),
                    coherence=_npmi([t for t in top if " " not in t], sets),
                ),
            )
        )
    drafts.sort(
        key=lambda d: (-len(d[1].recurrence.talks or d[1].recurrence.sources), -len(d[0]), d[0][0])
    )
    return [replace(theme, id=f"T{n}") for n, (_, theme) in enumerate(drafts, 1)]


def _cohesion(model: ThemeModel, own: np.ndarray) -> dict[int, float]:
    """Mean silhouette of each theme's members on their own content."""
    rows = own & (model.labels_ >= 0)
    labels = model.labels_[rows]
    if len(set(labels.tolist())) < 2 or rows.sum() <= len(set(labels.tolist())):
        return {}
    values = silhouette_samples(model.embedding_[rows], labels, metric="cosine")
    return {int(c): float(values[labels == c].mean()) for c in np.unique(labels)}


def _quotes(analysed, members, own, model, weights, exclude, docs) -> list[ThemeQuote]:
    """Sentences of the passages closest to the theme's centre, from different talks first.

    Moderators' turns come last: they announce subjects, the speakers develop them.
    """
    rows = [i for i in members if own[i] and count_words(analysed[i].text) >= MIN_QUOTE_WORDS]
    if not rows:
        return []
    centre = model.embedding_[rows].mean(axis=0)
    closeness = model.embedding_[rows] @ centre
    ranked = sorted(
        range(len(rows)),
        key=lambda j: (analysed[rows[j]].kind == "moderation", -closeness[j], j),
    )
    picked: list[int] = []
    for repeat_place, moderation in ((False, False), (True, False), (True, True)):
        for i in (rows[j] for j in ranked):
            p = analysed[i]
            places = {analysed[j].talk or analysed[j].source for j in picked}
            if (
                len(picked) < N_QUOTES
                and i not in picked
                and (repeat_place or (p.talk or p.source) not in places)
                and (moderation or p.kind != "moderation")
            ):
                picked.append(i)
    return [_best_sentence(analysed[i], docs[analysed[i].id], weights, exclude) for i in picked]


def _best_sentence(p: Passage, doc: Doc, weights: dict, exclude) -> ThemeQuote:
    """The passage's sentence densest in the theme's terms, or the whole passage."""
    spans = [
        (a + len(p.text[a:b]) - len(p.text[a:b].lstrip()), b) for a, b in sentence_spans(p.text)
    ]
    start, end = 0, len(p.text.rstrip())
    if len(spans) > 1:
        offsets = [p.clean_to_text(token.idx) for token in doc]
        best = 0.0
        for a, b in spans:
            n = count_words(p.text[a:b])
            if n < MIN_QUOTE_WORDS:
                continue
            tokens = [t for t, at in zip(doc, offsets, strict=True) if a <= at < b]
            score = sum(weights.get(t, 0.0) for t in content_terms(tokens, exclude).terms)
            if score / n**0.5 > best:
                best, start, end = score / n**0.5, a, b
    return ThemeQuote(
        p.text[start:end],
        p.id,
        p.speaker,
        p.source,
        p.start_char + start,
        p.start_char + end,
        p.talk,
    )


def _recurrence(members: list[Passage], event: Event | None) -> Recurrence:
    def unique(values):
        return tuple(sorted({v for v in values if v}))

    sessions = []
    if event is not None:
        sessions = [getattr(event.item(p.talk), "session", "") for p in members if p.talk]
    return Recurrence(
        talks=unique(p.talk for p in members),
        sessions=unique(sessions),
        speakers=unique(p.speaker for p in members),
        exchanges=unique(f"{p.talk}#{p.exchange}" for p in members if p.exchange is not None),
        sources=unique(p.source for p in members),
    )


def _labels_by_passage(taggings) -> dict[str, tuple[str, ...]]:
    if taggings is None:
        return {}
    items = (
        taggings.items() if isinstance(taggings, Mapping) else ((t.passage_id, t) for t in taggings)
    )
    return {pid: tuple(getattr(value, "labels", value)) for pid, value in items}


def _objective_mix(member_ids: list[str], tagged: dict) -> tuple[tuple[str, float], ...]:
    """Share of the tagged members that carry each label."""
    labelled = [tagged[pid] for pid in member_ids if pid in tagged]
    if not labelled:
        return ()
    counts = Counter(label for labels in labelled for label in set(labels))
    return tuple(
        (label, round(n / len(labelled), 4))
        for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def _npmi(top: list[str], sets: list[frozenset]) -> float | None:
    """Mean normalised PMI of pairs of ``top`` terms, passages as co-occurrence windows."""
    n = len(sets)
    if len(top) < 2 or n < 2:
        return None
    df = {t: sum(t in s for s in sets) for t in top}
    values = []
    for a in range(len(top)):
        for b in range(a + 1, len(top)):
            joint = sum(top[a] in s and top[b] in s for s in sets) / n
            if joint == 0:
                values.append(-1.0)
            elif joint == 1:
                values.append(1.0)
            else:
                pmi = math.log(joint / (df[top[a]] / n * df[top[b]] / n))
                values.append(pmi / -math.log(joint))
    return float(np.mean(values))


def _k_choice(model: ThemeModel | None) -> str:
    if model is not None and model.n_themes is not None:
        return "fixé"
    return "silhouette et stabilité"


def _quality(model, analysed, themes=()) -> dict:
    coherences = [t.coherence for t in themes if t.coherence is not None]
    sizes = [len(t.passage_ids) for t in themes]

    def rounded(value):
        return None if value is None or np.isnan(value) else round(float(value), 4)

    return {
        "n_passages": len(analysed),
        "n_themes": len(themes),
        "k_choice": _k_choice(model),
        "silhouette": rounded(model.silhouette_) if model is not None else None,
        "stability_ari": rounded(model.stability_ari_) if model is not None else None,
        "coherence_npmi": rounded(np.mean(coherences)) if coherences else None,
        "largest_share": rounded(max(sizes) / sum(sizes)) if sizes else None,
        "k_scores": {str(k): rounded(v) for k, v in (model.scores_ if model else {}).items()},
        # Measured down the silhouette order until a stable k is found (ThemeModel.fit).
        "k_stabilities": {
            str(k): rounded(v) for k, v in (model.stabilities_ if model else {}).items()
        },
        "unassigned": int((model.labels_ < 0).sum()) if model is not None else len(analysed),
    }
