"""The spaCy pipeline, loaded once per process, and an on-disk cache of parsed docs."""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Token

from omap_synthesis.config import DEFAULT_MODEL, UNPUNCTUATED_WORDS, cache_dir

log = logging.getLogger(__name__)
# Least time the parent waits for the forked parser once its own half is parsed (seconds).
CHILD_GRACE = 60.0


# Tokens after which a capitalised word starts a sentence, and tokens that never start one.
SENTENCE_ENDS = frozenset({".", "!", "?", "…", "..."})
_NEVER_START = frozenset({",", ";", ":", ")", "»"}) | SENTENCE_ENDS
# Marks that open the item of a list, on a line of its own.
_LIST_MARKERS = frozenset({"-", "–", "—", "•", "*"})
# A capital letter and its stop, one token: an initial, or a letter ending a sentence.
_INITIAL = re.compile(r"[A-ZÀ-Ý]\.")
# Parts of speech that open a sentence but never go on with a name after an initial.
_OPENERS = frozenset({"PRON", "CCONJ", "SCONJ", "ADV"})
# Marks inside a sentence, which a text without punctuation lacks too.
PAUSES = frozenset({",", ";", ":"})


@Language.component("omap_sentence_starts")
def sentence_starts(doc: Doc) -> Doc:
    """Sentence boundaries that transcripts make plain and the parser misses.

    Subtitles and line-broken transcripts cut sentences across lines, and the parser then runs
    a short sentence into the next one (« … pendant dix-huit mois. Quatrièmement, la qualité
    des données. » as one sentence). A capitalised word after a full stop, an exclamation or
    question mark and a space starts a sentence, and so does a list item (« - », « • » at the
    start of a line). In a text without punctuation (fewer than one full stop, question or
    exclamation mark, comma, semicolon or colon per ``UNPUNCTUATED_WORDS`` words), so does a
    word after a line break: the analysed text of such a transcript keeps a line break where a
    cue, a segment or a line ended (``segment.unpunctuated``). Spaces, the first word after
    leading spaces, a token written against the word before it
    (:func:`_glued`) and punctuation that closes or continues a sentence are marked as not
    starting one (the parser mostly follows; it still sets apart some leading spaces).
    Abbreviations (« M. », « etc. ») are single tokens and keep their word. Placed before the
    parser, which keeps these boundaries and decides the others.
    """
    words = sum(1 for t in doc if t.is_alpha)
    marks = sum(1 for t in doc if t.text in SENTENCE_ENDS or t.text in PAUSES)
    lines_end = words > UNPUNCTUATED_WORDS * marks
    for token in doc[1:]:
        if token.is_space or token.text in _NEVER_START or _glued(doc[token.i - 1]):
            token.is_sent_start = False
            continue
        before = token.i - 1
        while before > 0 and doc[before].is_space:
            before -= 1
        end = doc[before]
        if end.is_space:
            token.is_sent_start = False
        elif "\n" in doc[token.i - 1].text and (
            token.text in _LIST_MARKERS or lines_end and (token.is_alpha or token.is_digit)
        ):
            token.is_sent_start = True
        elif (
            token.is_alpha
            and token.text[:1].isupper()
            and end.text in SENTENCE_ENDS
            and (end.whitespace_ or before < token.i - 1)
        ):
            token.is_sent_start = True
        elif _INITIAL.fullmatch(end.text) and token.text[:1].isupper() and token.pos_ in _OPENERS:
            # « classés F et G. Nous demandons … »: the letter kept its stop as an initial
            # would (« J. Chirac »), but no name goes on with a pronoun or a conjunction.
            token.is_sent_start = True
    return doc


def _glued(before: Token) -> bool:
    """Whether the token after ``before`` is written against it, within one word: no space
    between them, and ``before`` does not end a sentence. The tokenizer cuts compounds the
    parser then reads as two sentences (« partenariat public » / « -privé »)."""
    return not before.whitespace_ and not before.is_space and before.text not in SENTENCE_ENDS


@Language.component("omap_compounds")
def compounds(doc: Doc) -> Doc:
    """Compounds the tokenizer cuts, made one phrase again after the parse.

    The French tokenizer splits « public-université », « aides-soignants » or « 55-19 » at the
    hyphen, and the parser then often hangs the hyphen and the second word on the verb (« nous
    proposons la création d'un observatoire du partenariat public » … « -université » as an
    object of « proposons »). In such a compound (words and hyphens written against each
    other, :func:`_glued`), every word whose head lies outside the compound is hung on its
    first word, and every hyphen on the word it joins, unless that would make a cycle; the
    first word keeps its own head.
    """
    k = 0
    while k < len(doc):
        end = k
        while (
            end + 2 < len(doc)
            and _part(doc[end], doc[k])
            and _glued(doc[end])
            and doc[end + 1].text == "-"
            and _glued(doc[end + 1])
            and _part(doc[end + 2], doc[k])
        ):
            end += 2
        if end > k:
            _hang_on_first(list(doc[k : end + 1]))
        k = end + 1
    return doc


def _part(token: Token, first: Token) -> bool:
    """A part of a compound that starts with ``first``: words (« public-privé »), or numbers
    (« la loi 55-19 », « le 49-3 »)."""
    return token.is_alpha if first.is_alpha else token.is_digit


def _hang_on_first(parts: list) -> None:
    """Hang the loose words of one compound (its tokens: word, hyphen, word …) on its first word,
    and each hyphen on the word it joins, so that the phrase of the first word reads the
    compound whole."""
    first, words, hyphens = parts[0], parts[2::2], parts[1::2]
    inside = {t.i for t in parts}
    loose = [t for t in words if t.head.i not in inside]
    above = {a.i for a in first.ancestors}
    if any(t.i in above for t in loose) or any(h.n_lefts + h.n_rights for h in hyphens):
        return
    for t in loose:
        t.head, t.dep_ = first, "flat"
    for h in hyphens:
        h.head, h.dep_ = h.nbor(1), "punct"


_UNITS = ("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
_TEENS = ("dix", "onze", "douze", "treize", "quatorze", "quinze", "seize")
_TENS = ("vingt", "trente", "quarante", "cinquante", "soixante")


@cache
def numeral_compounds() -> tuple[str, ...]:
    """The hyphenated numerals from 17 to 99 (« cinquante-quatre », « soixante-dix-sept »,
    « vingt et un » written « vingt-et-un » as the 1990 spelling allows).

    spaCy's French tokenizer keeps most of them whole but cuts some at the hyphen
    (« quarante-trois », « cinquante-quatre »), and the parser then hangs the parts anywhere:
    an action line kept « quatre pour cent » of « de cinquante-quatre pour cent ».
    """
    words = [f"dix-{u}" for u in ("sept", "huit", "neuf")]
    for ten in _TENS:
        words += [f"{ten}-et-un"] + [f"{ten}-{u}" for u in _UNITS[1:]]
    words += [f"soixante-{t}" for t in _TEENS] + ["soixante-et-onze"]
    words += [f"soixante-dix-{u}" for u in ("sept", "huit", "neuf")]
    words += ["quatre-vingts", "quatre-vingt"] + [f"quatre-vingt-{u}" for u in _UNITS]
    words += [f"quatre-vingt-{t}" for t in _TEENS]
    words += [f"quatre-vingt-dix-{u}" for u in ("sept", "huit", "neuf")]
    return tuple(words)


_VALUES = {w: k for k, w in enumerate(_UNITS, 1)} | {w: k for k, w in enumerate(_TEENS, 10)}
_VALUES |= {w: 10 * k for k, w in enumerate(_TENS, 2)} | {"zéro": 0}
_SCALES = {"mille": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9}
_DECIMAL = re.compile(r"\d+(?:[.,]\d+)?")
# Digits grouped by thousands (« 1 000 000 », « 12 500,5 »), once the spaces are single.
_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def numeral_value(text: str) -> str | None:
    """The value of a number written in digits or in words, in one word or several, the same
    for all (« 15 » and « quinze », « 5,5 » and « 5.5 », « soixante-dix-sept » and « 77 »,
    « deux cents » and « 200 », « 1 000 » and « mille », « 2,5 millions » and « 2500000 »);
    ``None`` for words that are no number, or not one (« deux trois », « 60 65 »).

    Examples
    --------
    >>> numeral_value("quatre-vingt-dix"), numeral_value("5,5"), numeral_value("ans")
    ('90', '5.5', None)
    >>> numeral_value("trois mille cinq cents"), numeral_value("1 000")
    ('3500', '1000')
    >>> numeral_value("2,5 millions"), numeral_value("deux trois")
    ('2500000', None)
    """
    text = _SPACES.sub(" ", text.lower()).strip()
    digits = re.match(r"[\d ,.]*\d", text)
    if digits:
        number = digits.group().strip()
        if not (_DECIMAL.fullmatch(number) or _GROUPED.fullmatch(number)):
            return None
        value = Decimal(number.replace(" ", "").replace(",", "."))
        for word in text[digits.end() :].split():  # « 2,5 millions », « 3 milliards »
            if word not in _SCALES:
                return None
            value *= 10 ** _SCALES[word]
        return format(value.normalize(), "f")
    return _words_value(re.split(r"[ -]", text))


def _words_value(words: list[str]) -> str | None:
    """The value of a number in words, its parts in order (« trois », « mille », « cinq »,
    « cents »): each part adds under the last (« vingt » then « cinq »), « cent » and the
    scales multiply what comes before them."""
    total, group, last, scale = 0, 0, None, None
    for word in words:
        if word == "et" and last in _TENS:  # « vingt et un », « soixante et onze »
            continue
        if word in {"vingt", "vingts"} and last == "quatre" and group % 100 == 4:
            group += 76
        elif word in {"cent", "cents"} and group < 10:
            group = max(group, 1) * 100
        elif word in _SCALES and (scale is None or _SCALES[word] < scale):
            scale = _SCALES[word]
            total, group = total + max(group, 1) * 10**scale, 0
        elif word in _VALUES and _fits(group, _VALUES[word]) and not (word == "zéro" and words[1:]):
            group += _VALUES[word]
        else:
            return None
        last = word
    return str(total + group) if last is not None else None


def _fits(group: int, value: int) -> bool:
    """Whether ``value`` adds under ``group`` as French numbers are said: a unit after a ten or
    a hundred, a ten after a hundred, « dix » to « dix-neuf » after « soixante » and
    « quatre-vingt » too."""
    if value < 10:
        return group % 10 == 0
    if value < 20:
        return group % 100 in {0, 60, 80}
    return group % 100 == 0


def numeral_values(tokens: Iterable[Token]) -> list[str]:
    """The values of the numbers among ``tokens`` (in text order), digits or words alike, a
    number said over several tokens read as one (« deux cents » is 200, not 2 and 100;
    « vingt-cinq mille », « 1 000 », « 2,5 millions »); neither the article « un », nor
    « cent » of « pour cent », nor « des millions ». Neighbours that make no one number
    (« 60 65 ») are read apart.
    """
    values, run = [], []
    for token in tokens:
        if run and token.i == run[-1].i + 1 and (_numeral(token) or _joins(token, run[-1])):
            run.append(token)
            continue
        values += _read(run)
        # « des millions de Français »: a plural scale says a number only after one.
        run = [token] if _numeral(token) and token.lower_ not in {"millions", "milliards"} else []
    return values + _read(run)


def _numeral(token: Token) -> bool:
    if token.pos_ == "DET" and token.lower_ in {"un", "une"}:
        return False
    if token.lower_.startswith("cent") and token.i and token.nbor(-1).lower_ == "pour":
        return False
    return numeral_value(token.text) is not None


def _joins(token: Token, before: Token) -> bool:
    """« et » between a ten and « un » or « onze », and that « un »: one number."""
    if token.lower_ == "et":
        following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        return (
            before.lower_ in _TENS and following is not None and following.lower_ in {"un", "onze"}
        )
    return before.lower_ == "et" and token.lower_ in {"un", "onze"}


def _read(run: list[Token]) -> list[str]:
    """The numbers of ``run``, each the longest that reads as one from where the last ended
    (« en 2022 150 000 emplois »: 2022, then 150000)."""
    values = []
    while run:
        for end in range(len(run), 0, -1):
            value = numeral_value(" ".join(t.text for t in run[:end]))
            if value is not None:
                values.append(value)
                break
        run = run[end:]
    return values


def _keep_numerals_whole(nlp: Language) -> None:
    for word in numeral_compounds():
        for form in {word, word.capitalize(), word.upper()}:
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])


def load_nlp(model: str | None = None) -> Language:
    """Load the French pipeline once per process (installed package, never downloaded), with
    :func:`sentence_starts` before its parser and :func:`compounds` after it."""
    return _load(model or DEFAULT_MODEL)


@cache
def _load(model: str) -> Language:
    from omap_synthesis.caching import large_regexes

    try:
        with large_regexes():
            nlp = spacy.load(model)
    except OSError:
        raise RuntimeError(
            f"Le modèle spaCy « {model} » n'est pas installé : lancez « pip install "
            f"{model.replace('_', '-')} » (il fait partie des dépendances du projet)."
        ) from None
    _keep_numerals_whole(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("omap_sentence_starts", before="parser")
        nlp.add_pipe("omap_compounds", after="parser")
    return nlp


@cache
def dictionary_words(model: str = DEFAULT_MODEL) -> frozenset[str]:
    """The words the pipeline's lemmatizer knows as nouns, adjectives, verbs or adverbs: French
    words that are not only names (« claire », « marine », not « pécresse »). Read from the
    installed package's tables (half a second, once per process); empty when it has none."""
    import srsly

    try:
        found = sorted(spacy.util.get_package_path(model).glob("*/lemmatizer/lookups/lookups.bin"))
    except (ModuleNotFoundError, OSError):
        found = []
    if not found:
        return frozenset()
    index = srsly.msgpack_loads(found[0].read_bytes()).get("lemma_index", {})
    return frozenset(word for words in index.values() for word in words)


@cache
def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words. Their package builds the French tokenizer exceptions when it is
    imported: several seconds of regex compilation outside ``caching.large_regexes``, so it is
    imported here, on first use, through that cache (never at a module's import)."""
    from omap_synthesis.caching import large_regexes

    with large_regexes():
        from spacy.lang.fr.stop_words import STOP_WORDS
    return frozenset(STOP_WORDS)


def model_key(nlp: Language) -> str:
    """Name, version and components of the pipeline, the version of this package's own
    component, and spaCy's version (cache keys)."""
    meta = nlp.meta
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"
    return f"{name}-{'+'.join(nlp.pipe_names)}-{_own_rules()}-spacy{spacy.__version__}"


@cache
def _own_rules() -> str:
    """Digest of the package's own components (:func:`sentence_starts`, :func:`compounds`),
    their word lists and the tokenizer's numerals: a parse depends on them."""
    source = (
        inspect.getsource(sentence_starts)
        + inspect.getsource(_glued)
        + inspect.getsource(compounds)
        + inspect.getsource(_hang_on_first)
        + repr(sorted(SENTENCE_ENDS | _NEVER_START | PAUSES | _LIST_MARKERS))
        + repr(numeral_compounds())
        + repr(UNPUNCTUATED_WORDS)
    )
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def _key(nlp: Language, texts: list[str], disable: tuple[str, ...] = ()) -> str:
    digest = hashlib.sha256()
    digest.update(model_key(nlp).encode())
    if disable:
        digest.update(("-" + ",".join(sorted(disable))).encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()


def parse(
    nlp: Language,
    texts: list[str],
    cache: bool = True,
    batch_size: int = 64,
    disable: tuple[str, ...] = (),
) -> list[Doc]:
    """Parse ``texts`` with ``nlp``, reusing the on-disk cache for this exact list of texts.

    A cache entry is keyed by the texts' content hash, the pipeline name and version, the
    spaCy version and the components left out (``disable``, e.g. ``("ner",)`` when no entity
    is read: the named-entity recogniser takes about 40 % of the parse). An entry that cannot
    be read or does not hold the same texts is rebuilt.
    """
    from omap_synthesis.caching import enabled

    cache = cache and enabled()
    path = cache_dir() / "docs" / f"{_key(nlp, texts, disable)}.spacy"
    if cache and path.exists():
        try:
            docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
            if [d.text for d in docs] == texts:
                return docs
            log.warning("cache de parse périmé, reconstruit : %s", path.name)
        except Exception:  # noqa: BLE001 - any unreadable entry is rebuilt, never trusted
            log.warning("cache de parse illisible, reconstruit : %s", path.name)
    docs = list(nlp.pipe(texts, batch_size=batch_size, disable=list(disable)))
    if cache:
        _store(path, docs)
    return docs


def _store(path: Path, docs: list[Doc]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{id(docs)}.tmp")
    DocBin(store_user_data=False, docs=docs).to_disk(tmp)
    tmp.replace(path)


def parse_passages(
    nlp: Language, passages, cache: bool = True, processes: int = 1
) -> dict[str, Doc]:
    """Parsed ``clean`` text of every passage, cached per source so a new file parses alone.

    With ``processes=2`` (and the cache on, on Linux), the sources not in the cache are shared
    with a forked copy of this process, which inherits the loaded pipeline and writes its parses
    to the cache: on two cores a cold run parses in about half the time. Each source is parsed
    exactly as in one process (same texts, same batches), so the parses are the same.
    """
    by_source: dict[str, list] = {}
    for p in passages:
        by_source.setdefault(p.source, []).append(p)
    groups = [[p.clean for p in group] for group in by_source.values()]
    if processes > 1 and cache:
        _parse_in_two(nlp, groups)
    docs: dict[str, Doc] = {}
    for group, texts in zip(by_source.values(), groups, strict=True):
        for p, doc in zip(group, parse(nlp, texts, cache=cache), strict=True):
            docs[p.id] = doc
    return docs


def _parse_in_two(nlp: Language, groups: list[list[str]]) -> None:
    """Fill the parse cache for ``groups``, half of them in a forked child process.

    The child only writes cache entries; whatever it fails to write is parsed by the caller.
    """
    from omap_synthesis.caching import enabled

    if not enabled() or not hasattr(os, "fork") or sys.platform != "linux":
        return
    missing = [t for t in groups if not (cache_dir() / "docs" / f"{_key(nlp, t)}.spacy").exists()]
    # Forking costs a few tens of milliseconds: not worth it for a few sentences.
    if len(missing) < 2 or sum(len(s) for t in missing for s in t) < 20_000:
        return
    # Largest first, each to the lighter side: two halves of about the same length.
    halves: tuple[list, list] = ([], [])
    for texts in sorted(missing, key=lambda t: -sum(map(len, t))):
        min(halves, key=lambda h: sum(len(s) for t in h for s in t)).append(texts)
    try:
        pid = os.fork()
    except OSError:
        return
    if pid == 0:  # the child: parse its half into the cache, then leave at once
        code = 0
        try:
            for texts in halves[1]:
                parse(nlp, texts)
        except BaseException:  # noqa: BLE001 - the parent parses what is missing
            code = 1
        finally:
            os._exit(code)
    started = time.monotonic()
    try:
        for texts in halves[0]:
            parse(nlp, texts)
    finally:
        _reap(pid, max(CHILD_GRACE, 3 * (time.monotonic() - started)))


def _reap(pid: int, timeout: float) -> bool:
    """Wait for the child; past ``timeout`` (it hangs, e.g. on a lock another thread held when
    it was forked) kill it: the caller parses whatever it did not write. True when killed."""
    deadline = time.monotonic() + timeout
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            log.warning("analyse parallèle abandonnée : le processus fils ne répond plus")
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return True
        time.sleep(0.02)
    return False
