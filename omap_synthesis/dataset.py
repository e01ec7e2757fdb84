"""A passage table written as it comes: CSV and Parquet appended chunk by chunk, then published.

Used by corpus mode, whose rows never sit in memory all at once. Everything goes to a hidden
folder beside the target, which replaces the target only once complete.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from omap_synthesis import export

# Columns of the per-event dataset that corpus mode does not compute (no themes, no
# recommendations over a corpus of unrelated sources).
NOT_IN_CORPUS = {"theme", "recommendation", "recommendation_ids"}
_TYPES = {
    "exchange": pa.int64(),
    "turn": pa.int64(),
    "start_char": pa.int64(),
    "end_char": pa.int64(),
    "words": pa.int64(),
    "tagged": pa.bool_(),
    "start_s": pa.float64(),
    "end_s": pa.float64(),
}
EVENT_DESCRIPTION = (
    "Identifiant de l'événement (`id` de event.yaml) ; pour une transcription isolée, nom de "
    "son dossier."
)
ROW_GROUP_ROWS = 5000


def corpus_columns(codebook=None) -> dict[str, str]:
    """Columns of the corpus table and their descriptions (scores only with a codebook)."""
    columns = {k: v for k, v in export.PASSAGE_COLUMNS.items() if k not in NOT_IN_CORPUS}
    columns["event"] = EVENT_DESCRIPTION
    for lab in codebook.labels if codebook is not None else ():
        columns[f"score_{lab.id}"] = export.SCORE_COLUMN.format(id=lab.id, name=lab.name)
    return columns


def schema(columns: dict[str, str]) -> pa.Schema:
    """Arrow types: counts and offsets are integers, times and scores floats, the rest text."""
    return pa.schema(
        (name, _TYPES.get(name, pa.float64() if name.startswith("score_") else pa.string()))
        for name in columns
    )


def readme(columns: dict[str, str]) -> str:
    """``LISEZMOI.md`` of a corpus dataset: what it holds, and every column."""
    lines = [
        "# Jeu de données du corpus",
        "",
        "Une ligne par passage de chaque source lue par `omap-synthesis corpus` "
        "(`passages.csv`, `passages.parquet`), dans l'ordre des dossiers puis des fichiers ; "
        "la clé d'une ligne est le couple `event`, `passage_id` (deux dossiers peuvent tenir "
        "des fichiers de même nom, donc des passages de même identifiant). "
        "Les personnes du public des événements sont pseudonymisées (« Participant·e N ») ; "
        "les textes restent sous la licence de leurs sources, listées dans `manifest.json`. "
        "Une cellule vide est une valeur manquante, en CSV comme en Parquet.",
        "",
        "| colonne | description |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {text} |" for name, text in columns.items()]
    return "\n".join(lines) + "\n"


def publish(tmp: Path, target: Path) -> None:
    """Replace ``target`` by the fully written ``tmp`` folder (never a half-written output)."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


class DatasetWriter:
    """Append passage frames to ``passages.csv`` and ``passages.parquet`` in a hidden folder.

    Parameters
    ----------
    out : Path
        Folder that will hold the published dataset folder.
    name : str
        Name of the dataset folder (the hidden working folder is named after it).
    columns : dict
        Column names and descriptions (``corpus_columns``), in order.
    row_group_rows : int
        Rows buffered before a Parquet row group is written.
    """

    def __init__(self, out: Path, name: str, columns: dict[str, str], row_group_rows: int = 0):
        self.columns = columns
        self.schema = schema(columns)
        self.row_group_rows = row_group_rows or ROW_GROUP_ROWS
        self.folder = export.staging_folder(out, f".{name}-")
        self._buffer: list[pd.DataFrame] = []
        self._parquet = pq.ParquetWriter(self.folder / "passages.parquet", self.schema)
        self._csv_started = False

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._parquet.close()
        if exc_type is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def append(self, frame: pd.DataFrame) -> None:
        """Add rows (missing columns are empty, extra columns dropped)."""
        if len(frame):
            self._buffer.append(frame.reindex(columns=list(self.columns)))
        if sum(map(len, self._buffer)) >= self.row_group_rows:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        frame = export.blanks_as_missing(pd.concat(self._buffer, ignore_index=True))
        self._buffer = []
        frame.to_csv(
            self.folder / "passages.csv",
            mode="a",
            header=not self._csv_started,
            index=False,
            lineterminator="\n",
        )
        self._csv_started = True
        self._parquet.write_table(
            pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        )

    def finish(self, codebook, manifest: dict) -> None:
        """Write the last rows, the data dictionary, the codebook and the manifest."""
        self._flush()
        if not self._csv_started:
            pd.DataFrame(columns=list(self.columns)).to_csv(
                self.folder / "passages.csv", index=False, lineterminator="\n"
            )
        (self.folder / "LISEZMOI.md").write_text(readme(self.columns), encoding="utf-8")
        if codebook is not None:
            shutil.copy(codebook.path, self.folder / "codebook.yaml")
        export.write_json(self.folder / "manifest.json", manifest)
