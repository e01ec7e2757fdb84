"""Figures (matplotlib) for notebooks and the report; each function returns a Figure."""

from __future__ import annotations

import io
import sys

import pandas as pd
from matplotlib.figure import Figure

from omap_synthesis.models import Event, grouped_digits

KIND_COLOURS = {
    "conf": "#1f4e79",
    "qa": "#c55a11",
    "ouverture": "#548235",
    "rapporteur": "#7030a0",
}


def _subplots(**kwargs):
    """A figure and its axes: through pyplot when a session already uses it (a notebook shows
    the figure), otherwise a plain ``Figure``, which spares the report importing pyplot."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        return pyplot.subplots(**kwargs)
    fig = Figure(**kwargs)
    return fig, fig.add_subplot()


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def programme_frame(event: Event) -> pd.DataFrame:
    """One row per programme item: id, kind, label, title, session, start, end, speakers."""
    return pd.DataFrame(
        [
            {
                "id": it.id,
                "kind": it.kind,
                "label": it.display,
                "title": it.title,
                "session": it.session,
                "start": it.start,
                "end": it.end,
                "speakers": ", ".join(p.name for p in it.speakers),
            }
            for it in event.items
        ]
    )


def timeline(event: Event, passages: pd.DataFrame):
    """The day as horizontal bars, shaded by the number of words transcribed per item."""
    words = passages.groupby("talk")["words"].sum() if len(passages) else pd.Series(dtype=int)
    items = [it for it in event.items if it.start and it.end]
    fig, ax = _subplots(figsize=(9, 0.35 * len(items) + 1), layout="constrained")
    for row, it in enumerate(reversed(items)):
        start, end = _minutes(it.start), _minutes(it.end)
        colour = KIND_COLOURS.get(it.kind, "#a6a6a6")
        ax.barh(row, end - start, left=start, color=colour, alpha=0.9 if words.get(it.id) else 0.35)
        count = int(words.get(it.id, 0))
        # « 1 305 mots », « 1 mot », « aucun mot transcrit »
        said = grouped_digits(count) + (" mot" if count < 2 else " mots")
        label = f"{it.display} ({said if count else 'aucun mot transcrit'})"
        ax.text(end + 3, row, label if it.has_speech else it.display, va="center", fontsize=8)
    ticks = range(_minutes(items[0].start) // 60 * 60, _minutes(items[-1].end) + 60, 60)
    ax.set_xticks(list(ticks), [f"{t // 60} h" for t in ticks])
    ax.set_yticks([])
    ax.set_xlim(ticks[0], ticks[-1] + 150)
    ax.set_title("Déroulé de la journée (barres pâles : aucune transcription)")
    return fig


def words_per_speaker(passages: pd.DataFrame, top: int = 20):
    """Horizontal bars of words spoken per speaker (the ``top`` most talkative)."""
    counts = passages.groupby("speaker")["words"].sum().sort_values().tail(top)
    fig, ax = _subplots(figsize=(7, 0.3 * len(counts) + 1), layout="constrained")
    ax.barh(counts.index, counts.values, color="#1f4e79")
    ax.set_xlabel("mots")
    ax.set_title("Mots prononcés par intervenant·e")
    return fig


def heatmap(matrix: pd.DataFrame, title: str, value_label: str, fmt: str = "{:.0%}"):
    """A labelled heatmap of ``matrix`` (rows × columns), values written in the cells."""
    fig, ax = _subplots(
        figsize=(2.5 + 0.75 * len(matrix.columns), 1.5 + 0.45 * len(matrix)), layout="constrained"
    )
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    # Codes (« O1 ») stand upright; names lean so as not to overlap.
    lean = max((len(str(c)) for c in matrix.columns), default=0) > 4
    ax.set_xticks(
        range(len(matrix.columns)),
        matrix.columns,
        rotation=45 if lean else 0,
        ha="right" if lean else "center",
    )
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    top = values.max() if values.size else 0

    def said(value: float) -> str:  # « 45 % », as French writes it
        return fmt.format(value).replace("%", "\u00a0%")

    for (i, j), value in pd.DataFrame(values).stack().items():
        if value:
            colour = "white" if value > 0.6 * top else "black"
            ax.text(j, i, said(value), ha="center", va="center", fontsize=7, color=colour)
    bar = fig.colorbar(image, ax=ax, label=value_label, shrink=0.8)
    bar.ax.yaxis.set_major_formatter(lambda value, _: said(value))
    ax.set_title(title)
    return fig


def png(fig) -> bytes:
    """The figure as PNG bytes, with no software tag: the same data give the same bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)
    return buffer.getvalue()


def render(draw: str, args: tuple, kwargs: dict) -> bytes:
    """PNG of the figure the function ``draw`` of this module makes of ``args`` and ``kwargs``."""
    if draw not in FIGURES:
        raise ValueError(f"figure inconnue : {draw}")
    return png(globals()[draw](*args, **kwargs))


# The functions the report draws (by name, in the figure worker too).
FIGURES = ("timeline", "words_per_speaker", "heatmap")
