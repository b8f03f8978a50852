"""One-page A4 PDFs with Vietnamese text, for lessons and exercises to sign.

Built with pyHanko's own writer and text boxes, so the documents we sign are made by the
same well-kept library that signs them; we only add line wrapping, which pyHanko leaves out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from io import BytesIO

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import PdfResources
from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

from kynangso.messages import t

from .typeface import vietnamese_font

A4 = (595.28, 841.89)
MARGIN = 57  # 2 cm
TEXT_WIDTH = A4[0] - 2 * MARGIN
TITLE_SIZE, TITLE_LEADING = 16, 22
BODY_SIZE, BODY_LEADING = 11, 16
TITLE_GAP = 14
# Room kept free at the foot of the page for the visible signature box.
SIGNATURE_ROOM = 110

_TOP_LEFT = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MIN,
    inner_content_scaling=layout.InnerScaling.NO_SCALING,
)


def wrap(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """Greedy word wrap of one paragraph; a word wider than a line is cut by letters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for letter in word:
            if line and measure(line + letter) > width:
                lines.append(line)
                line = ""
            line += letter
    lines.append(line)
    return lines


def _paragraphs(text: str) -> Iterable[str]:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").split("\n")


def _text_block(writer, text: str, size: int, leading: int, font_name: str) -> TextBox:
    """A text box whose content is ``text`` wrapped to the page's text width."""
    style = TextBoxStyle(
        font=vietnamese_font(size), font_size=size, leading=leading, box_layout_rule=_TOP_LEFT
    )
    box = TextBox(style, writer, font_name=font_name)

    def measure(line: str) -> float:
        return box.font_engine.shape(line).x_advance * size

    lines = [line for paragraph in _paragraphs(text) for line in wrap(paragraph, measure, TEXT_WIDTH)]
    box.content = "\n".join(lines)
    return box


def _placed(box: TextBox, top: float) -> bytes:
    """The box's drawing operators, moved so that its first line starts at ``top``."""
    height = len(box.content_lines) * box.leading
    return b"q 1 0 0 1 %g %g cm %s Q" % (MARGIN, top - height, box.render())


def make_document(title: str, body: str) -> bytes:
    """A one-page A4 PDF: ``title`` in large type, then ``body``, one paragraph per line."""
    title = " ".join(unicodedata.normalize("NFC", str(title)).split())
    if not title:
        raise ValueError(t("pki.document.empty_title"))
    writer = PdfFileWriter()
    heading = _text_block(writer, title, TITLE_SIZE, TITLE_LEADING, "F1")
    text = _text_block(writer, str(body), BODY_SIZE, BODY_LEADING, "F2")

    top = A4[1] - MARGIN
    body_top = top - len(heading.content_lines) * TITLE_LEADING - TITLE_GAP
    if body_top - len(text.content_lines) * BODY_LEADING < MARGIN + SIGNATURE_ROOM:
        raise ValueError(t("pki.document.too_long"))

    content = b" ".join([_placed(heading, top), _placed(text, body_top)])
    resources = PdfResources()
    resources += heading.resources
    resources += text.resources
    stream = writer.add_object(generic.StreamObject(stream_data=content))
    writer.insert_page(PageObject(stream, (0, 0, *A4), resources.as_pdf_object()))
    writer.root["/Lang"] = generic.pdf_string("vi")
    writer.document_meta.title = title

    output = BytesIO()
    writer.write(output)
    return output.getvalue()
