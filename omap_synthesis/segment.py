"""Split speaker turns into passages (a few sentences each) and passages into sentences."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from omap_synthesis.clean import apply_removals, artefact_spans, flowing
from omap_synthesis.config import MAX_SENTENCES_PER_PASSAGE
from omap_synthesis.models import Passage, SourceText

MAX_WORDS_PER_PASSAGE = 140
_WORD = re.compile(r"\w+")


def count_words(text: str) -> int:
    """Words are ``\\w+`` runs (the project's contract)."""
    return len(_WORD.findall(text))


@cache
def _sentencizer():
    import spacy

    from omap_synthesis.caching import large_regexes

    with large_regexes():
        nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    return nlp


_OPENERS = "([{«“"


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (punctuation-based, fast, model-free)."""
    end = len(text) if end is None else end
    doc = _sentencizer()(text[start:end])
    spans = []
    for sent in doc.sents:
        a = start + sent.start_char
        b = start + sent.end_char
        # An opening bracket or quotation mark the sentencizer leaves at the end of a sentence
        # opens the next one (« je sais le faire. (rires) Vingt minutes »).
        while spans and spans[-1][1] > spans[-1][0] + 1 and text[spans[-1][1] - 1] in _OPENERS:
            prev_a, prev_b = spans.pop()
            a, cut = prev_b - 1, prev_b - 1
            while cut > prev_a and text[cut - 1].isspace():
                cut -= 1
            spans.append((prev_a, cut))
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def _chunks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Group consecutive sentences into passages of bounded length."""
    chunks, current, words = [], [], 0
    for a, b in spans:
        n = count_words(text[a:b])
        if current and (
            len(current) >= MAX_SENTENCES_PER_PASSAGE or words + n > MAX_WORDS_PER_PASSAGE
        ):
            chunks.append((current[0][0], current[-1][1]))
            current, words = [], 0
        current.append((a, b))
        words += n
    if current:
        chunks.append((current[0][0], current[-1][1]))
    return chunks


def _time_range(times, a: int, b: int) -> tuple[float | None, float | None]:
    """Start and end of the timed units that ``[a, b)`` overlaps; the end is ``None`` when one
    of them has no known end."""
    inside = [(t0, t1) for ca, cb, t0, t1 in times if ca < b and cb > a]
    if not inside:
        return None, None
    ends = [t for _, t in inside]
    return min(t for t, _ in inside), None if None in ends else max(ends)


def turn_sentences(source: SourceText) -> list[list[tuple[int, int]]]:
    """Sentence spans (``sentence_spans``) of every turn of ``source``, in turn order."""
    return [sentence_spans(source.text, t.start_char, t.end_char) for t in source.turns]


def passages_from_source(
    source: SourceText,
    source_id: str,
    talk: str | None = None,
    classify=None,
    sentences: list[list[tuple[int, int]]] | None = None,
) -> tuple[list[Passage], Counter]:
    """Cut every turn of ``source`` into passages, with cleaning and provenance.

    ``classify(turn_index, turn) -> (kind, exchange)`` lets the caller label Q&A turns; the
    default is ``("talk", None)``. ``sentences`` are the turns' sentence spans when the caller
    has them already (``turn_sentences``, e.g. from a cache).
    """
    passages: list[Passage] = []
    removed_counts: Counter = Counter()
    text = source.text
    sentences = turn_sentences(source) if sentences is None else sentences
    for t_index, turn in enumerate(source.turns):
        removed, counts = artefact_spans(text, turn.start_char, turn.end_char)
        removed_counts.update(counts)
        kind, exchange = classify(t_index, turn) if classify else ("talk", None)
        for a, b in _chunks(text, sentences[t_index]):
            rel = tuple((max(x, a) - a, min(y, b) - a) for x, y in removed if x < b and y > a)
            body = text[a:b]
            start, end = _time_range(turn.times, a, b)
            passages.append(
                Passage(
                    id=f"{source_id}-{len(passages) + 1:04d}",
                    source=source.name,
                    talk=talk,
                    speaker=turn.speaker,
                    text=body,
                    clean=flowing(apply_removals(body, list(rel))),
                    start_char=a,
                    end_char=b,
                    start=start,
                    end=end,
                    turn=t_index,
                    kind=kind,
                    exchange=exchange,
                    removed=rel,
                    affiliation=turn.affiliation,
                )
            )
    return passages, removed_counts
