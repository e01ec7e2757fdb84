"""Tables, JSON and 2-D map of the themes, for the command line, the notebook and the report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from omap_synthesis.models import Event, Passage
from omap_synthesis.themes import ThemeResult


def themes_json(result: ThemeResult, passages: Sequence[Passage]) -> dict:
    """The ``themes`` command's JSON (DESIGN.md contract, plus recurrence and quality per theme).

    Parameters
    ----------
    result : ThemeResult
    passages : sequence of Passage
        The passages given to ``find_themes``.

    Returns
    -------
    dict
        ``{"themes": [{"id", "label", "terms", "passages", "quotes", ...}], "quality",
        "notes"}``; ``passages`` lists every member with its source and character span.
    """
    by_id = {p.id: p for p in passages}
    themes = []
    for theme in result.themes:
        members = [by_id[pid] for pid in theme.passage_ids]
        rec = theme.recurrence
        themes.append(
            {
                "id": theme.id,
                "label": theme.label,
                "terms": list(theme.terms),
                "passages": [
                    {
                        "passage_id": p.id,
                        "source": p.source,
                        "start_char": p.start_char,
                        "end_char": p.end_char,
                    }
                    for p in members
                ],
                "quotes": [asdict(q) for q in theme.quotes],
                "recurrence": {
                    "talks": len(rec.talks),
                    "sessions": len(rec.sessions),
                    "speakers": len(rec.speakers),
                    "exchanges": len(rec.exchanges),
                    "sources": len(rec.sources),
                },
                "objectives": dict(theme.objectives),
                "silhouette": _round(theme.silhouette),
                "coherence_npmi": _round(theme.coherence),
            }
        )
    return {"themes": themes, "quality": result.quality, "notes": result.notes}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def themes_frame(result: ThemeResult) -> pd.DataFrame:
    """One row per theme: label, size, recurrence counts, quality and top terms.

    Parameters
    ----------
    result : ThemeResult

    Returns
    -------
    DataFrame
        Columns in French, as the notebook shows them.
    """
    rows = [
        {
            "theme": t.id,
            "libellé": t.label,
            "passages": len(t.passage_ids),
            "interventions": len(t.recurrence.talks),
            "sessions": len(t.recurrence.sessions),
            "intervenants": len(t.recurrence.speakers),
            "échanges": len(t.recurrence.exchanges),
            "sources": len(t.recurrence.sources),
            "silhouette": _round(t.silhouette),
            "npmi": _round(t.coherence),
            "termes": ", ".join(t.terms),
        }
        for t in result.themes
    ]
    return pd.DataFrame(rows, columns=_FRAME_COLUMNS)


_FRAME_COLUMNS = [
    "theme",
    "libellé",
    "passages",
    "interventions",
    "sessions",
    "intervenants",
    "échanges",
    "sources",
    "silhouette",
    "npmi",
    "termes",
]


def theme_talk_counts(
    result: ThemeResult, passages: Sequence[Passage], event: Event | None = None
) -> pd.DataFrame:
    """Member passages of each theme (rows) in each talk (columns).

    Parameters
    ----------
    result : ThemeResult
    passages : sequence of Passage
    event : Event, optional
        Orders the columns as the programme; a passage without talk counts under its source.

    Returns
    -------
    DataFrame
        Indexed by theme id.
    """
    talk_of = {p.id: p.talk or p.source for p in passages}
    counts = Counter((tid, talk_of[pid]) for pid, tid in result.assignment.items())
    talks = list(dict.fromkeys(p.talk or p.source for p in passages))
    if event is not None:
        order = {it.id: n for n, it in enumerate(event.items)}
        talks.sort(key=lambda t: order.get(t, len(order)))
    ids = [t.id for t in result.themes]
    table = [[counts[(tid, talk)] for talk in talks] for tid in ids]
    return pd.DataFrame(table, index=pd.Index(ids, name="theme"), columns=talks)


def passage_map(result: ThemeResult) -> pd.DataFrame:
    """2-D coordinates of the analysed passages (PCA of the space the clustering saw).

    Parameters
    ----------
    result : ThemeResult

    Returns
    -------
    DataFrame
        ``passage_id``, ``x``, ``y`` and ``theme`` (empty for a passage set aside).
    """
    columns = ["passage_id", "x", "y", "theme"]
    if result.model is None or len(result.passage_ids) < 2:
        return pd.DataFrame(columns=columns)
    space = result.model.smoothed_
    dims = min(2, *space.shape)
    xy = np.zeros((len(space), 2))
    xy[:, :dims] = PCA(dims, random_state=result.model.random_state).fit_transform(space)
    return pd.DataFrame(
        {
            "passage_id": result.passage_ids,
            "x": xy[:, 0],
            "y": xy[:, 1],
            "theme": [result.assignment.get(pid, "") for pid in result.passage_ids],
        },
        columns=columns,
    )
