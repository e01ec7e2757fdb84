"""Theme tagging of real French debate speech (FREDSum), against a TF-IDF baseline.

Gold: every speaker turn of at least --min-words words of a FREDSum development segment gets the
theme of its file (``data/gold/fredsum-codebook.yaml`` maps file themes to labels; vague themes
are dropped). Systems, measured in the same run:

- baseline: TF-IDF over words (IDF from the label texts and the turns), nearest label text
  (name, description, terms), one label per turn;
- tagger: ``CodebookTagger`` with its default parameters (set on the OMAP tuning half, never on
  FREDSum), each turn alone, its own multi-label decision; and its best-scored label (top-1);
- tagger + context: consecutive turns of one segment lend each other context (``groups``).

Scores: macro-F1 over the labels (``omap_synthesis.tag_eval``) and accuracy of the top-1 label.

Usage::

    python benchmarks/tag_fredsum.py --fredsum ../shared/data/fredsum-dev [--min-words 25]

``--max-terms N`` keeps the first N terms of each label (the schema allows few terms, or none):
the tagger then also matches the terms it reads off each description
(``tag_index.description_terms``).

The corpus path may also come from $OMAP_FREDSUM_DIR; without it the script says so and stops.
FREDSum: Rennard, Shang, Grari, Hunter, Vazirgiannis (2023), linagora-labs/FREDSum, CC BY-SA 4.0.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer

from omap_synthesis.config import DATA_DIR
from omap_synthesis.event import load_codebook
from omap_synthesis.ingest import ingest_file
from omap_synthesis.nlp import load_nlp, parse
from omap_synthesis.segment import count_words
from omap_synthesis.tag import CodebookTagger
from omap_synthesis.tag_eval import evaluate
from omap_synthesis.tag_index import profile_text

CODEBOOK = DATA_DIR / "gold" / "fredsum-codebook.yaml"


def file_theme(path: Path) -> str:
    """``Debate--Partie_6_2_Islam_Ecole.txt`` → ``Islam_Ecole``."""
    return re.sub(r"^Partie_\d+(?:_\d+)?_", "", path.stem.split("--", 1)[1])


def build_gold(transcripts: Path, codebook_path: Path, min_words: int) -> list[dict]:
    """Speaker turns of the mapped segments, each labelled with its file's theme."""
    raw = yaml.safe_load(codebook_path.read_text(encoding="utf-8"))
    mapping = {theme: lab["id"] for lab in raw["labels"] for theme in lab.get("themes", [])}
    gold = []
    for path in sorted(transcripts.glob("*.txt")):
        label = mapping.get(file_theme(path))
        if label is None:
            continue
        turns: dict[int, list[str]] = {}
        for p in ingest_file(path).passages:
            turns.setdefault(p.turn, []).append(p.clean)
        for turn, parts in sorted(turns.items()):
            text = " ".join(parts)
            if count_words(text) >= min_words:
                gold.append(
                    {
                        "id": f"{path.stem}#{turn}",
                        "segment": path.stem,
                        "text": text,
                        "label": label,
                    }
                )
    return gold


def baseline(gold: list[dict], codebook) -> list[tuple[str, ...]]:
    """Nearest label text by TF-IDF cosine (one label; none when nothing is shared)."""
    labels = [profile_text(codebook, label_id) for label_id in codebook.ids]
    vectorizer = TfidfVectorizer(token_pattern=r"(?u)\b\w\w+\b", sublinear_tf=True)
    vectorizer.fit(labels + [g["text"] for g in gold])
    sims = vectorizer.transform([g["text"] for g in gold]) @ vectorizer.transform(labels).T
    sims = sims.toarray()
    return [(codebook.ids[int(row.argmax())],) if row.max() > 0 else () for row in sims]


def top1(scores: dict[str, float]) -> tuple[str, ...]:
    best = max(scores, key=scores.get)
    return (best,) if scores[best] > 0 else ()


def report(name: str, gold: list[dict], predicted: list[tuple[str, ...]], codebook) -> None:
    result = evaluate([{g["label"]} for g in gold], predicted, codebook)
    top = result.macro_top
    accuracy = np.mean(
        [g["label"] in p and len(p) == 1 for g, p in zip(gold, predicted, strict=True)]
    )
    mean_labels = np.mean([len(p) for p in predicted])
    print(
        f"{name:34} macro-F1 {top.f1:.3f}  (P {top.precision:.3f}, R {top.recall:.3f})  "
        f"exactement juste {accuracy:.3f}  labels/tour {mean_labels:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fredsum", type=Path, default=os.environ.get("OMAP_FREDSUM_DIR"))
    parser.add_argument("--codebook", type=Path, default=CODEBOOK)
    parser.add_argument("--min-words", type=int, default=25)
    parser.add_argument("--detail", action="store_true", help="F1 de chaque thème")
    parser.add_argument(
        "--max-terms",
        type=int,
        help="ne garder que les N premiers termes de chaque label (0 : noms et descriptions seuls)",
    )
    args = parser.parse_args()
    if args.fredsum is None:
        print("FREDSum introuvable : --fredsum DIR ou $OMAP_FREDSUM_DIR (benchmark non lancé).")
        return 0
    codebook = load_codebook(args.codebook)
    if args.max_terms is not None:
        labels = tuple(
            dataclasses.replace(lab, terms=lab.terms[: args.max_terms]) for lab in codebook.labels
        )
        codebook = dataclasses.replace(codebook, labels=labels)
    gold = build_gold(Path(args.fredsum) / "transcript", args.codebook, args.min_words)
    if not gold:
        print(
            f"Aucun tour de parole dans {Path(args.fredsum) / 'transcript'} (benchmark non lancé)."
        )
        return 1
    segments = sorted({g["segment"] for g in gold})
    print(
        f"{len(gold)} tours de parole (≥ {args.min_words} mots), {len(segments)} segments, "
        f"{len({g['label'] for g in gold})} thèmes."
    )
    nlp = load_nlp()
    start = time.perf_counter()
    docs = []
    for segment in segments:
        docs += parse(nlp, [g["text"] for g in gold if g["segment"] == segment])
    print(
        f"analyse spaCy : {time.perf_counter() - start:.1f} s (cache disque compris)",
        file=sys.stderr,
    )
    ids = [g["id"] for g in gold]
    tagger = CodebookTagger(codebook)
    alone = tagger.tag(docs, ids)
    context = tagger.tag(docs, ids, groups=[g["segment"] for g in gold])
    report("référence TF-IDF (plus proche)", gold, baseline(gold, codebook), codebook)
    report("marqueur, décision multi-label", gold, [t.labels for t in alone], codebook)
    report("marqueur, meilleur label (top-1)", gold, [top1(t.scores) for t in alone], codebook)
    report("marqueur + contexte, multi-label", gold, [t.labels for t in context], codebook)
    report("marqueur + contexte, top-1", gold, [top1(t.scores) for t in context], codebook)
    adapted = CodebookTagger(codebook).fit(docs).tag(docs, ids)
    report("marqueur ajusté (IDF), multi-label", gold, [t.labels for t in adapted], codebook)
    report("marqueur ajusté (IDF), top-1", gold, [top1(t.scores) for t in adapted], codebook)
    if args.detail:
        print("\nF1 par thème (référence TF-IDF / marqueur multi-label), effectif :")
        base = evaluate([{g["label"]} for g in gold], baseline(gold, codebook), codebook)
        ours = evaluate([{g["label"]} for g in gold], [t.labels for t in alone], codebook)
        for b, o in zip(base.labels, ours.labels, strict=True):
            print(f"  {b.label:20} {b.f1 or 0:.2f} / {o.f1 or 0:.2f}  ({b.support})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
