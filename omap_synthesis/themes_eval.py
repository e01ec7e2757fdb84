"""Theme discovery measured on real speech: FREDSum debates, their parts joined into one text.

Each FREDSum debate is cut into parts, one subject each (the subject is in the file name). The
parts of a debate are joined, in order, into a single transcript that goes through the normal
reader, so the clusterer sees one text and never a file boundary. Each passage is then given
the part its character span falls in, and the themes are scored against the parts (NMI, ARI).
Two baselines run on the same transcript: TF-IDF + k-means on speaker turns, and the same with
each turn averaged with its neighbours. The baselines, and the model in a second run, are given
the true number of parts; the model's first run chooses its own number of themes.
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize
from spacy.lang.fr.stop_words import STOP_WORDS
from threadpoolctl import threadpool_limits

from omap_synthesis.errors import InputError
from omap_synthesis.fredsum import transcript_dir
from omap_synthesis.ingest import ingest_file
from omap_synthesis.models import Passage
from omap_synthesis.nlp import parse_passages
from omap_synthesis.themes import find_themes

# The smoothed baseline gets its best window: among 1, 2, 3 and 5 turns on each side, 3 scored
# best on the FREDSum development debates (mean NMI 0.40, 0.57, 0.63, 0.63).
BASELINE_WINDOW = 3
SYSTEMS = ("model_own_k", "model_true_k", "baseline_turns", "baseline_turns_smoothed")
_PART = re.compile(r"Partie_(\d+)((?:_\d+)*)(?:_|$)")


@dataclass(frozen=True)
class Debate:
    """A FREDSum debate: its parts in order."""

    name: str
    parts: tuple[Path, ...]


def part_order(path: Path) -> tuple[int, ...]:
    """Order of a part from its file name (``Partie_6_1_Education`` → ``(6, 1)``).

    Examples
    --------
    >>> part_order(Path("Macron_Lepen_2--Partie_10_Laicite.txt"))
    (10,)
    >>> part_order(Path("Macron_Lepen_1--Partie_1_2_35h.txt"))
    (1, 2)
    """
    match = _PART.search(path.stem.split("--")[-1])
    if match is None:
        raise InputError(path, "nom de partie FREDSum sans « Partie_N »")
    return (int(match.group(1)), *(int(n) for n in match.group(2).split("_") if n))


def load_debates(directory: str | Path, limit: int | None = None) -> list[Debate]:
    """Debates of a FREDSum folder with at least two parts.

    Parameters
    ----------
    directory : path
        A folder with a ``transcript/`` sub-folder of ``<Debate>--Partie_N_<Theme>.txt`` files.
    limit : int, optional
        Keep the first ``limit`` debates by name.

    Returns
    -------
    list of Debate
        Sorted by name, each with its parts in order.
    """
    transcripts = transcript_dir(directory)
    parts: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(transcripts.glob("*--*.txt")):
        parts[path.stem.split("--")[0]].append(path)
    debates = [
        Debate(name, tuple(sorted(files, key=part_order)))
        for name, files in sorted(parts.items())
        if len(files) >= 2
    ]
    if not debates:
        raise InputError(Path(directory), "aucun débat en plusieurs parties")
    return debates[:limit] if limit else debates


def join_parts(debate: Debate) -> tuple[str, list[tuple[int, int]]]:
    """The parts' texts joined by a blank line, in order, read as the reader reads them.

    Parameters
    ----------
    debate : Debate

    Returns
    -------
    text : str
    bounds : list of (int, int)
        Each part's character span in ``text``.
    """
    text, bounds = "", []
    for path in debate.parts:
        part = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").strip()
        if text:
            text += "\n\n"
        bounds.append((len(text), len(text) + len(part)))
        text += part
    return text + "\n", bounds


def part_of(passage: Passage, bounds: list[tuple[int, int]]) -> int:
    """Index of the part holding most of the passage's character span.

    Examples
    --------
    >>> p = Passage("p", "d.txt", None, None, "", "", 9, 16)
    >>> part_of(p, [(0, 10), (12, 20)])
    1
    """
    overlaps = [min(b, passage.end_char) - max(a, passage.start_char) for a, b in bounds]
    return int(np.argmax(overlaps))


def baseline_labels(
    passages: list[Passage], k: int, window: int = 0, random_state: int = 0
) -> np.ndarray:
    """The baseline: TF-IDF + k-means on speaker turns, each turn's cluster given to its passages.

    Parameters
    ----------
    passages : list of Passage
        Passages of one source, in order; ``turn`` groups them into speaker turns.
    k : int
        Number of clusters (fewer when there are fewer distinct turns).
    window : int
        Each turn vector is averaged with ``window`` turns on each side (0: no smoothing).
    random_state : int

    Returns
    -------
    ndarray of int
        The cluster of each passage.
    """
    turns = list(dict.fromkeys(p.turn for p in passages))
    index = {t: i for i, t in enumerate(turns)}
    texts = [""] * len(turns)
    for p in passages:
        texts[index[p.turn]] += " " + p.text
    stop = sorted(w for w in STOP_WORDS if re.fullmatch(r"\w\w+", w))
    vectors = TfidfVectorizer(stop_words=stop, sublinear_tf=True).fit_transform(texts)
    if window:
        n = len(turns)
        offsets = range(-window, window + 1)
        band = sp.diags([np.ones(n - abs(d)) for d in offsets], list(offsets))
        vectors = normalize(band @ vectors)
    # Turns left empty by the stop words are identical: k-means cannot make more clusters than
    # there are distinct turns.
    k = min(k, len(np.unique(np.round(vectors.toarray(), 9), axis=0)))
    with threadpool_limits(1):
        turn_labels = KMeans(k, n_init=10, random_state=random_state).fit_predict(vectors)
    return np.array([turn_labels[index[p.turn]] for p in passages])


def _scores(truth: np.ndarray, labels) -> dict[str, float]:
    labels = np.asarray(labels)
    return {
        "nmi": float(normalized_mutual_info_score(truth, labels)),
        "ari": float(adjusted_rand_score(truth, labels)),
    }


def evaluate_debate(debate: Debate, nlp, workdir: Path, random_state: int = 0) -> dict:
    """NMI and ARI of the model and the baselines against the parts of one debate.

    Parameters
    ----------
    debate : Debate
    nlp : Language
    workdir : Path
        Where the joined transcript is written before it is read back by the normal reader.
    random_state : int

    Returns
    -------
    dict
        ``debate``, ``parts``, ``passages``, ``k_true``, ``k_model`` and ``scores`` (per
        system: ``nmi``, ``ari``), every passage counted once.
    """
    text, bounds = join_parts(debate)
    path = workdir / f"{debate.name}.txt"
    path.write_text(text, encoding="utf-8")
    ingested = ingest_file(path)
    passages = ingested.passages
    if ingested.sources[path.name].text != text:
        raise InputError(path, "le texte lu diffère du texte assemblé")
    docs = parse_passages(nlp, passages)
    truth = np.array([part_of(p, bounds) for p in passages])
    k_true = len(debate.parts)
    own = find_themes(passages, docs, random_state=random_state)
    fixed = find_themes(passages, docs, n_themes=k_true, random_state=random_state)
    systems = {
        "model_own_k": [own.assignment.get(p.id, "-") for p in passages],
        "model_true_k": [fixed.assignment.get(p.id, "-") for p in passages],
        "baseline_turns": baseline_labels(passages, k_true, 0, random_state),
        "baseline_turns_smoothed": baseline_labels(passages, k_true, BASELINE_WINDOW, random_state),
    }
    return {
        "debate": debate.name,
        "parts": [p.stem.split("--")[-1] for p in debate.parts],
        "passages": len(passages),
        "k_true": k_true,
        "k_model": own.quality["n_themes"],
        "scores": {name: _scores(truth, labels) for name, labels in systems.items()},
    }


def evaluate_themes(directory: str | Path, limit: int | None = None, nlp=None) -> dict:
    """Evaluate theme discovery on the debates of a FREDSum folder.

    Parameters
    ----------
    directory : path
        FREDSum folder (with ``transcript/``); read only here, never by the pipeline.
    limit : int, optional
        Only the first ``limit`` debates by name.
    nlp : Language, optional
        Defaults to ``load_nlp()``.

    Returns
    -------
    dict
        ``debates`` (``evaluate_debate`` rows), ``mean`` (per system, NMI and ARI averaged over
        debates), ``mean_abs_k_error`` and ``settings``.
    """
    from omap_synthesis.nlp import load_nlp

    nlp = nlp or load_nlp()
    with tempfile.TemporaryDirectory(prefix="omap-themes-") as tmp:
        rows = [evaluate_debate(d, nlp, Path(tmp)) for d in load_debates(directory, limit)]
    mean = {
        name: {m: float(np.mean([r["scores"][name][m] for r in rows])) for m in ("nmi", "ari")}
        for name in SYSTEMS
    }
    return {
        "debates": rows,
        "mean": mean,
        "mean_abs_k_error": float(np.mean([abs(r["k_model"] - r["k_true"]) for r in rows])),
        "settings": {
            "unit": "passage",
            "baseline_k": "nombre réel de parties",
            "baseline_window_turns": BASELINE_WINDOW,
            "random_state": 0,
        },
    }
