"""How many true recommendations get a vague action line.

An action line is vague (``recommend._vague``) when nobody could carry it out as worded: a bare
verb (« Désigner »), a pronoun or no object (« Réformer » for « il faut le réformer »), an
opinion or an empty verb (« Penser que … »). In the draft such a recommendation keeps half its
score, so it is ranked late, and in the annex a line under ``CONCRETE_SCORE`` reads « action à
préciser ». For every sentence the
detector keeps in the gold files' sources, the script matches it by position to the gold and
prints, per gold file, how many of the detections labelled 1 have a vague line, by kind of cue
(``model``: the classifier kept a sentence the rules had no cue for). ``--show N`` prints N of
those vague lines, drawn with a fixed seed. ``--dump FILE`` writes every detection's line, one
a row (gold file, source, label, cue, vague, action and sentence), so that two versions of the
code can be compared line by line.

The sentences are those of training and reserved splits alike: the line does not depend on the
label, and no split is scored for detection here.

Usage::

    python benchmarks/action_lines.py --fredsum ../shared/data/fredsum-dev/transcript [--show 20]
        [--dump lines.tsv]

FREDSum: Rennard, Shang, Grari, Hunter, Vazirgiannis (2023), linagora-labs/FREDSum, CC BY-SA 4.0.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from omap_synthesis.config import DATA_DIR
from omap_synthesis.nlp import load_nlp, parse_passages
from omap_synthesis.recommend import _candidate, detect
from omap_synthesis.recommend_eval import read_gold, transcripts

GOLD = DATA_DIR / "gold"
EVENT = DATA_DIR / "omap-2022-10-20"


def _lines(gold_file: Path, directory: Path, nlp) -> list[tuple[int | None, str, bool, str, str]]:
    """(gold label, cue kind, vague, action + sentence, source) of every detection in the
    sources."""
    gold = read_gold(gold_file)
    found, missing = transcripts(directory, {r["file"] for r in gold})
    if missing:
        print(f"introuvables : {', '.join(missing)}")
    out = []
    for name, (passages, _) in sorted(found.items()):
        rows = [r for r in gold if r["file"] == name]
        for k, detection in enumerate(detect(passages, parse_passages(nlp, passages))):
            sentence = detection.sentence
            label = next(
                (
                    r["label"]
                    for r in rows
                    if min(r["end_char"], sentence.end_char)
                    > max(r["start_char"], sentence.start_char)
                ),
                None,
            )
            candidate = _candidate(detection, k)
            text = f"{candidate.action}  ←  {sentence.span.text.strip()}"
            out.append((label, detection.cues[0].kind, candidate.vague, text, name))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fredsum", type=Path, help="dossier des transcriptions FREDSum")
    parser.add_argument("--show", type=int, default=0, help="lignes vagues à afficher")
    parser.add_argument("--dump", type=Path, help="fichier TSV de toutes les lignes d'action")
    args = parser.parse_args()
    rows = []
    nlp = load_nlp()
    sets = [("recommendations-omap.jsonl", EVENT)]
    if args.fredsum:
        sets.append(("recommendations-fredsum.jsonl", args.fredsum))
    for gold_file, directory in sets:
        lines = _lines(GOLD / gold_file, directory, nlp)
        true = [line for line in lines if line[0] == 1]
        vague = [line for line in true if line[2]]
        kinds = Counter(line[1] for line in vague)
        share = len(vague) / len(true) if true else 0.0
        print(
            f"{gold_file}: {len(lines)} detections, {len(true)} labelled 1, of which "
            f"{len(vague)} vague ({share:.3f}); by cue: {dict(kinds.most_common())}"
        )
        for _, kind, _, text, _ in random.Random(0).sample(vague, min(args.show, len(vague))):
            print(f"  [{kind}] {text[:200]}")
        rows += [
            (gold_file, name, str(label), kind, str(int(is_vague)), " ".join(text.split()))
            for label, kind, is_vague, text, name in lines
        ]
    if args.dump:
        args.dump.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
