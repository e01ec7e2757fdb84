"""Split speaker turns into passages (a few sentences each) and passages into sentences."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache

from omap_synthesis.clean import analysed, apply_removals, artefact_spans
from omap_synthesis.config import MAX_SENTENCES_PER_PASSAGE, UNPUNCTUATED_WORDS
from omap_synthesis.models import Passage, SourceText, Turn, grouped_digits

MAX_WORDS_PER_PASSAGE = 140
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\S+")
_LINE_BREAK = re.compile(r"\n\s*")
# Punctuation a transcriber writes: sentence ends, and the commas, semicolons and colons of a
# long sentence.
_PUNCTUATION = re.compile(r"[.!?…,;:](?=[\s»”)\]]|$)")


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
    # spaCy's limit guards the memory of a parser; a tokenizer and a sentencizer need little,
    # and a source within the size limit may be one line of a million characters.
    nlp.max_length = 10**9
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
        # Nor does a sentence open or close on white space: the line break between two
        # subtitles that the sentencizer hangs on the next sentence is no part of it.
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """``text[a:b]`` cut at word boundaries into runs of at most ``MAX_WORDS_PER_PASSAGE``
    words when it is a sentence of more than twice that (a transcript without punctuation):
    a passage stays short enough to parse. The longest sentence of the FREDSum transcripts has
    228 words."""
    if count_words(text[a:b]) <= 2 * MAX_WORDS_PER_PASSAGE:
        return [(a, b)]
    starts = [m.start() for m in _TOKEN.finditer(text, a, b)][::MAX_WORDS_PER_PASSAGE]
    pieces = []
    for start, end in zip(starts, [*starts[1:], b], strict=True):
        while end > start and text[end - 1].isspace():
            end -= 1
        pieces.append((a if not pieces else start, end))
    return pieces


def _chunks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Group consecutive sentences into passages of bounded length."""
    chunks, current, words = [], [], 0
    for a, b in (piece for span in spans for piece in _pieces(text, *span)):
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


def _sentence_breaks(text: str, spans, a: int, b: int) -> list[int]:
    """Offsets in ``text[a:b]`` of the line breaks between two of its sentences (``spans``)."""
    inside = [(x, y) for x, y in spans if a <= x and y <= b]
    found = (text.rfind("\n", end, start) for (_, end), (start, _) in itertools.pairwise(inside))
    return [n - a for n in found if n >= 0]


def _clean(body: str, removed: tuple[tuple[int, int], ...], breaks: list[int]) -> str:
    """The analysed text of a passage: ``body`` without the ``removed`` spans, read as the
    analysis reads a text (``clean.analysed``), but for the line breaks at ``breaks``
    (offsets in ``body``)."""
    clean = list(analysed(apply_removals(body, list(removed))))
    for n in breaks:
        if not any(x <= n < y for x, y in removed):
            clean[n - sum(y - x for x, y in removed if y <= n)] = "\n"
    return "".join(clean)


def _time_range(times, a: int, b: int) -> tuple[float | None, float | None]:
    """Start and end of ``[a, b)`` from the timed units it overlaps; the end is ``None`` when one
    of them has no known end.

    Inside a unit with a known end, time is read in proportion to the characters: a passage in
    the middle of ten minutes between two clock stamps (« [00:01:35] … [00:11:40] ») is dated
    about five minutes in, not at the block's start.
    """
    inside = [(ca, cb, t0, t1) for ca, cb, t0, t1 in times if ca < b and cb > a]
    if not inside:
        return None, None

    def at(unit, offset: int) -> float:
        ca, cb, t0, t1 = unit
        if t1 is None or cb <= ca:
            return t0
        return round(t0 + (t1 - t0) * (min(max(offset, ca), cb) - ca) / (cb - ca), 1)

    first, last = min(inside, key=lambda u: u[0]), max(inside, key=lambda u: u[1])
    ends = [u[3] for u in inside]
    return at(first, a), None if None in ends else at(last, b)


def punctuation(source: SourceText) -> tuple[int, int]:
    """Words of speech of ``source`` and punctuation marks among them (full stop, question or
    exclamation mark, comma, semicolon, colon)."""
    speech = [source.text[t.start_char : t.end_char] for t in source.turns]
    return sum(map(count_words, speech)), sum(len(_PUNCTUATION.findall(s)) for s in speech)


def unpunctuated(source: SourceText) -> bool:
    """Whether ``source`` is a transcript without punctuation (the output of some speech
    recognisers, automatic captions): fewer than one punctuation mark per
    ``UNPUNCTUATED_WORDS`` words of speech (``punctuation``). A punctuated text with a long
    sentence has its commas."""
    return _too_few(*punctuation(source))


def _too_few(words: int, marks: int) -> bool:
    return words >= UNPUNCTUATED_WORDS and words > marks * UNPUNCTUATED_WORDS


def unpunctuated_remark(source: SourceText) -> str | None:
    """The French remark that says ``source`` was read as a transcript without punctuation
    (``unpunctuated``), or ``None``."""
    words, marks = punctuation(source)
    if not _too_few(words, marks):
        return None
    rate = (
        f"un signe pour {grouped_digits(words // marks)} mots"
        if marks
        else f"aucun signe en {grouped_digits(words)} mots"
    )
    return (
        f"transcription sans ponctuation ({rate}) : une phrase par sous-titre, segment ou "
        "ligne ; recommandations et citations à vérifier"
    )


def _line_starts(text: str, turn: Turn) -> list[int]:
    """Where a new line of speech starts inside ``turn`` (offsets in ``text``): each subtitle
    cue or Whisper segment after the first (the lines of one cue belong together), or else each
    line after the first."""
    if len(turn.times) > 1:
        return [a for a, _, _, _ in turn.times[1:]]
    return [m.end() for m in _LINE_BREAK.finditer(text, turn.start_char, turn.end_char)]


def turn_sentences(source: SourceText) -> list[list[tuple[int, int]]]:
    """Sentence spans (``sentence_spans``) of every turn of ``source``, in turn order.

    In a transcript without punctuation (``unpunctuated``) a whole talk would be one sentence:
    there, each cue, segment or line also starts a sentence.
    """
    text = source.text
    sentences = [sentence_spans(text, t.start_char, t.end_char) for t in source.turns]
    if not unpunctuated(source):
        return sentences
    out = []
    for turn, spans in zip(source.turns, sentences, strict=True):
        starts = _line_starts(text, turn)
        cut = []
        for a, b in spans:
            inside = [s for s in starts if a < s < b]
            for start, end in zip([a, *inside], [*inside, b], strict=True):
                while end > start and text[end - 1].isspace():
                    end -= 1
                if end > start:
                    cut.append((start, end))
        out.append(cut)
    return out


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
    # Without punctuation, the line breaks that end sentences stay in the analysed text.
    breaks = unpunctuated(source)
    number = 0
    for t_index, turn in enumerate(source.turns):
        removed, counts = artefact_spans(text, turn.start_char, turn.end_char)
        removed_counts.update(counts)
        kind, exchange = classify(t_index, turn) if classify else ("talk", None)
        for a, b in _chunks(text, sentences[t_index]):
            number += 1
            rel = tuple((max(x, a) - a, min(y, b) - a) for x, y in removed if x < b and y > a)
            body = text[a:b]
            kept = _sentence_breaks(text, sentences[t_index], a, b) if breaks else []
            clean = _clean(body, rel, kept)
            if not _WORD.search(clean):
                # « [Applaudissements] », a subtitler's credit: nothing was said. The count of
                # what cleaning removed accounts for it; the number is not given to another.
                continue
            start, end = _time_range(turn.times, a, b)
            passages.append(
                Passage(
                    id=f"{source_id}-{number:04d}",
                    source=source.name,
                    talk=talk,
                    speaker=turn.speaker,
                    text=body,
                    clean=clean,
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
