"""The spaCy pipeline, loaded once per process, and an on-disk cache of parsed docs."""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from omap_synthesis.config import DEFAULT_MODEL, cache_dir

log = logging.getLogger(__name__)


def load_nlp(model: str | None = None) -> Language:
    """Load the French pipeline once per process (installed package, never downloaded)."""
    return _load(model or DEFAULT_MODEL)


@cache
def _load(model: str) -> Language:
    try:
        return spacy.load(model)
    except OSError:
        raise RuntimeError(
            f"Le modèle spaCy « {model} » n'est pas installé : lancez « pip install "
            f"{model.replace('_', '-')} » (il fait partie des dépendances du projet)."
        ) from None


def model_key(nlp: Language) -> str:
    meta = nlp.meta
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}-{meta.get('version', '0')}"
    return f"{name}-spacy{spacy.__version__}"


def _key(nlp: Language, texts: list[str]) -> str:
    digest = hashlib.sha256()
    digest.update(model_key(nlp).encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode("utf-8")).digest())
    return digest.hexdigest()


def parse(nlp: Language, texts: list[str], cache: bool = True, batch_size: int = 64) -> list[Doc]:
    """Parse ``texts`` with ``nlp``, reusing the on-disk cache for this exact list of texts.

    A cache entry is keyed by the texts' content hash, the pipeline name and version and the
    spaCy version. An entry that cannot be read or does not hold the same texts is rebuilt.
    """
    path = cache_dir() / "docs" / f"{_key(nlp, texts)}.spacy"
    if cache and path.exists():
        try:
            docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
            if [d.text for d in docs] == texts:
                return docs
            log.warning("cache de parse périmé, reconstruit : %s", path.name)
        except Exception:  # noqa: BLE001 - any unreadable entry is rebuilt, never trusted
            log.warning("cache de parse illisible, reconstruit : %s", path.name)
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    if cache:
        _store(path, docs)
    return docs


def _store(path: Path, docs: list[Doc]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{id(docs)}.tmp")
    DocBin(store_user_data=False, docs=docs).to_disk(tmp)
    tmp.replace(path)


def parse_passages(nlp: Language, passages, cache: bool = True) -> dict[str, Doc]:
    """Parsed ``clean`` text of every passage, cached per source so a new file parses alone."""
    by_source: dict[str, list] = {}
    for p in passages:
        by_source.setdefault(p.source, []).append(p)
    docs: dict[str, Doc] = {}
    for group in by_source.values():
        for p, doc in zip(group, parse(nlp, [p.clean for p in group], cache=cache), strict=True):
            docs[p.id] = doc
    return docs
