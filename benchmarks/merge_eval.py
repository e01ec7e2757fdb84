"""Merging of near-duplicate recommendations, against the hand grouping of the merge gold.

For every detected recommendation sentence, the gold (``data/gold/merges-*.jsonl``, see
``data/gold/recommendations.md``) gives the group of sentences that propose the same action.
The score is pairwise: precision, recall and F1 of « same group » over the pairs of detected
sentences, over all of them and over the true recommendations only, with the number of
predicted cross-speaker pairs (and how many of them the gold also groups). Two mergers, in the
same run: lemma overlap of the actions alone (the merger before issue 6) and the current one.

The sample event is merged as the pipeline merges it, all sources together; FREDSum transcripts
one by one. The FREDSum part is held out: measure it once, at the end.

Usage::

    python benchmarks/merge_eval.py                      # tuning part (sample event)
    python benchmarks/merge_eval.py --heldout --fredsum ../shared/data/fredsum-dev/transcript

FREDSum: Rennard, Shang, Grari, Hunter, Vazirgiannis (2023), linagora-labs/FREDSum, CC BY-SA 4.0.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from omap_synthesis.config import DATA_DIR
from omap_synthesis.nlp import load_nlp
from omap_synthesis.recommend import _lexical_same, _same
from omap_synthesis.recommend_eval import (
    evaluate_merges,
    predicted_merges,
    read_merge_gold,
    transcripts,
)

GOLD = DATA_DIR / "gold"
EVENT = DATA_DIR / "omap-2022-10-20"
MERGERS = {"recouvrement lexical (avant)": _lexical_same, "fusion actuelle": _same}


def _figure(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}".replace(".", ",")


def report(title: str, gold: list[dict], found: dict, nlp, together: bool) -> None:
    print(f"\n## {title}")
    print(
        "| fusion | phrases | P / R / F1 (toutes) | P / R / F1 (recommandations) | "
        "paires inter-intervenants (justes) |"
    )
    print("|---|---|---|---|---|")
    for name, same in MERGERS.items():
        result = evaluate_merges(gold, predicted_merges(found, nlp, together, same))
        every, recs = (result["splits"]["all"][k] for k in ("detected", "recommendations"))
        prf = [
            " / ".join(_figure(s[k]) for k in ("precision", "recall", "f1")) for s in (every, recs)
        ]
        print(
            f"| {name} | {every['sentences']} | {prf[0]} | {prf[1]} | "
            f"{every['cross_speaker']} ({every['cross_speaker_correct']}) |"
        )
        if result["unmatched"]:
            print(f"  {result['unmatched']} lignes de référence sans phrase détectée")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--heldout", action="store_true", help="mesurer aussi la partie FREDSum")
    parser.add_argument("--fredsum", type=Path, default=os.environ.get("OMAP_FREDSUM_DIR"))
    args = parser.parse_args()
    nlp = load_nlp()
    gold = read_merge_gold(GOLD / "merges-omap.jsonl")
    found, _ = transcripts(EVENT, {r["file"] for r in gold})
    report("Événement d'exemple (réglage)", gold, found, nlp, together=True)
    if args.heldout:
        if args.fredsum is None:
            print("--fredsum (ou OMAP_FREDSUM_DIR) : dossier des transcriptions FREDSum requis")
            return 2
        gold = read_merge_gold(GOLD / "merges-fredsum.jsonl")
        found, missing = transcripts(args.fredsum, {r["file"] for r in gold})
        if missing:
            print("transcriptions introuvables : " + ", ".join(missing))
            return 2
        report("FREDSum (réservé)", gold, found, nlp, together=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
