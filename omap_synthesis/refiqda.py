"""REFI-QDA project export (``.qdpx``): sources, codebook, every passage as a selection (coded
with its labels and theme) and one case per speaker.

A ``.qdpx`` is a zip holding ``project.qde`` (QDA-XML 1.0, namespace ``urn:QDA-XML:project:1.0``)
and the plain-text sources under ``Sources/``. QualCoder, MAXQDA, ATLAS.ti and NVivo import it.
"""

from __future__ import annotations

import uuid
import zipfile
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from xml.etree import ElementTree as ET

from omap_synthesis.anonymise import Pseudonymiser
from omap_synthesis.models import Codebook, Passage, SourceText

NS = "urn:QDA-XML:project:1.0"
_ZIP_DATE = (2000, 1, 1, 0, 0, 0)
PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#843c0c"]


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "omap-synthesis:" + ":".join(parts)))


def _el(parent, tag: str, **attrs) -> ET.Element:
    return ET.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attrs.items()})


def _code(parent, project: str, label, colour: str, code_guid: dict) -> ET.Element:
    """A codable ``Code`` for a codebook label, with its description; records its GUID."""
    code_guid[label.id] = _guid(project, "code", label.id)
    element = _el(
        parent,
        "Code",
        guid=code_guid[label.id],
        name=f"{label.id} {label.name}",
        isCodable="true",
        color=colour,
    )
    _el(element, "Description").text = label.description
    return element


def _shifter(shifts: list[tuple[int, int]]):
    ends = [end for end, _ in shifts]
    totals = [0, *accumulate(delta for _, delta in shifts)]
    return lambda offset: offset + totals[bisect_right(ends, offset)]


def build_project(
    name: str,
    codebook: Codebook,
    sources: dict[str, SourceText],
    passages: list[Passage],
    codes: dict[str, list[str]],
    pseudonymiser: Pseudonymiser,
    extra_codes: dict[str, str] | None = None,
    speakers: dict[str, str] | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The ``project.qde`` document and the public text of each source, keyed by file name.

    ``codes`` maps a passage id to the code ids it carries (codebook ids or ``extra_codes`` ids,
    e.g. themes, given as ``{id: name}``); ``speakers`` maps a passage id to its speaker as the
    passages table names them (``anonymise.public_speaker``), the pseudonymiser's name of the
    label by default.
    """
    ET.register_namespace("", NS)
    user = _guid(name, "user")
    root = ET.Element(f"{{{NS}}}Project", {"name": name, "origin": "omap-synthesis"})
    root.set("creatingUserGUID", user)
    _el(_el(root, "Users"), "User", guid=user, name="omap-synthesis")
    code_guid = {}
    codes_el = _el(_el(root, "CodeBook"), "Codes")
    for i, top in enumerate(codebook.top):
        colour = PALETTE[i % len(PALETTE)]
        top_el = _code(codes_el, name, top, colour, code_guid)
        for child in codebook.children(top.id):
            _code(top_el, name, child, colour, code_guid)
    if extra_codes:
        group = _el(
            codes_el, "Code", guid=_guid(name, "code", "themes"), name="Thèmes", isCodable="false"
        )
        for code_id, label in extra_codes.items():
            code_guid[code_id] = _guid(name, "code", code_id)
            _el(group, "Code", guid=code_guid[code_id], name=f"{code_id} {label}", isCodable="true")
    texts: dict[str, str] = {}
    # One case per speaker (public name), holding the selections of their passages: a QDA tool
    # filters or compares by speaker. Filled while the sources are written.
    cases_el = _el(root, "Cases")
    case_of: dict[str, ET.Element] = {}
    sources_el = _el(root, "Sources")
    for source_name in sorted(sources):
        public, shifts = pseudonymiser.text_with_offsets(sources[source_name].text)
        move = _shifter(shifts)
        texts[source_name] = public
        guid = _guid(name, "source", source_name)
        source_el = _el(
            sources_el,
            "TextSource",
            guid=guid,
            name=source_name,
            plainTextPath=f"internal://{guid}.txt",
        )
        for p in (p for p in passages if p.source == source_name):
            # Every passage is a selection, coded or not (one in another language has no code).
            selection = _el(
                source_el,
                "PlainTextSelection",
                guid=_guid(name, "sel", p.id),
                name=p.id,
                startPosition=move(p.start_char),
                endPosition=move(p.end_char),
            )
            speaker = (speakers or {}).get(p.id) or pseudonymiser.speaker(p.speaker)
            _el(selection, "Description").text = speaker
            for code_id in (c for c in codes.get(p.id, []) if c in code_guid):
                coding = _el(selection, "Coding", guid=_guid(name, "coding", p.id, code_id))
                _el(coding, "CodeRef", targetGUID=code_guid[code_id])
            if speaker:
                if speaker not in case_of:
                    case_of[speaker] = _el(
                        cases_el, "Case", guid=_guid(name, "case", speaker), name=speaker
                    )
                _el(case_of[speaker], "SelectionRef", targetGUID=_guid(name, "sel", p.id))
    if not case_of:  # a Cases element holds one case at least
        root.remove(cases_el)
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml, texts


def write_qdpx(path: Path, xml: bytes, texts: dict[str, str], name: str) -> None:
    """Zip ``project.qde`` and ``Sources/<guid>.txt`` deterministically."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", _ZIP_DATE), xml)
        for source_name, text in sorted(texts.items()):
            guid = _guid(name, "source", source_name)
            archive.writestr(zipfile.ZipInfo(f"Sources/{guid}.txt", _ZIP_DATE), text.encode())
