"""The whole job over an event folder: stages in order, outputs written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from omap_synthesis import caching, export
from omap_synthesis.anonymise import Pseudonymiser, build_pseudonymiser
from omap_synthesis.check import FaithfulnessError, Problem, assert_faithful
from omap_synthesis.config import MAX_SOURCE_BYTES, SEED
from omap_synthesis.dataset import publish
from omap_synthesis.draft import (
    DEFAULT_WORDS,
    DraftInputs,
    Edits,
    References,
    at_line,
    build_draft,
    edit_problems,
    edits_applied,
    facts,
    join_words,
    load_edits,
    with_edits,
)
from omap_synthesis.errors import InputError, os_reason
from omap_synthesis.event import load_codebook, say_unknown_objectives
from omap_synthesis.ingest import Ingested, file_hash, ingest_event
from omap_synthesis.models import SLIDE

log = logging.getLogger(__name__)

# The theme model's quality measures, as the report's method table names them.
_QUALITY_NAMES = {
    "n_passages": "passages de contenu analysés",
    "n_themes": "thèmes retenus",
    "silhouette": "silhouette (séparation, de −1 à 1)",
    "stability_ari": "stabilité (ARI entre rééchantillonnages)",
    "coherence_npmi": "cohérence des libellés (NPMI moyen)",
    "largest_share": "part du plus grand thème (au-delà de 0,5 : à lire avec prudence)",
    "unassigned": "passages sans thème",
}


def _quality_value(value) -> str | int:
    """« 0,030 », « −0,030 » (a minus sign, as in « de −1 à 1 »), or « non mesurée »."""
    if value is None:
        return "non mesurée"
    if not isinstance(value, float):
        return value
    return f"{value:.3f}".replace(".", ",").replace("-", "\u2212")


EDITS_FILE = "lecture.yaml"
STAGES = ("ingest", "draft", "report")
# French names of the timed steps, for progress and timing messages.
STEP_NAMES = {
    "ingest": "lecture des sources",
    "load": "chargement du modèle",
    "parse": "analyse spaCy",
    "tag": "étiquetage",
    "summarize": "résumés",
    "themes": "thèmes",
    "recommend": "recommandations",
    "draft": "texte du rapporteur",
    "report": "rapport et données",
}


@dataclass
class RunResult:
    ingested: Ingested
    out_dir: Path
    inputs: DraftInputs | None = None
    timings: dict[str, float] = field(default_factory=dict)
    extras: dict = field(default_factory=dict)
    # What the rapporteur's lecture.yaml did (``edits_applied``), for the terminal.
    edits: str = ""


class _Clock:
    """Stage timings; ``on_stage(name)`` is told when a stage ends (progress display)."""

    def __init__(self, on_stage=None):
        self.timings: dict[str, float] = {}
        self.on_stage = on_stage
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._t, 3)
        log.info("%s : %.2f s", name, now - self._t)
        if self.on_stage is not None:
            self.on_stage(name)
        self._t = now


def analyse(
    ingested: Ingested,
    event_dir: Path,
    nlp,
    clock: _Clock,
    use_cache: bool = True,
    on_parsed: Callable[[Pseudonymiser], None] | None = None,
) -> tuple[DraftInputs, dict]:
    """Parse, pseudonymise, tag, summarise, find themes and recommendations.

    With ``use_cache``, every result comes from the on-disk cache when the same inputs (passages,
    codebook, programme, model, code and resources: ``caching.digest``) produced it before; a
    talk's summary depends on that talk's passages only, so a new file recomputes its own.
    ``on_parsed(pseudonymiser)`` is called once the passages are parsed and the audience's names
    known (the run starts drawing the programme's figures then).
    """
    from omap_synthesis.claims import claimless
    from omap_synthesis.nlp import model_key, parse_passages

    event, passages = ingested.event, ingested.passages
    codebook = load_codebook(Path(event_dir) / event.codebook)
    say_unknown_objectives(event, codebook)
    docs = parse_passages(nlp, passages, cache=use_cache, processes=2)
    clock.lap("parse")
    pseudonymiser = build_pseudonymiser(passages, event, docs)
    _say_names_in_file_names(ingested, pseudonymiser)
    if on_parsed is not None:
        on_parsed(pseudonymiser)
    model = model_key(nlp)
    key = caching.digest("analyse", model, passages, codebook, event, SEED)

    def cached(kind: str, compute, entry: str = key, keep: int = caching.MAX_ENTRIES):
        return caching.cached(kind, entry, compute, use=use_cache, keep=keep)

    # The first stage of the recommendation classifier reads the sentences now; the sentence
    # embeddings of its second look (about 4 s of a cold run on the sample event) are computed
    # in a thread while the passages are tagged, summarised and grouped into themes.
    detections = None
    if not (use_cache and caching.stored("recommend", key)):
        detections = _start_detection(passages, docs, model)
    taggings = cached("tag", lambda: _tag(passages, docs, codebook, event, model))
    clock.lap("tag")
    summaries = {}
    for item in event.items:
        mine = [p for p in passages if p.talk == item.id]
        if mine:
            entry = caching.digest("summary", model, mine)
            summaries[item.id] = cached("summary", lambda mine=mine: _summary(mine, docs), entry)
    clock.lap("summarize")
    themes = cached("themes", lambda: _themes(passages, docs, taggings, event), keep=16)
    clock.lap("themes")
    labels_of = {t.passage_id: t.labels for t in taggings}
    recommendations = cached(
        "recommend",
        lambda: _recommendations(
            passages,
            docs,
            codebook,
            event,
            themes.assignment,
            labels_of,
            model,
            detections() if detections is not None else None,
        ),
    )
    clock.lap("recommend")
    inputs = DraftInputs(
        event=event,
        codebook=codebook,
        passages=passages,
        pseudonymiser=pseudonymiser,
        summaries=summaries,
        # Summary sentences that say nothing of their own: the synthesis does not quote them.
        claimless=claimless(passages, docs, [s for ss in summaries.values() for s in ss]),
        labels_of=labels_of,
        themes=themes.themes,
        recommendations=recommendations,
        missing_items=ingested.missing_items(),
        unreadable_items=ingested.unreadable_items(),
        other_languages=_other_languages(passages, taggings),
        unpunctuated_items=ingested.unpunctuated_items(),
    )
    return inputs, {"taggings": taggings, "themes": themes, "codebook": codebook}


def _other_languages(passages, taggings) -> dict[tuple[str, str, bool], int]:
    """Passages the tagger left unanalysed for their language, whole or in part (sentences
    left out), counted per (talk, language, whole)."""
    talk = {p.id: p.talk or "" for p in passages}
    counts: Counter = Counter()
    for t in taggings:
        for language in getattr(t, "languages", ()):
            counts[(talk[t.passage_id], language, not t.analysed)] += 1
    return dict(counts)


def _say_names_in_file_names(ingested: Ingested, pseudonymiser: Pseudonymiser) -> None:
    """A source's file name holds the name of someone the outputs pseudonymise: the file name
    stays in the dataset (``source``, ``passage_id``) and in the REFI-QDA project."""
    for name in ingested.sources:
        found = pseudonymiser.names_in(Path(name).stem)
        if found:
            log.warning(
                "%s : le nom du fichier contient %s, nom d'une personne du public, qui restera "
                "dans les colonnes « source » et « passage_id » du jeu de données et dans le "
                "projet REFI-QDA : renommez le fichier avant de publier.",
                name,
                join_words([f"« {w} »" for w in found]),
            )


# The stages' modules are imported when a result is not in the cache (scikit-learn alone takes
# more than a second to import).
def _tag(passages, docs, codebook, event, model):
    from omap_synthesis.tag import tag_passages

    return tag_passages(passages, docs, codebook, event, cache=model)


def _summary(passages, docs):
    from omap_synthesis.claims import without_ceremony
    from omap_synthesis.summarize import summarize

    # The greetings of an opening are not what the talk brought (report, reading at 15:05).
    return without_ceremony(passages, docs, summarize(passages, docs))


def _themes(passages, docs, taggings, event):
    from omap_synthesis.themes import find_themes

    return find_themes(passages, docs, taggings, event, random_state=SEED)


def _start_detection(passages, docs, model):
    from omap_synthesis.recommend import start_detection

    return start_detection(passages, docs, model)


def _recommendations(passages, docs, codebook, event, themes, taggings, model, detections):
    from omap_synthesis.recommend import extract_recommendations

    return extract_recommendations(
        passages,
        docs,
        codebook,
        event,
        themes,
        taggings=taggings,
        cache=model,
        detections=detections,
    )


def set_aside(passages, taggings) -> dict[str, str]:
    """Per source file, the passages the analysis could not read (in another language, or
    nothing left once cleaned), in French: « 2 passages non analysés (passage en anglais,
    passage en arabe) »."""
    source = {p.id: p.source for p in passages}
    reasons: dict[str, list[str]] = {}
    for t in taggings:
        if not t.analysed:
            reasons.setdefault(source[t.passage_id], []).append(t.note.split(" : ")[0])
    said = {}
    for name, why in reasons.items():
        s = "s" if len(why) > 1 else ""
        # « passage en anglais » said of several passages: « passages en anglais ».
        kinds = [
            re.sub(r"^passage\b", "passages", kind) if n > 1 else kind
            for kind, n in Counter(why).items()
        ]
        said[name] = f"{len(why)} passage{s} non analysé{s} ({', '.join(kinds)})"
    return said


def _manifest(ingested: Ingested, event_dir: Path, stages, words: int, nlp) -> dict:
    event = ingested.event
    inputs = {f"sources/{name}": digest for name, digest in sorted(ingested.hashes.items())}
    for name in ("event.yaml", event.codebook, EDITS_FILE):
        path = Path(event_dir) / name
        if path.is_file():
            inputs[name] = file_hash(path)
    return {
        "event": event.id,
        "stages": list(stages),
        "inputs": inputs,
        "skipped": {r.name: r.reason for r in ingested.reports if r.status != "lu"},
        "partial": ingested.partial,
        "remarks": ingested.remarks,
        "versions": export.versions(nlp),
        "parameters": {
            "max_source_bytes": MAX_SOURCE_BYTES,
            "seed": SEED,
            "draft_words": words,
            "spacy_model": f"{nlp.meta['lang']}_{nlp.meta['name']}" if nlp is not None else None,
        },
    }


def write_reading(
    folder: Path,
    inputs: DraftInputs,
    nlp,
    exclude: list[str] = (),
    order: list[str] = (),
    words: int = DEFAULT_WORDS,
    unread_edits: str = "",
):
    """Build the rapporteur's text, pass it through the faithfulness gate, write it.

    Recommendations in ``exclude`` are left out, those in ``order`` come first; why her
    ``lecture.yaml`` was not read (``unread_edits``) heads the text. Writes
    ``lecture-15h05.md`` and ``.docx`` into ``folder`` and returns the draft; raises
    ``FaithfulnessError`` (nothing written) when a sentence is not faithful.
    """
    from omap_synthesis.render import draft_docx, draft_markdown

    chosen = with_edits(inputs, exclude, order)
    if chosen.all_found and not chosen.recommendations:
        log.warning(
            "toutes les recommandations relevées sont écartées (« exclure ») : le texte n'en lit "
            "aucune"
        )
    draft = build_draft(chosen, words)
    if unread_edits:
        draft.to_check = " ".join(filter(None, [f"{unread_edits}.", draft.to_check]))
    if draft.words > 1.5 * words:  # the opening, the points left open, the closing and one
        log.warning(  # recommendation are always read
            "le texte lu compte %d mots pour un budget de %d : ouverture, points restés "
            "ouverts, clôture et une recommandation au moins sont toujours lus",
            draft.words,
            words,
        )
    passages = {p.id: inputs.pseudonymiser.text(p.text) for p in inputs.passages}
    refs = References(inputs.event, inputs.passages, inputs.pseudonymiser)
    speakers = {p.id: refs.speaker(p) for p in inputs.passages}
    try:
        assert_faithful(
            draft.sentences(), passages, facts(inputs), refs.refs_of(), nlp, speakers=speakers
        )
    except FaithfulnessError as exc:
        raise FaithfulnessError(
            [_naming_recommendation(p, chosen.recommendations) for p in exc.problems]
        ) from None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lecture-15h05.md").write_text(draft_markdown(draft), encoding="utf-8")
    draft_docx(draft, folder / "lecture-15h05.docx")
    return draft


def _naming_recommendation(problem: Problem, recommendations) -> Problem:
    """``problem`` with the id of the recommendation its sentence reads, if any: the line
    that opens the sentence, or a quotation of its evidence."""
    if problem.recommendation:
        return problem
    for rec in recommendations:
        quoted = any(e.quote and e.quote[:40] in problem.sentence for e in rec.evidence)
        if problem.sentence.startswith(rec.action) or quoted:
            return replace(problem, recommendation=rec.id)
    return problem


def analyse_event(event_dir: Path) -> RunResult:
    """Ingest and analyse an event in memory (for notebooks): nothing is written."""
    from omap_synthesis.nlp import load_nlp

    clock = _Clock()
    ingested = ingest_event(event_dir)
    result = RunResult(ingested, Path(event_dir))
    result.inputs, result.extras = analyse(ingested, event_dir, load_nlp(), clock)
    result.timings = clock.timings
    return result


METHOD = [
    "Les sources (transcriptions et notes) sont lues avec leur provenance : fichier, "
    "intervenant·e, position dans le texte et horodatage quand la source en a un. Les artefacts "
    "de transcription automatique (crédits de sous-titrage, répétitions, mots de remplissage) "
    "sont retirés du texte analysé, jamais du texte cité.",
    "Chaque passage est analysé par le modèle français de spaCy, puis étiqueté selon le codebook "
    "de la journée : termes du codebook reconnus par leurs lemmes, proximité sémantique avec la "
    "description de chaque objectif, et objectif que le programme attribue à la séquence, que "
    "le contenu peut contredire.",
    "Les thèmes récurrents sont trouvés par regroupement des passages selon leur contenu "
    "(TF-IDF sur les lemmes, réduction de dimension, k-moyennes), le nombre de thèmes étant "
    "choisi d'après les données ; chaque thème reçoit un libellé tiré de ses termes les plus "
    "distinctifs.",
    "Les résumés sont extractifs : des phrases verbatim choisies par un modèle appris sur des "
    "débats français réels (FREDSum), sans redondance. Les recommandations sont les phrases où "
    "un·e intervenant·e propose ou appelle une action, repérées sur l'analyse syntaxique, puis "
    "normalisées et regroupées quand plusieurs personnes disent la même chose.",
    "Le texte du rapporteur ne contient que des éléments tirés des sources : chaque citation est "
    "vérifiée mot pour mot, chaque nombre et chaque nom doivent figurer dans les passages cités "
    "ou dans le programme.",
    "La qualité de chaque étape est mesurée sur des débats français réels (corpus FREDSum) et "
    "sur des passages annotés un à un, sans l'outil ; les chiffres, avec les commandes qui les "
    "reproduisent, figurent dans la documentation du logiciel (README, « Qualité mesurée »).",
]


def _write_report_and_dataset(
    tmp: Path,
    inputs: DraftInputs,
    ingested,
    extras,
    event_dir: Path,
    pdf: bool,
    browser,
    figures,
    edits: tuple[list[str], list[str]] = ([], []),
    versions: dict[str, str] | None = None,
    read_aloud: Collection[str] = (),
) -> None:
    """The report (HTML, DOCX, PDF) and the dataset.

    The report follows the rapporteur's ``edits`` (``lecture.yaml``: recommendations excluded,
    then ordered), as the text read at 15:05 does, and titles the recommendations that text
    reads aloud (``read_aloud``, by id) and the others as it does; the dataset keeps every
    recommendation.

    ``figures()`` gives the report's figures, which the figure worker may be drawing while the
    dataset is written (:func:`omap_synthesis.report.start_figures`). Chromium (``browser``,
    started with the run) prints the PDF from the HTML in the background while the Word report
    is written.
    """
    from omap_synthesis.report import build_view, render_docx, render_html, start_pdf

    frame = export.passages_frame(
        ingested,
        inputs.pseudonymiser,
        extras["taggings"],
        extras["codebook"],
        extras["themes"].assignment,
        inputs.recommendations,
    )
    _write_dataset(tmp, inputs, ingested, extras, event_dir, frame, versions)
    quality = {
        f"thèmes : {_QUALITY_NAMES.get(k, k)}": _quality_value(v)
        for k, v in extras["themes"].quality.items()
        if isinstance(v, int | float) or v is None
    }
    edited = with_edits(inputs, *edits)
    aside = set_aside(ingested.passages, extras["taggings"])
    view = build_view(edited, ingested.reports, quality, METHOD, figures(), aside, read_aloud)
    (tmp / "rapport.html").write_text(render_html(view), encoding="utf-8")
    job = start_pdf(tmp / "rapport.html", tmp / "rapport.pdf", browser) if pdf else None
    with job or contextlib.nullcontext():
        render_docx(view, tmp / "rapport.docx")
        if job is not None:
            job.wait()


def _write_accounting(data: Path, ingested: Ingested) -> None:
    """The programme's slots and the files met, with what was read of them."""
    export.write_table(export.sequences_frame(ingested), data, "sequences", parquet=False)
    export.write_table(export.sources_frame(ingested), data, "sources", parquet=False)


def _write_dataset(
    tmp: Path, inputs: DraftInputs, ingested, extras, event_dir: Path, frame, versions=None
):
    from omap_synthesis.refiqda import build_project, write_qdpx

    data = tmp / "donnees"
    pseudo, codebook = inputs.pseudonymiser, extras["codebook"]
    themes = extras["themes"]
    export.write_table(frame, data, "passages")
    export.write_table(
        export.recommendations_frame(inputs.recommendations, pseudo, ingested.event),
        data,
        "recommandations",
        parquet=False,
    )
    export.write_table(export.themes_frame(themes.themes, pseudo), data, "themes", parquet=False)
    event = ingested.event
    _write_accounting(data, ingested)
    speakers = export.speakers_frame(
        frame[frame["kind"] != SLIDE],  # written, not said
        set(event.programme_people),
        set(pseudo.key().values()),
        [it.id for it in event.items],
    )
    export.write_table(speakers, data, "intervenants", parquet=False)
    (data / "LISEZMOI.md").write_text(
        export.data_dictionary(
            event.title, codebook, event.notice if event.fictional else "", versions
        ),
        encoding="utf-8",
    )
    shutil.copy(Path(event_dir) / event.codebook, data / "codebook.yaml")
    codes = {t.passage_id: list(t.labels) for t in extras["taggings"]}
    for pid, theme_id in themes.assignment.items():
        codes.setdefault(pid, []).append(theme_id)
    xml, texts = build_project(
        event.title,
        codebook,
        ingested.sources,
        ingested.passages,
        codes,
        pseudo,
        {t.id: t.label for t in themes.themes},
        dict(zip(frame["passage_id"], frame["speaker"], strict=True)),
    )
    write_qdpx(data / f"{event.id}.qdpx", xml, texts, event.title)
    private = tmp / "prive"
    private.mkdir(mode=0o700)  # the key to the pseudonyms: its owner only
    affiliations = {p.speaker: p.affiliation for p in ingested.passages if p.affiliation}
    export.write_json(
        private / "cle-pseudonymes.json",
        {
            "avertissement": "Clé de pseudonymisation : ne jamais publier ce fichier.",
            "pseudonymes": {
                name: {"pseudonyme": alias, "affiliation": affiliations.get(name, "")}
                for name, alias in pseudo.key().items()
            },
        },
    )


def _edits(event_dir: Path) -> Edits:
    """The rapporteur's exclusions and order (``load_edits``). A file that cannot be read is
    set aside with a warning, and the text says so at its head (« À vérifier »): it is still
    written from the sources, but she must not read an item she thought excluded. Without
    ``lecture.yaml``, a « lecture.yml » is read in its place; another name close to it is
    pointed out."""
    path = event_dir / EDITS_FILE
    near = [
        p
        for p in sorted(event_dir.glob("[Ll][Ee][Cc][Tt][Uu][Rr][Ee]*"))
        if p.name != EDITS_FILE and re.fullmatch(r"lecture\.ya?ml(\.\w+)?", p.name.casefold())
    ]
    if not path.exists() and near:
        yml = next((p for p in near if p.name.casefold() == "lecture.yml" and p.is_file()), None)
        if yml is not None:
            log.warning("%s lu à la place de %s, absent", yml.name, EDITS_FILE)
            path = yml
        else:
            unread = (
                f"{near[0].name} n'est pas lu (seul {EDITS_FILE} l'est) : ni exclusion ni "
                "ordre ne sont appliqués ; renommez-le"
            )
            log.warning("%s.", unread)
            return Edits(unread=unread)
    try:
        return load_edits(path)
    except InputError as exc:
        ignored = "le fichier est ignoré, ni exclusion ni ordre ne sont appliqués"
        log.warning("%s : %s.", exc, ignored)
        return Edits(unread=f"{at_line(path, exc.line)} : {exc.message} : {ignored}")


READING = ("lecture-15h05.md", "lecture-15h05.docx")
# The SHA-256 of the reading text as last written, to tell the rapporteur's own edits.
WRITTEN = ".lecture-15h05.sha256.json"


def _keep_hand_edits(tmp: Path, target: Path) -> None:
    """Keep the rapporteur's own edits of the text to read: a file of ``READING`` changed since
    the tool wrote it (or, when that is not known, different from the new text) is copied,
    before it is replaced, beside the new text as « lecture-15h05.modifié-14h52.md » (the time
    of its last change), with a warning. Copies kept by earlier runs are kept too."""
    if not target.is_dir():
        return
    for kept in target.glob("lecture-15h05.modifié-*"):
        shutil.copy2(kept, tmp / kept.name)
    try:
        written = json.loads((target / WRITTEN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        written = {}
    written = written if isinstance(written, dict) else {}
    for name in READING:
        path = target / name
        if not path.is_file():
            continue
        # Without a record of what was written (removed, damaged, an older version), a file
        # that differs from the new text is kept: an edit cannot be ruled out.
        unchanged = written.get(name) or _content_hash(tmp / name)
        if _content_hash(path) == unchanged:
            continue
        stem, suffix = name.rsplit(".", 1)
        stamp = time.strftime("%Hh%M", time.localtime(path.stat().st_mtime))
        kept = target / f"{stem}.modifié-{stamp}.{suffix}"
        for n in itertools.count(2):
            if not kept.exists() or file_hash(kept) == file_hash(path):
                break
            kept = target / f"{stem}.modifié-{stamp}-{n}.{suffix}"
        shutil.copy2(path, kept)
        shutil.copy2(path, tmp / kept.name)
        log.warning(
            "%s a été modifié depuis qu'il a été écrit : cette version est gardée sous %s, "
            "le nouveau texte le remplace.",
            name,
            kept.name,
        )


def _content_hash(path: Path) -> str:
    """SHA-256 of what a file says: for a Word file, of its document part, which is the same
    from one writing to the next (the archive's dates are not)."""
    if path.suffix == ".docx":
        try:
            with zipfile.ZipFile(path) as archive:
                return hashlib.sha256(archive.read("word/document.xml")).hexdigest()
        except (zipfile.BadZipFile, KeyError):
            pass  # not a Word file any more: its bytes tell
    return file_hash(path)


def _record_written(tmp: Path) -> None:
    hashes = {name: _content_hash(tmp / name) for name in READING}
    (tmp / WRITTEN).write_text(json.dumps(hashes, indent=2) + "\n", encoding="utf-8")


# What the report stage writes: ``draft`` and ``ingest`` keep it from an earlier ``run``.
REPORT_OUTPUTS = ("rapport.html", "rapport.docx", "rapport.pdf", "donnees", "prive")


def _keep_earlier(tmp: Path, target: Path, stages: tuple[str, ...]) -> list[str]:
    """Keep what an earlier run wrote and ``stages`` do not: after ``draft``, the report, the
    dataset and the pseudonym key; after ``ingest``, the rapporteur's text too (with the record
    of what was written and the copies of her edits), but not the dataset, which it writes.
    Warns that they do not account for this run; returns the names kept, for the manifest.
    Each is kept whole (a folder is never half replaced); one that cannot be copied is named
    and left out."""
    names = list(REPORT_OUTPUTS)
    if "draft" not in stages:
        edits = sorted(p.name for p in target.glob("lecture-15h05.modifié-*"))
        names = [*READING, WRITTEN, *edits, *(n for n in names if n != "donnees")]
    kept = []
    for name in names:
        path = target / name
        if not path.exists() or path.is_symlink():
            continue
        try:
            if path.is_dir():
                shutil.copytree(path, tmp / name, symlinks=True)
            else:
                shutil.copy2(path, tmp / name)
        except OSError as exc:  # shutil.Error too: an unreadable file in a folder
            shutil.rmtree(tmp / name, ignore_errors=True)
            reason = os_reason(exc) if exc.filename else "fichiers illisibles"
            log.warning("%s, d'une exécution précédente, n'a pas pu être gardé (%s).", name, reason)
            continue
        if name != WRITTEN:  # the record goes with the text; not said apart
            kept.append(f"{name}/" if path.is_dir() else name)
    if kept:
        one = len(kept) == 1
        log.warning(
            "%s %s d'une exécution précédente et %s pas compte de celle-ci : relancez "
            "« omap-synthesis run » pour %s mettre à jour.",
            join_words(kept),
            "vient" if one else "viennent",
            "ne tient" if one else "ne tiennent",
            "le" if one else "les",
        )
    return kept


def _early_draft(tmp: Path, target: Path) -> None:
    """Replace the rapporteur's files in an existing output at once (each file atomically)."""
    if not target.is_dir():
        return
    for name in (*READING, WRITTEN):
        staging = target / f".{name}.tmp"
        shutil.copyfile(tmp / name, staging)
        os.replace(staging, target / name)


def run(
    event_dir: Path,
    out: Path,
    stages: tuple[str, ...] = STAGES,
    words: int = DEFAULT_WORDS,
    on_stage=None,
    pdf: bool = True,
) -> RunResult:
    """Run ``stages`` (ingest, draft, report) on the event and write ``out/<event-id>/``.

    Everything is written to a temporary folder beside the target and moved into place only
    when complete: a failure (unwritable folder, unfaithful draft) leaves no half-written output.
    The rapporteur's text, once it has passed the gate, replaces the previous one before the
    report is built. ``on_stage(name)`` is called as each stage ends; ``pdf=False`` skips the
    PDF (live mode).
    """
    from omap_synthesis.figure_worker import FigureWorker
    from omap_synthesis.pdf import Browser

    # Helpers on the other core for a one-off run: Chromium starts now, so that only the print
    # is left for the end; the figure worker once the model is loaded, to draw during the
    # analysis (started with Chromium, its imports would slow the ingest and the load). Live
    # mode keeps matplotlib loaded and draws in place.
    ahead = pdf and "report" in stages
    with contextlib.ExitStack() as helpers:
        browser = Browser.start() if ahead else None
        if browser is not None:
            helpers.callback(browser.close)

        def start_worker() -> FigureWorker | None:
            worker = FigureWorker.start() if ahead else None
            if worker is not None:
                helpers.callback(worker.close)
            return worker

        return _run(event_dir, out, stages, words, on_stage, pdf, browser, start_worker)


def _run(event_dir, out, stages, words, on_stage, pdf, browser, start_worker) -> RunResult:
    clock = _Clock(on_stage)
    ingested = ingest_event(event_dir)
    clock.lap("ingest")
    event = ingested.event
    if not ingested.passages:  # nothing to write: the outputs of an earlier run stay as they are
        return RunResult(ingested, out / event.id)
    out.mkdir(parents=True, exist_ok=True)
    tmp = export.staging_folder(out, f".{event.id}-")
    result = RunResult(ingested, out / event.id)
    nlp = None
    try:
        if stages == ("ingest",):
            pseudo = build_pseudonymiser(ingested.passages, event)
            _say_names_in_file_names(ingested, pseudo)
            export.write_table(export.passages_frame(ingested, pseudo), tmp / "donnees", "passages")
            _write_accounting(tmp / "donnees", ingested)
        else:
            from omap_synthesis.nlp import load_nlp

            nlp = load_nlp()
            clock.lap("load")
            figures = None
            if "report" in stages:
                from omap_synthesis.report import ReportFigures

                figures = ReportFigures(event, ingested.passages, start_worker())
            result.inputs, result.extras = analyse(
                ingested, event_dir, nlp, clock, on_parsed=figures.programme if figures else None
            )
            if figures is not None:
                figures.analysis(result.inputs)
            edits = _edits(Path(event_dir))
            for problem in edit_problems(result.inputs.recommendations, edits):
                log.warning("%s", problem)
            result.edits = edits_applied(result.inputs.recommendations, edits)
            draft = write_reading(
                tmp, result.inputs, nlp, edits.exclude, edits.order, words, edits.unread
            )
            _record_written(tmp)
            _keep_hand_edits(tmp, result.out_dir)
            _early_draft(tmp, result.out_dir)
            clock.lap("draft")
            if "report" in stages:
                _write_report_and_dataset(
                    tmp,
                    result.inputs,
                    ingested,
                    result.extras,
                    event_dir,
                    pdf,
                    browser,
                    figures,
                    (edits.exclude, edits.order),
                    export.versions(nlp),
                    {i for s in draft.sections if s.read_aloud for i in s.item_ids},
                )
                clock.lap("report")
        manifest = _manifest(ingested, event_dir, stages, words, nlp)
        if "report" not in stages:
            manifest["earlier"] = _keep_earlier(tmp, result.out_dir, stages)
        export.write_json(tmp / "manifest.json", manifest)
        publish(tmp, result.out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.timings = clock.timings
    return result
