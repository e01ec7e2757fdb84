"""Stage caches: keyed by content and code, corrupt or stale entries rebuilt, French patterns."""

from __future__ import annotations

import re

import pytest

from omap_synthesis import caching
from omap_synthesis.models import Passage


def _count():
    calls = []

    def compute():
        calls.append(1)
        return {"valeur": len(calls)}

    return calls, compute


def test_result_is_computed_once_then_read(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls, compute = _count()
    key = caching.digest("essai", "un texte")
    assert caching.cached("essai", key, compute) == {"valeur": 1}
    assert caching.cached("essai", key, compute) == {"valeur": 1}
    assert len(calls) == 1


def test_corrupt_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls, compute = _count()
    key = caching.digest("essai", "corrompu")
    caching.cached("essai", key, compute)
    (path,) = (tmp_path / "omap-synthesis" / "stages" / "essai").glob("*.pickle")
    path.write_bytes(b"pas un pickle")
    assert caching.cached("essai", key, compute) == {"valeur": 2}
    assert caching.cached("essai", key, compute) == {"valeur": 2}
    assert len(calls) == 2


def test_entry_holding_another_key_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key, other = caching.digest("a"), caching.digest("b")
    caching.store("essai", other, "résultat d'une autre entrée")
    path = tmp_path / "omap-synthesis" / "stages" / "essai"
    (path / f"{other}.pickle").rename(path / f"{key}.pickle")
    assert caching.load("essai", key, "absent") == "absent"
    assert caching.cached("essai", key, lambda: "recalculé") == "recalculé"


def test_disabled_cache_neither_reads_nor_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls, compute = _count()
    key = caching.digest("essai", "désactivé")
    with caching.disabled():
        caching.cached("essai", key, compute)
        caching.cached("essai", key, compute)
    assert len(calls) == 2
    assert not (tmp_path / "omap-synthesis" / "stages").exists()


def test_keys_follow_the_code_and_resources(monkeypatch):
    key = caching.digest("même entrée")
    monkeypatch.setattr(caching, "fingerprint", lambda: "autre version du code")
    assert caching.digest("même entrée") != key


def test_fingerprint_covers_resources():
    from omap_synthesis.config import RESOURCES_DIR

    assert RESOURCES_DIR.is_dir() and len(caching.fingerprint()) == 64


def test_digest_is_order_stable_and_content_sensitive():
    def passage(text: str) -> Passage:
        return Passage("a-0001", "a.md", "conf-1", "X", text, text, 0, len(text))

    assert caching.digest({"b": 1, "a": {2, 1}}) == caching.digest({"a": {1, 2}, "b": 1})
    assert caching.digest([passage("Un texte.")]) == caching.digest([passage("Un texte.")])
    assert caching.digest([passage("Un texte.")]) != caching.digest([passage("Un autre.")])
    with pytest.raises(TypeError):
        caching.digest(object())


def test_old_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for n in range(5):
        caching.store("essai", caching.digest(n), n, keep=3)
    assert len(list((tmp_path / "omap-synthesis" / "stages" / "essai").glob("*.pickle"))) == 3


# A pattern above the size from which compiled code is kept (spaCy's French one is 1.4 M chars).
LARGE = "(?i)" + "|".join(f"mot{n}[a-zé]+" for n in range(12_000))


@pytest.fixture
def fresh_regexes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(caching, "_regexes", {})
    re.purge()
    yield tmp_path / "omap-synthesis" / "regex"
    re.purge()


@pytest.mark.skipif(not caching._warm_supported(), reason="CPython 3.11 seulement")
def test_large_pattern_is_compiled_once_across_processes(fresh_regexes, monkeypatch):
    assert len(LARGE) > caching._LARGE
    with caching.large_regexes():
        first = re.compile(LARGE)
    assert list(fresh_regexes.glob("*.pickle"))
    # A new process: nothing in memory, the code comes from the file, nothing is compiled.
    monkeypatch.setattr(caching, "_regexes", {})
    re.purge()

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(re._compiler, "_code", refuse)
    with caching.large_regexes():
        again = re.compile(LARGE)
    assert again is not first and again.pattern == first.pattern and again.flags == first.flags
    for word in ("MOT42abc", "mot11999é", "mot12000a", "mot7"):
        assert bool(again.match(word)) == bool(first.match(word)), word


@pytest.mark.skipif(not caching._warm_supported(), reason="CPython 3.11 seulement")
def test_corrupt_pattern_file_means_compiling_again(fresh_regexes, monkeypatch):
    with caching.large_regexes():
        first = re.compile(LARGE)
    (path,) = fresh_regexes.glob("*.pickle")
    path.write_bytes(b"\x80\x04pas un pickle")
    monkeypatch.setattr(caching, "_regexes", {})
    re.purge()
    with caching.large_regexes():
        again = re.compile(LARGE)
    assert bool(again.match("mot5abc")) and not again.match("mot5")
    assert again.pattern == first.pattern
    # The file is whole again.
    assert caching._read_regexes()


@pytest.mark.skipif(not caching._warm_supported(), reason="CPython 3.11 seulement")
def test_tampered_pattern_entry_is_not_used(fresh_regexes, monkeypatch):
    import pickle

    with caching.large_regexes():
        re.compile(LARGE)
    (path,) = fresh_regexes.glob("*.pickle")
    (entry,) = pickle.loads(path.read_bytes())
    other = "(?i)" + "|".join(f"autre{n}" for n in range(20_000))
    path.write_bytes(pickle.dumps([(other, *entry[1:])]))
    monkeypatch.setattr(caching, "_regexes", {})
    re.purge()
    with caching.large_regexes():
        again = re.compile(other)
    assert again.match("autre7") and not again.match("mot5abc")


@pytest.mark.parametrize(
    ("word", "kept_whole"),
    [("faux-vampire", True), ("entr'abat", True), ("saut-de-ski", True), ("guichet", False)],
)
def test_french_tokenizer_patterns_still_match(nlp, word, kept_whole):
    # The model's tokenizer uses the cached compiled form of spaCy's French token_match.
    assert bool(nlp.tokenizer.token_match(word)) is kept_whole
    assert len(nlp.tokenizer(word)) == 1
