"""REFI-QDA export validates against the project schema and codes the right spans."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from omap_synthesis.anonymise import build_pseudonymiser
from omap_synthesis.event import load_codebook
from omap_synthesis.refiqda import build_project, write_qdpx

SCHEMA = Path(__file__).parent / "fixtures" / "refi-qda" / "Project-mrt2019.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}


def test_qdpx_is_valid_and_pseudonymised(tmp_path, sample_event, sample_ingested):
    codebook = load_codebook(sample_event / "codebook.yaml")
    passages = sample_ingested.passages
    pseudo = build_pseudonymiser(passages, sample_ingested.event)
    codes = {p.id: ["O1", "O1.1"] for p in passages[::5]}
    codes[passages[1].id] = ["T1"]
    xml, texts = build_project(
        "omap", codebook, sample_ingested.sources, passages, codes, pseudo, {"T1": "registres"}
    )
    path = tmp_path / "omap.qdpx"
    write_qdpx(path, xml, texts, "omap")
    with zipfile.ZipFile(path) as archive:
        doc = etree.fromstring(archive.read("project.qde"))
        names = archive.namelist()
        sources = {n: archive.read(n).decode() for n in names if n.startswith("Sources/")}
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(doc)
    assert len(sources) == len(sample_ingested.sources)
    for name in pseudo.key():
        assert all(name not in text for text in sources.values())
    selections = doc.findall(".//q:PlainTextSelection", NS)
    # Every passage is a selection; only the coded ones carry codings.
    assert len(selections) == len(passages)
    assert sum(bool(s.findall("q:Coding", NS)) for s in selections) == len(codes)
    by_name = {s.get("name"): s for s in selections}
    # One case per speaker, holding the selections of their passages.
    guid_of = {s.get("guid"): s.get("name") for s in selections}
    cases = {c.get("name"): c for c in doc.findall(".//q:Cases/q:Case", NS)}
    speaker = pseudo.speaker(passages[0].speaker)
    held = {guid_of[r.get("targetGUID")] for r in cases[speaker].findall("q:SelectionRef", NS)}
    assert held == {p.id for p in passages if pseudo.speaker(p.speaker) == speaker}
    assert not set(cases) & set(pseudo.key())
    for p in passages[::5][:10]:
        sel = by_name[p.id]
        source = doc.find(f".//q:TextSource[@name='{p.source}']", NS)
        text = sources[f"Sources/{source.get('plainTextPath').split('//')[1]}"]
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        assert pseudo.text(p.text) == text[start:end]
