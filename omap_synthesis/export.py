"""Tables and files written for researchers (passages table, manifest)."""

from __future__ import annotations

import json
import platform
from pathlib import Path

import pandas as pd

from omap_synthesis import __version__
from omap_synthesis.ingest import Ingested
from omap_synthesis.segment import count_words

PASSAGE_COLUMNS = [
    "passage_id",
    "event",
    "source",
    "talk",
    "session",
    "kind",
    "exchange",
    "turn",
    "speaker",
    "role",
    "institution",
    "start_char",
    "end_char",
    "start_s",
    "end_s",
    "words",
    "text",
    "clean",
]


def passages_frame(ingested: Ingested) -> pd.DataFrame:
    """One row per passage with its provenance and the programme's facts about its speaker."""
    event = ingested.event
    people = event.programme_people if event else {}
    rows = []
    for p in ingested.passages:
        item = event.item(p.talk) if event and p.talk else None
        person = people.get(p.speaker or "")
        rows.append(
            {
                "passage_id": p.id,
                "event": event.id if event else "",
                "source": p.source,
                "talk": p.talk or "",
                "session": item.session if item else "",
                "kind": p.kind,
                "exchange": p.exchange,
                "turn": p.turn,
                "speaker": p.speaker or "",
                "role": person.role if person else "",
                "institution": person.institution if person else p.affiliation,
                "start_char": p.start_char,
                "end_char": p.end_char,
                "start_s": p.start,
                "end_s": p.end,
                "words": count_words(p.text),
                "text": p.text,
                "clean": p.clean,
            }
        )
    frame = pd.DataFrame(rows, columns=PASSAGE_COLUMNS)
    return frame.astype({"exchange": "Int64"})


def write_table(frame: pd.DataFrame, folder: Path, stem: str, parquet: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / f"{stem}.csv", index=False, lineterminator="\n")
    if parquet:
        frame.to_parquet(folder / f"{stem}.parquet", index=False)


def versions() -> dict[str, str]:
    import sklearn
    import spacy

    return {
        "python": platform.python_version(),
        "omap-synthesis": __version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
    }


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
