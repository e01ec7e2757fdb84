"""Command line: ``omap-synthesis`` (also ``python -m omap_synthesis``)."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

from omap_synthesis.config import DEFAULT_EVENT_DIR, REPORTS_DIR
from omap_synthesis.errors import InputError, os_reason
from omap_synthesis.ingest import Ingested

# Typer's own words on a help page (its error messages are ``french_usage``'s).
_TYPER_WORDS = {
    "COMMANDS_PANEL_TITLE": "Commandes",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "DEPRECATED_STRING": "(obsolète) ",
}


class _FrenchHelp:
    """A help page in French throughout, ``--help`` and typer's own words included."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Afficher cette aide et quitter."
        return option

    def format_help(self, ctx, formatter):
        from typer import rich_utils  # only when a help page is shown

        for name, french in _TYPER_WORDS.items():
            if hasattr(rich_utils, name):
                setattr(rich_utils, name, french)
        return super().format_help(ctx, formatter)


class _Group(_FrenchHelp, TyperGroup):
    pass


class _Command(_FrenchHelp, TyperCommand):
    pass


app = typer.Typer(
    cls=_Group,
    help="Synthèse d'une journée d'études : sources, objectifs, thèmes, résumés, recommandations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(
    cls=_Group,
    help="Mesurer la qualité sur des données annotées.",
    no_args_is_help=True,
)
app.add_typer(evaluate_app, name="evaluate")
# Messages are never cut to the terminal's width (80 columns when stderr is not a terminal).
err = Console(stderr=True, soft_wrap=True)


def _out() -> Console:
    """A console on the standard output as it is now (the test runner swaps it)."""
    return Console(soft_wrap=True)


EventDir = Annotated[
    Path | None, typer.Argument(help="Dossier de l'événement (par défaut : l'exemple fourni).")
]
OutDir = Annotated[Path | None, typer.Option("--out", help="Dossier de sortie (reports/).")]


def _os_failure(exc: OSError, out: Path) -> str:
    """« impossible d'écrire / de lire … (reason) »: a write when the file is under ``out``."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        return f"impossible d'écrire dans {out} : c'est un fichier, pas un dossier"
    path = Path(exc.filename) if exc.filename else out
    writing = path.resolve().is_relative_to(out.resolve())
    under = path.resolve().relative_to(out.resolve()).parts if writing else ()
    if under and under[0].startswith("."):
        path = out  # the run's hidden working folder: the user knows the folder they gave
    verb = "d'écrire dans" if writing else "de lire"
    return f"impossible {verb} {path} ({os_reason(exc)})"


def _count(n: int, noun: str) -> str:
    """« 0 passage », « 1 mot », « 312 passages » (French: the plural from two)."""
    return f"{n} {noun}{'s' if n > 1 else ''}"


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]Erreur[/] : {message}", highlight=False)
    raise typer.Exit(code)


def _emit_json(data: object) -> None:
    """With ``--json``, stdout holds only this JSON document."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _say_read_notes(partial: dict[str, str], remarks: dict[str, str]) -> None:
    """Name on stderr the files read in part and the remarks on files read whole."""
    for name, reason in partial.items():
        err.print(f"Lu en partie : {name} : {reason}", markup=False, highlight=False)
    for name, remark in remarks.items():
        err.print(f"Remarque : {name} : {remark}", markup=False, highlight=False)


def _load_files(files: list[Path]) -> Ingested:
    """Read loose files given on the command line; unusable ones are named on stderr."""
    from omap_synthesis.ingest import ingest_files

    ingested = ingest_files(files)
    for message in ingested.messages:
        err.print(f"Ignoré : {message}", markup=False, highlight=False)
    _say_read_notes(ingested.partial, ingested.remarks)
    read = sum(r.status == "lu" for r in ingested.reports)
    err.print(
        f"{read} fichier(s) lu(s), {len(ingested.reports) - read} ignoré(s), "
        f"{_count(len(ingested.passages), 'passage')}.",
        highlight=False,
    )
    if not ingested.passages:
        _fail("aucun fichier utilisable.", 1)
    return ingested


def _say_languages(ingested: Ingested, docs, what: str) -> None:
    """Name on stderr each source written mostly in another language than French, for which
    ``what`` (« le résumeur », « le repérage des recommandations ») is not designed."""
    from collections import Counter

    from omap_synthesis.tag import LANGUAGE_NAMES
    from omap_synthesis.terms import french_mask

    words: dict[str, Counter] = {}
    for passage in ingested.passages:
        words.setdefault(passage.source, Counter()).update(french_mask(docs[passage.id])[1])
    for source, counts in words.items():
        lang, n = max(counts.items(), key=lambda kv: kv[1], default=("fr", 0))
        if lang != "fr" and n > counts["fr"]:
            err.print(
                f"{source} : texte surtout en {LANGUAGE_NAMES.get(lang, lang)} ; {what} est "
                "conçu pour le français.",
                highlight=False,
                markup=False,
            )


def _accounting(ingested: Ingested, console: Console) -> None:
    """The table of the files met (on the standard output), and each file ignored, read in
    part or read without punctuation named on the error output too, in full (the table may cut
    a name to fit a narrow terminal)."""
    table = Table(title="Sources lues", title_justify="left")
    for col in ("fichier", "format", "intervention", "passages", "mots", "état"):
        table.add_column(
            col,
            justify="right" if col in {"passages", "mots"} else "left",
            overflow="fold",
        )
    for r in ingested.reports:
        state = r.describe(r.cleaned())
        table.add_row(
            *map(escape, (r.name, r.format, r.talk or "", str(r.passages), str(r.words), state))
        )
    console.print(table)
    read = [r for r in ingested.reports if r.status == "lu"]
    partial = f" (dont {len(ingested.partial)} en partie)" if ingested.partial else ""
    console.print(
        f"{len(read)} fichier(s) lu(s){partial}, {len(ingested.reports) - len(read)} ignoré(s), "
        f"{_count(len(ingested.passages), 'passage')}, "
        f"{_count(sum(r.words for r in read), 'mot')}.",
        highlight=False,
    )
    for item in ingested.missing_items():
        console.print(f"Aucune source pour « {item} ».", highlight=False)
    for r in ingested.reports:
        if r.status != "lu" or r.reason or r.unpunctuated:
            err.print(f"{r.name} : {r.describe()}.", highlight=False, markup=False)


def _run_stages(
    event_dir: Path | None, out: Path | None, stages: tuple[str, ...], words: int | None = None
) -> None:
    from omap_synthesis.check import FaithfulnessError
    from omap_synthesis.draft import DEFAULT_WORDS
    from omap_synthesis.pipeline import STEP_NAMES, run, set_aside
    from omap_synthesis.progress import progress

    event_dir = event_dir or DEFAULT_EVENT_DIR
    if words is not None and words <= 0:
        _fail(f"le budget --words doit être un entier positif (reçu : {words}).")
    total = {"ingest": 1, "draft": 8}.get(stages[-1], 9)
    try:
        with progress(total, "Synthèse") as advance:
            result = run(
                event_dir,
                out or REPORTS_DIR,
                stages,
                words or DEFAULT_WORDS,
                on_stage=lambda name: advance(description=f"Synthèse : {STEP_NAMES[name]}"),
            )
    except InputError as exc:
        _fail(str(exc))
    except FaithfulnessError as exc:
        _fail(str(exc), 1)
    except OSError as exc:
        _fail(_os_failure(exc, out or REPORTS_DIR))
    _accounting(result.ingested, _out())
    aside = set_aside(result.ingested.passages, result.extras.get("taggings", ()))
    for name, said in aside.items():
        _out().print(f"{name} : {said}.", highlight=False, markup=False)
    if result.edits:
        _out().print(f"{result.edits}.", highlight=False, markup=False)
    if not result.ingested.passages:
        _fail("aucune source utilisable : rien n'a été écrit.", 1)
    if result.timings:
        steps = ", ".join(
            f"{STEP_NAMES[k]} {v:.1f} s".replace(".", ",") for k, v in result.timings.items()
        )
        err.print(f"Durées : {steps}.", highlight=False)
    _out().print(f"Résultats écrits dans {result.out_dir}", highlight=False)


@app.command(cls=_Command)
def ingest(
    event_dir: Annotated[Path, typer.Argument(help="Dossier de l'événement.")], out: OutDir = None
):
    """Lire les sources d'un événement et écrire la table des passages."""
    _run_stages(event_dir, out, ("ingest",))


DraftWords = Annotated[
    int | None,
    typer.Option("--words", help="Longueur visée du texte lu, en mots (par défaut 1 800)."),
]


@app.command(cls=_Command)
def draft(event_dir: EventDir = None, out: OutDir = None, words: DraftWords = None):
    """Tout jusqu'au texte du rapporteur (lecture-15h05.md et .docx)."""
    _run_stages(event_dir, out, ("ingest", "draft"), words)


@app.command(cls=_Command)
def run(event_dir: EventDir = None, out: OutDir = None, words: DraftWords = None):
    """Tout le travail : passages, analyses, texte du rapporteur, rapport et jeu de données."""
    _run_stages(event_dir, out, ("ingest", "draft", "report"), words)


@app.command("summarize", cls=_Command)
def summarize_command(
    file: Annotated[
        Path, typer.Argument(help="Transcription (.txt, .md, .srt, .vtt, .json Whisper, .docx).")
    ],
    words: Annotated[
        int | None,
        typer.Option(
            "--words",
            help="Budget de mots (par défaut : 15 % de la transcription, entre 40 et 600).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Résumé extractif d'une transcription : des phrases verbatim, dans l'ordre du texte."""
    from dataclasses import asdict

    from omap_synthesis.nlp import load_nlp, parse_passages
    from omap_synthesis.segment import count_words
    from omap_synthesis.summarize import summarize

    if words is not None and words <= 0:
        _fail(f"le budget --words doit être un entier positif (reçu : {words}).")
    ingested = _load_files([file])
    docs = parse_passages(load_nlp(), ingested.passages)
    _say_languages(ingested, docs, "le résumeur")
    sentences = summarize(ingested.passages, docs, words)
    if as_json:
        rows = [{**asdict(s), "score": round(s.score, 4)} for s in sentences]
        _emit_json({"sentences": rows})
        return
    total = sum(count_words(s.text) for s in sentences)
    budget = f"budget {words} mots" if words else "budget par défaut"
    typer.echo(f"Résumé de {file.name} : {len(sentences)} phrase(s), {total} mots ({budget}).\n")
    for s in sentences:
        # Line breaks of subtitle cues are the file's, not the speaker's: shown as spaces.
        text = " ".join(s.text.split())
        typer.echo(f"{s.speaker or 'Sans nom'} : {text}  [car. {s.start_char}–{s.end_char}]")


_SYSTEM_NAMES = {
    "lead": "début (lead)",
    "textrank": "TextRank",
    "omap-synthesis": "omap-synthesis",
    "humain": "annotateur 1 contre 2",
}


@evaluate_app.command("summaries", cls=_Command)
def evaluate_summaries(
    fredsum_dir: Annotated[
        Path,
        typer.Option("--fredsum", help="Dossier FREDSum (transcript/, summary_extractive/1 et 2)."),
    ],
    segments: Annotated[
        list[str] | None,
        typer.Option("--segments", help="Segments à évaluer (noms de fichiers, répétable)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Seulement les N premiers segments.")
    ] = None,
    split: Annotated[
        str,
        typer.Option(
            "--split",
            help="tout, validation (débats jamais vus à l'entraînement) ou apprentissage.",
        ),
    ] = "tout",
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """ROUGE-1/2/L du résumeur, du début (lead) et de TextRank sur des résumés humains."""
    from omap_synthesis import fredsum
    from omap_synthesis.nlp import load_nlp
    from omap_synthesis.summarize import load_model

    names = [n.strip() for item in segments or [] for n in item.split(",") if n.strip()]
    skipped: dict[str, str] = {}
    try:
        chosen = fredsum.load_segments(fredsum_dir, names or None, skipped)
        heldout = load_model()[1]["training"]["heldout_debates"]
        chosen = fredsum.select_split(chosen, split, heldout)[:limit]
    except (InputError, ValueError) as exc:
        _fail(str(exc))
    for stem, reason in skipped.items():
        err.print(f"Ignoré : {stem} : {reason}", markup=False, highlight=False)
    if not chosen:
        _fail(f"aucun segment de la partie « {split} » parmi ceux demandés.")
    err.print(f"Évaluation de {len(chosen)} segment(s)…", highlight=False)
    result = fredsum.evaluate(chosen, load_nlp())
    if as_json:
        scores = {name: s.as_dict() for name, s in result.scores.items()}
        _emit_json({"split": split, "segments": list(result.segments), "scores": scores})
        return
    table = Table(
        title=f"ROUGE F1 ({len(chosen)} segment(s), partie « {split} »)", title_justify="left"
    )
    for col in ("système", "ROUGE-1", "ROUGE-2", "ROUGE-L"):
        table.add_column(col, justify="left" if col == "système" else "right")
    for name, s in result.scores.items():
        table.add_row(_SYSTEM_NAMES.get(name, name), _num(s.rouge1), _num(s.rouge2), _num(s.rougeL))
    _out().print(table)


def _tag_setup(codebook_path: Path, event_dir: Path | None, use_prior: bool = True):
    """The codebook, and the programme whose objectives give the prior (if any).

    Without ``--event``, an ``event.yaml`` next to the codebook is used when it is valid.
    """
    from omap_synthesis.event import load_codebook, load_event

    try:
        codebook = load_codebook(codebook_path)
        if not use_prior:
            return codebook, None
        if event_dir is not None:
            return codebook, load_event(event_dir)
    except InputError as exc:
        _fail(str(exc))
    beside = codebook_path.parent
    if not (beside / "event.yaml").exists():
        return codebook, None
    try:
        return codebook, load_event(beside)
    except InputError as exc:
        err.print(f"Programme ignoré (pas d'a priori) : {exc}", highlight=False)
        return codebook, None


def _read_tag_inputs(path: Path):
    from omap_synthesis.tag_eval import read_inputs

    try:
        items, problems = read_inputs(path)
    except InputError as exc:
        _fail(str(exc))
    for problem in problems:
        err.print(f"Ignoré : {problem}", highlight=False, markup=False)
    err.print(
        f"{path} : {len(items)} ligne(s) lue(s), {len(problems)} ignorée(s).",
        highlight=False,
        markup=False,
    )
    if not items:
        _fail(f"{path} : aucune ligne utilisable.", 1)
    first_line: dict[str, int] = {}
    for item in items:
        # Every line is tagged (one output line per input line), but a repeated id is said.
        seen = first_line.setdefault(str(item.id), item.line)
        if seen != item.line:
            err.print(
                f"{path}, ligne {item.line} : identifiant « {item.id} » déjà employé ligne {seen}",
                highlight=False,
                markup=False,
            )
    return items


def _tag_items(items, codebook, event, source: Path | None = None):
    """Tag the items; with ``source`` (the file they come from), say each passage's note."""
    from omap_synthesis.tag import tag_texts

    taggings = tag_texts(
        [str(i.id) for i in items],
        [i.text for i in items],
        codebook,
        talks=[i.talk for i in items],
        groups=[i.group for i in items],
        event=event,
    )
    for item, tagging in zip(items, taggings, strict=True):
        if tagging.note and source is not None:
            err.print(
                f"{source}, ligne {item.line} (passage « {item.id} ») : {tagging.note}.",
                highlight=False,
                markup=False,
            )
    if event is not None and source is not None:
        unknown = sorted({i.talk for i in items if i.talk and event.item(i.talk) is None})
        if unknown:  # no prior for these passages
            err.print(
                f"Intervention(s) absente(s) du programme, sans a priori : {', '.join(unknown)}.",
                highlight=False,
                markup=False,
            )
    return taggings


CodebookOption = Annotated[
    Path, typer.Option("--codebook", help="Codebook YAML (labels, sous-thèmes, termes).")
]
TagEventOption = Annotated[
    Path | None,
    typer.Option(
        "--event",
        help="Dossier de l'événement dont le programme donne l'a priori (par défaut : "
        "event.yaml à côté du codebook, s'il existe).",
    ),
]


@app.command("tag", cls=_Command)
def tag_command(
    input_file: Annotated[
        Path, typer.Argument(help='Passages en JSON Lines : {"id", "text", "talk"?}.')
    ],
    codebook: CodebookOption,
    event_dir: TagEventOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Sortie JSON Lines seule sur stdout.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Ajouter les explications (termes, composantes).")
    ] = False,
):
    """Étiqueter des passages avec les objectifs et sous-thèmes d'un codebook."""
    book, event = _tag_setup(codebook, event_dir)
    items = _read_tag_inputs(input_file)
    taggings = _tag_items(items, book, event, input_file)
    if as_json:
        for item, t in zip(items, taggings, strict=True):
            row = {"id": item.id, "labels": list(t.labels), "scores": t.scores}
            if explain:
                row.update(explanations=t.explanations, note=t.note)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Objectifs de {len(items)} passage(s)", title_justify="left")
    columns = ("passage", "objectifs retenus", "meilleurs scores", "remarque")
    for col in (*columns, "explication") if explain else columns:
        table.add_column(col)
    for item, t in zip(items, taggings, strict=True):
        best = sorted(t.scores.items(), key=lambda kv: -kv[1])[:3]
        row = [
            str(item.id),
            ", ".join(t.labels) or "hors objectifs",
            "  ".join(f"{k} {_num(v, 2)}" for k, v in best if v > 0),
            t.note,
        ]
        if explain:  # why each kept label, or the best one, scored what it did
            shown = t.labels or [k for k, v in best[:1] if v > 0]
            row.append("\n".join(_explanation(k, t.explanations.get(k, {})) for k in shown))
        table.add_row(*row)
    _out().print(table)


_COMPONENTS = (
    ("term", "termes"),
    ("similarity", "similarité"),
    ("corpus", "passages voisins"),
    ("context", "contexte"),
)


def _explanation(label_id: str, parts: dict) -> str:
    """« O1 : simplifier, guichet unique (score 0,972, seuil 0,550 ; termes 0,93 ; similarité
    1,00 ; a priori +1) »."""
    terms = ", ".join(parts.get("terms", ())) or "aucun terme"
    scores = [f"{name} {_num(parts[key], 2)}" for key, name in _COMPONENTS if key in parts]
    if parts.get("prior"):
        scores.append(f"a priori {parts['prior']:+g}")
    if "score" in parts and "threshold" in parts:
        # Three decimals: a score just under its threshold must not read as equal to it.
        scores.insert(0, f"score {_num(parts['score'], 3)}, seuil {_num(parts['threshold'], 3)}")
    return f"{label_id} : {terms} ({' ; '.join(scores)})"


@evaluate_app.command("tagging", cls=_Command)
def evaluate_tagging(
    gold: Annotated[
        Path, typer.Option("--gold", help='Passages annotés : {"id", "text", "labels"}.')
    ],
    codebook: CodebookOption,
    event_dir: TagEventOption = None,
    split: Annotated[
        str | None,
        typer.Option("--split", help="Seulement les lignes dont « split » vaut cette valeur."),
    ] = None,
    no_prior: Annotated[
        bool, typer.Option("--no-prior", help="Sans l'a priori du programme.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Précision, rappel et F1 du marquage par label, moyennes macro par niveau."""
    from omap_synthesis.tag_eval import evaluate, read_gold

    book, event = _tag_setup(codebook, event_dir, use_prior=not no_prior)
    try:
        items = read_gold(gold, book)
    except InputError as exc:
        _fail(str(exc))
    # Every line is tagged, so that a passage of the split keeps its neighbours as context;
    # only the split is scored.
    taggings = _tag_items(items, book, event)
    pairs = [(i, t) for i, t in zip(items, taggings, strict=True) if split in (None, i.split)]
    if not pairs:
        _fail(f"aucune ligne de la partie « {split} » dans {gold}.")
    result = evaluate([i.labels for i, _ in pairs], [t.labels for _, t in pairs], book)
    if as_json:
        _emit_json({"split": split, "prior": event is not None, **result.as_dict()})
        return
    title = f"Marquage : {result.passages} passage(s)" + (f", partie « {split} »" if split else "")
    table = Table(title=title, title_justify="left")
    for col in ("label", "précision", "rappel", "F1", "effectif", "prédits"):
        table.add_column(col, justify="left" if col == "label" else "right")
    macros = [("objectifs", result.macro_top), ("sous-thèmes", result.macro_sub)]
    for score in (*result.labels, result.none):
        table.add_row(
            score.label,
            _num(score.precision),
            _num(score.recall),
            _num(score.f1),
            str(score.support),
            str(score.predicted),
        )
    for label, score in macros:
        if score is not None:
            table.add_row(
                f"macro {label}",
                _num(score.precision),
                _num(score.recall),
                _num(score.f1),
                "",
                "",
            )
    _out().print(table)
    _out().print(
        "A priori du programme : " + ("oui" if event is not None else "non"), highlight=False
    )


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}".replace(".", ",")


def _print_themes(result, console: Console) -> None:
    table = Table(title=f"Thèmes ({len(result.themes)})", title_justify="left")
    for col in ("thème", "libellé", "passages", "interv.", "orateurs", "échanges", "NPMI"):
        table.add_column(col, justify="left" if col in {"thème", "libellé"} else "right")
    for t in result.themes:
        rec = t.recurrence
        table.add_row(
            t.id,
            t.label,
            str(len(t.passage_ids)),
            str(len(rec.talks or rec.sources)),
            str(len(rec.speakers)),
            str(len(rec.exchanges)),
            _num(t.coherence, 2),
        )
    console.print(table)
    for t in result.themes:
        console.print(f"\n[bold]{t.id} — {t.label}[/]", highlight=False)
        console.print("Termes : " + ", ".join(t.terms), highlight=False)
        for q in t.quotes:
            # Line breaks of subtitle cues are the file's, not the speaker's: shown as spaces.
            text = " ".join(q.text.split())
            where = f"{q.source}, car. {q.start_char}–{q.end_char}"
            console.print(f"  « {text} » ({q.speaker or 'sans nom'}, {where})", highlight=False)
    q = result.quality
    console.print(
        f"\nQualité : silhouette {_num(q['silhouette'])}, stabilité (ARI, 5 graines) "
        f"{_num(q['stability_ari'])}, cohérence NPMI {_num(q['coherence_npmi'])} ; "
        f"{q['n_themes']} thème(s) sur {q['n_passages']} passages "
        f"(nombre {'fixé' if q['k_choice'] == 'fixé' else 'choisi par silhouette et stabilité'}).",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"Note : {note}", highlight=False)


@app.command("themes", cls=_Command)
def themes_command(
    files: Annotated[
        list[Path], typer.Argument(help="Transcriptions ou notes (chaque fichier est une source).")
    ],
    n_themes: Annotated[
        int | None,
        typer.Option("--n-themes", min=1, help="Nombre de thèmes (par défaut : choisi)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Thèmes récurrents, trouvés par le contenu : libellés, citations, récurrence, qualité.

    Ceux de `run` sur les mêmes passages (qui écarte aussi des termes les noms du programme).
    """
    from omap_synthesis.nlp import load_nlp, parse_passages
    from omap_synthesis.theme_tables import themes_json
    from omap_synthesis.themes import find_themes

    ingested = _load_files(files)
    docs = parse_passages(load_nlp(), ingested.passages)
    result = find_themes(ingested.passages, docs, n_themes=n_themes)
    if as_json:
        _emit_json(themes_json(result, ingested.passages))
        return
    _print_themes(result, _out())


_THEME_SYSTEMS = {
    "model_own_k": "omap-synthesis (k choisi)",
    "model_true_k": "omap-synthesis (k = parties)",
    "baseline_turns": "TF-IDF + k-means, tours (k = parties)",
    "baseline_turns_smoothed": "idem, lissé sur ±3 tours (k = parties)",
}


@evaluate_app.command("themes", cls=_Command)
def evaluate_themes_command(
    fredsum_dir: Annotated[
        Path, typer.Option("--fredsum", help="Dossier FREDSum (sous-dossier transcript/).")
    ],
    debates: Annotated[
        int | None, typer.Option("--debates", min=1, help="Seulement les N premiers débats.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """NMI et ARI des thèmes contre les parties de débats FREDSum réunies en un seul texte."""
    from omap_synthesis.themes_eval import evaluate_themes

    err.print("Évaluation des thèmes sur les débats FREDSum…", highlight=False)
    try:
        result = evaluate_themes(fredsum_dir, debates)
    except InputError as exc:
        _fail(str(exc))
    if as_json:
        _emit_json(result)
        return
    rows = result["debates"]
    plural = "s" if len(rows) > 1 else ""
    table = Table(title=f"NMI contre les parties ({len(rows)} débat{plural})", title_justify="left")
    table.add_column("débat", overflow="fold")
    table.add_column("parties / k choisi", justify="right")
    for header in ("modèle, k choisi", "modèle, k = parties", "tours", "tours lissés"):
        table.add_column(header, justify="right")
    for r in rows:
        nmis = [_num(r["scores"][name]["nmi"]) for name in _THEME_SYSTEMS]
        table.add_row(r["debate"], f"{r['k_true']} / {r['k_model']}", *nmis)
    _out().print(table)
    summary = Table(title="Moyennes sur les débats", title_justify="left")
    for col in ("système", "NMI", "ARI"):
        summary.add_column(col, justify="left" if col == "système" else "right")
    for name, label in _THEME_SYSTEMS.items():
        mean = result["mean"][name]
        summary.add_row(label, _num(mean["nmi"]), _num(mean["ari"]))
    _out().print(summary)
    _out().print(
        f"Écart moyen entre k choisi et nombre de parties : {_num(result['mean_abs_k_error'], 2)}."
        " Les références (TF-IDF + k-means sur les tours de parole) reçoivent le vrai nombre de"
        " parties.",
        highlight=False,
    )


def _codebook_or_none(path: Path | None):
    from omap_synthesis.event import load_codebook

    if path is None:
        return None
    try:
        return load_codebook(path)
    except InputError as exc:
        _fail(str(exc))


def _evidence_json(evidence) -> list[dict]:
    return [
        {
            "quote": e.quote,
            "passage_id": e.passage_id,
            "speaker": e.speaker,
            "source": e.source,
            "start_char": e.start_char,
            "end_char": e.end_char,
        }
        for e in evidence
    ]


def _recommendation_json(rec) -> dict:
    return {
        "id": rec.id,
        "text": rec.text,
        "action": rec.action,
        "evidence": _evidence_json(rec.evidence),
        "objectives": list(rec.objectives),
        "support": rec.support,
        "contradicts": list(rec.contradicts),
        "endorsements": _evidence_json(rec.endorsements),
        "score": rec.score,
    }


@app.command("recommend", cls=_Command)
def recommend_command(
    files: Annotated[
        list[Path], typer.Argument(help="Transcriptions (.txt, .md, .srt, .vtt, .json, .docx).")
    ],
    codebook: Annotated[
        Path | None,
        typer.Option("--codebook", help="Codebook YAML : objectifs de chaque recommandation."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Recommandations formulées dans les transcriptions, fusionnées et classées."""
    from omap_synthesis.nlp import load_nlp, parse_passages
    from omap_synthesis.recommend import extract_recommendations, uncovered_labels

    book = _codebook_or_none(codebook)
    ingested = _load_files(files)
    docs = parse_passages(load_nlp(), ingested.passages)
    _say_languages(ingested, docs, "le repérage des recommandations")
    recs = extract_recommendations(ingested.passages, docs, codebook=book)
    if as_json:
        _emit_json({"recommendations": [_recommendation_json(r) for r in recs]})
        return
    console = _out()
    if not recs:
        console.print("Aucune recommandation relevée.", highlight=False)
    for rank, rec in enumerate(recs, 1):
        speakers = ", ".join(dict.fromkeys(e.speaker or e.source for e in rec.evidence))
        console.print(f"{rank}. {rec.action}", highlight=False, markup=False)
        backers = ", ".join(dict.fromkeys(e.speaker or e.source for e in rec.endorsements))
        console.print(
            f"   {speakers} ; soutien {rec.support}"
            + (f" (appuyée par {backers})" if backers else "")
            + (f" ; objectifs {', '.join(rec.objectives)}" if rec.objectives else "")
            + (" ; en sens contraire d'une autre recommandation" if rec.contradicts else ""),
            highlight=False,
            markup=False,
        )
        for e in rec.evidence:
            quote = " ".join(e.quote.split())
            console.print(
                f"   « {quote} » ({e.source}, car. {e.start_char}–{e.end_char})",
                highlight=False,
                markup=False,
            )
    if book is not None:
        left = uncovered_labels(recs, book)
        console.print(
            "Sans recommandation : " + (", ".join(left) if left else "aucun objectif"),
            highlight=False,
        )


@evaluate_app.command("recommendations", cls=_Command)
def evaluate_recommendations_command(
    gold: Annotated[
        Path,
        typer.Option(
            "--gold", help='Phrases annotées : {"file", "start_char", "end_char", "label"}.'
        ),
    ],
    transcripts_dir: Annotated[
        Path,
        typer.Option("--transcripts", help="Dossier des transcriptions (ou de l'événement)."),
    ],
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Seulement les lignes dont « split » vaut cette valeur (les autres transcriptions "
            "ne sont pas lues).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Précision, rappel et F1 du repérage des recommandations et d'une liste de mots-indices."""
    from omap_synthesis.nlp import load_nlp
    from omap_synthesis.recommend_eval import evaluate, read_gold, transcripts

    try:
        rows = read_gold(gold)
    except InputError as exc:
        _fail(str(exc))
    if split is not None:
        rows = [r for r in rows if r.get("split") == split]
        if not rows:
            _fail(f"aucune ligne de la partie « {split} » dans {gold}.")
    if not transcripts_dir.is_dir():
        _fail(f"{transcripts_dir} : dossier introuvable.")
    passages, missing = transcripts(transcripts_dir, (r["file"] for r in rows))
    for name in missing:
        err.print(f"Ignoré : {name} : transcription introuvable ou illisible", highlight=False)
    if not passages:
        _fail("aucune transcription de l'annotation n'a pu être lue.", 1)
    result = evaluate(rows, passages, load_nlp())
    if result["misaligned"]:
        err.print(
            f"Ignorée(s) : {result['misaligned']} phrase(s) annotée(s) absente(s) de leur position "
            "dans la transcription lue (autre version du fichier, ou position au-delà de sa fin ?)",
            highlight=False,
        )
    if as_json:
        _emit_json(result)
        return
    table = Table(title="Repérage des recommandations", title_justify="left")
    for col in ("partie", "phrases", "positives", "système", "précision", "rappel", "F1"):
        table.add_column(
            col, justify="left" if col in {"partie", "système"} else "right", no_wrap=True
        )
    for name, split in result["splits"].items():
        for system, label in (("detector", "analyse syntaxique"), ("baseline", "mots-indices")):
            scores = split[system]
            table.add_row(
                ("toutes" if name == "all" else name) if system == "detector" else "",
                str(split["sentences"]) if system == "detector" else "",
                str(split["positives"]) if system == "detector" else "",
                label,
                _num(scores["precision"]),
                _num(scores["recall"]),
                _num(scores["f1"]),
            )
    _out().print(table)


@app.command("watch", cls=_Command)
def watch_command(event_dir: EventDir = None, out: OutDir = None, words: DraftWords = None):
    """Suivi en direct : la synthèse est refaite à chaque source déposée, modifiée ou supprimée."""
    from omap_synthesis.draft import DEFAULT_WORDS
    from omap_synthesis.watch import Watcher

    event_dir = event_dir or DEFAULT_EVENT_DIR
    if not (event_dir / "sources").is_dir():
        _fail(f"{event_dir} : pas de dossier « sources » à suivre.")
    if words is not None and words <= 0:
        _fail(f"le budget --words doit être un entier positif (reçu : {words}).")
    watcher = Watcher(
        event_dir,
        out or REPORTS_DIR,
        words=words or DEFAULT_WORDS,
        notify=lambda message: err.print(message, markup=False, highlight=False),
    )
    try:
        watcher.serve()
    except KeyboardInterrupt:
        err.print("Suivi arrêté.", highlight=False)


@app.command("corpus", cls=_Command)
def corpus_command(
    dirs: Annotated[
        list[Path],
        typer.Argument(
            help="Dossiers d'événements (avec event.yaml), ou dossiers qui contiennent des "
            "événements, des transcriptions ou des sous-dossiers de transcriptions."
        ),
    ],
    out: OutDir = None,
    codebook: Annotated[
        Path | None,
        typer.Option(
            "--codebook",
            help="Codebook appliqué à toutes les sources (sans lui : celui de chaque "
            "événement ; les transcriptions isolées ne sont alors pas étiquetées).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Adresse d'un planificateur Dask (tcp://hôte:port) ; sans elle, tout est "
            "traité dans ce processus.",
        ),
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Passages confiés à spaCy par lot.")
    ] = 64,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Un seul jeu de données (une ligne par passage) pour tout un corpus, traité en flux."""
    import time

    from omap_synthesis.corpus import build_corpus, find_units
    from omap_synthesis.progress import progress

    started = time.perf_counter()
    try:
        units = find_units(dirs)
        with progress(len(units), "Sources", quiet=as_json) as advance:
            result = build_corpus(
                units, out or REPORTS_DIR, codebook, scheduler, batch_size, advance
            )
    except (InputError, ConnectionError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(_os_failure(exc, out or REPORTS_DIR))
    for name, reason in result.skipped.items():
        err.print(f"Ignoré : {name} : {reason}", markup=False, highlight=False)
    _say_read_notes(result.partial, result.remarks)
    seconds = time.perf_counter() - started
    rate = round(result.words / seconds)
    speed = f"{rate:,} {'mot' if rate < 2 else 'mots'}/s".replace(",", "\u202f")
    err.print(f"Durée : {seconds:.1f} s ({speed}).".replace(".", ",", 1), highlight=False)
    if as_json:
        _emit_json(
            {
                "dataset": str(result.out_dir),
                "passages": result.passages,
                "words": result.words,
                "sources": result.sources,
                "skipped": result.skipped,
                "partial": result.partial,
                "remarks": result.remarks,
            }
        )
    else:
        _out().print(
            f"Jeu de données écrit dans {result.out_dir} : "
            f"{_count(result.passages, 'passage')}, {_count(result.words, 'mot')}, "
            f"{_count(result.sources, 'source')} lue{'s' if result.sources > 1 else ''}.",
            highlight=False,
        )
    if not result.passages:
        _fail("aucune source utilisable.", 1)


# Usage errors: typer writes them in English (f-strings, no message catalogue), and its own
# wording changes from one version to the next. The ones these commands can raise, in French;
# a message not listed here is shown as typer wrote it.
_USAGE_MESSAGES = [
    (r"Missing argument '(?P<a>[^']+)'\.", "argument manquant « {a} »."),
    (r"Missing option '(?P<a>[^']+)'\.", "option manquante « {a} »."),
    (
        r"No such option: (?P<a>\S+) \(Possible options: (?P<b>.+)\)",
        "option inconnue « {a} » (options possibles : {b}).",
    ),
    (r"No such option: (?P<a>\S+)", "option inconnue « {a} »."),
    (r"No such command '(?P<a>[^']+)'\.", "commande inconnue « {a} »."),
    (r"Missing command\.", "commande manquante."),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<a>.+)\)", "argument(s) en trop : {a}."),
    (r"Option '(?P<a>[^']+)' requires an argument\.", "l'option « {a} » demande une valeur."),
    (r"Option '(?P<a>[^']+)' does not take a value\.", "l'option « {a} » ne prend pas de valeur."),
    (r"Invalid value for '(?P<a>[^']+)': (?P<b>.+)", "valeur invalide pour « {a} » : {b}"),
    (r"Input should be a valid integer.*", "un nombre entier est attendu."),
    (r"Input should be a valid number.*", "un nombre est attendu."),
    (r"Input should be greater than or equal to (?P<a>\S+)", "il faut au moins {a}."),
    (r"Input should be less than or equal to (?P<a>\S+)", "il faut au plus {a}."),
    (r"'(?P<a>[^']*)' is not a valid integer\.", "« {a} » n'est pas un nombre entier."),
    (r"(?P<a>\S+) is not in the range (?P<b>.+)\.", "{a} n'est pas dans l'intervalle {b}."),
]


def french_usage(message: str) -> str:
    """A usage error of typer in French (``_USAGE_MESSAGES``; the message itself if unknown)."""
    message = " ".join(message.split())
    for pattern, french in _USAGE_MESSAGES:
        found = re.fullmatch(pattern, message)
        if found:
            return french.format(**{k: french_usage(v) for k, v in found.groupdict().items()})
    return message


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        err.print("Interrompu.", highlight=False)
        sys.exit(1)
    except OSError as exc:  # a file a command could not open (a folder, unreadable …)
        err.print(f"Erreur : {exc.filename or ''} : {os_reason(exc)}.", markup=False)
        sys.exit(1)
    except Exception as exc:
        # A usage error of typer (or of click before typer 0.26) carries an exit code of 2 and
        # the parsing context; anything else is a fault of the program.
        if getattr(exc, "exit_code", None) != 2 or not hasattr(exc, "format_message"):
            raise
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ != "NoArgsIsHelpError":  # the help was printed already
            if ctx is not None:
                usage = ctx.get_usage().removeprefix("Usage:").strip()
                err.print(f"Usage : {usage}", markup=False, highlight=False)
            err.print(f"Erreur : {french_usage(exc.format_message())}", markup=False)
            if ctx is not None:
                err.print(f"Aide : {ctx.command_path} --help", markup=False, highlight=False)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
