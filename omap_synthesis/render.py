"""Render the rapporteur's text to Markdown and Word (real styles, editable)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from omap_synthesis.draft import Draft, typography

_EMPHASIS = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*)")


def _block(sentences) -> str:
    return " ".join(typography(s.text) for s in sentences)


def draft_markdown(draft: Draft) -> str:
    """The draft as Markdown (deterministic: no date, no path)."""
    lines = [f"# {typography(draft.title)}", "", f"*{typography(draft.subtitle)}*", ""]
    if draft.notice:
        lines += [f"> **Avertissement.** {typography(draft.notice)}", ""]
    if draft.to_check:
        lines += [f"> **À vérifier (non lu).** {typography(draft.to_check)}", ""]
    number = 0
    for section in draft.sections:
        lines += [f"{'#' * section.level} {typography(section.title)}", ""]
        for paragraph in section.paragraphs:
            lines += [_block(paragraph), ""]
        for k, item in enumerate(section.items):
            head, *rest = item
            number += 1
            # The id, for lecture.yaml, in a comment: seen in the file, not in a rendering.
            rid = f" <!-- {section.item_ids[k]} -->" if k < len(section.item_ids) else ""
            lines.append(f"{number}. **{typography(head.text)}** {_block(rest)}".rstrip() + rid)
        if section.items:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _runs(paragraph, text: str, bold: bool = False) -> None:
    for piece in _EMPHASIS.split(text):
        if not piece:
            continue
        if piece.startswith("**"):
            paragraph.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*"):
            run = paragraph.add_run(piece[1:-1])
            run.italic, run.bold = True, bold
        else:
            paragraph.add_run(piece).bold = bold


def word_document(title: str, author: str = ""):
    """A new Word document (python-docx) titled ``title``, by ``author`` (the tool by
    default), with style look-ups memoised.

    python-docx finds a style by name by scanning every style of its template, each time a
    paragraph, heading or table is given one: most of the time spent writing a long report.
    The template's styles do not change while the document is built, so each name is looked
    up once.
    """
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    part = document.part
    part.get_style_id = cache(part.get_style_id)
    # French text: Word checks spelling in the document's default language (the template's
    # is en-US), and the template's author and comment are python-docx's own.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for lang in defaults.iter(qn("w:lang")):
        lang.set(qn("w:val"), "fr-FR")
    properties = document.core_properties
    properties.title, properties.language = title, "fr-FR"
    properties.author = author or "omap-synthesis"
    properties.last_modified_by = "omap-synthesis"
    properties.comments = ""
    _a4_with_page_numbers(document.sections[0])
    return document


def _a4_with_page_numbers(section) -> None:
    """A4 pages (the template's are US Letter) and the page number centred at the foot."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = OxmlElement("w:fldSimple")
    number.set(qn("w:instr"), "PAGE")
    paragraph._p.append(number)


def draft_docx(draft: Draft, path: Path) -> None:
    """The draft as a Word document using Word's own styles (Title, Heading, List Number)."""
    document = word_document(draft.title)
    document.add_paragraph(typography(draft.title), style="Title")
    _runs(document.add_paragraph(style="Subtitle"), typography(draft.subtitle))
    if draft.notice:
        _runs(
            document.add_paragraph(style="Intense Quote"),
            typography(f"Avertissement. {draft.notice}"),
        )
    if draft.to_check:
        _runs(
            document.add_paragraph(style="Intense Quote"),
            typography(f"À vérifier (non lu). {draft.to_check}"),
        )
    for section in draft.sections:
        document.add_heading(typography(section.title), level=section.level - 1)
        for paragraph in section.paragraphs:
            _runs(document.add_paragraph(), _block(paragraph))
        for k, item in enumerate(section.items):
            head, *rest = item
            paragraph = document.add_paragraph(style="List Number")
            _runs(paragraph, typography(head.text), bold=True)
            if k < len(section.item_ids):
                # The id, for lecture.yaml, in a Word comment: in the margin, not in the text.
                rid = section.item_ids[k]
                comment = document.add_comment(paragraph.runs, rid, author="omap-synthesis")
                comment._comment_elm.date = None  # undated: two writings are the same document
            if rest:
                _runs(paragraph, " " + _block(rest))
    document.save(str(path))
