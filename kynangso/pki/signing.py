"""Signing a PDF the way Vietnamese e-government expects: PAdES, with a visible box.

The box shows the signer's name, the time, the reason and the place in Vietnamese, drawn
with the shipped DejaVu Sans so the name keeps its diacritics in every viewer.
"""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.stamp import TextStampStyle

from kynangso.messages import t

from ._sync import run_sync
from .signer import Signer
from .typeface import vietnamese_font

STAMP_WIDTH, STAMP_HEIGHT = 250, 90
STAMP_MARGIN = 57  # 2 cm from the page's lower right corner
STAMP_FONT_SIZE, STAMP_LEADING = 9, 12
FIELD_PREFIX = "ChuKySo"


def _escaped(text: str) -> str:
    """Text for pyHanko's %-style stamp template, taken literally."""
    return text.replace("%", "%%")


def _stamp_style(reason: str, location: str) -> TextStampStyle:
    text = t(
        "pki.sign.stamp",
        name="%(signer)s",  # pyHanko fills these two in when it signs
        time="%(ts)s",
        reason=_escaped(reason),
        location=_escaped(location),
    )
    return TextStampStyle(
        stamp_text=text,
        timestamp_format=t("pki.sign.time_format"),
        text_box_style=TextBoxStyle(
            font=vietnamese_font(STAMP_FONT_SIZE), font_size=STAMP_FONT_SIZE, leading=STAMP_LEADING
        ),
        border_width=1,
    )


def _media_box(writer: IncrementalPdfFileWriter) -> tuple[float, float, float, float]:
    """The last page's MediaBox (left, bottom, right, top), inherited from the page tree if need be."""
    node = writer.find_page_for_modification(-1)[0].get_object()
    while "/MediaBox" not in node:
        node = node["/Parent"]
    left, bottom, right, top = (float(value) for value in node["/MediaBox"])
    return left, bottom, right, top


def _stamp_box(writer: IncrementalPdfFileWriter) -> tuple[float, float, float, float]:
    """A box in the lower right corner of the last page."""
    _, bottom, right, _ = _media_box(writer)
    return (
        right - STAMP_MARGIN - STAMP_WIDTH,
        bottom + STAMP_MARGIN,
        right - STAMP_MARGIN,
        bottom + STAMP_MARGIN + STAMP_HEIGHT,
    )


def _field_name(writer: IncrementalPdfFileWriter) -> str:
    """A name not yet used, so a document can carry several signatures."""
    taken = {name for name, _, _ in fields.enumerate_sig_fields(writer, filled_status=None)}
    number = 1
    while f"{FIELD_PREFIX}{number}" in taken:
        number += 1
    return f"{FIELD_PREFIX}{number}"


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        writer = IncrementalPdfFileWriter(BytesIO(bytes(pdf)), strict=False)
        _media_box(writer)
    except (PdfError, ValueError, TypeError, KeyError, IndexError):
        raise ValueError(t("pki.sign.not_pdf")) from None
    return writer


def sign_pdf(
    pdf: bytes,
    signer: Signer,
    *,
    reason: str | None = None,
    location: str | None = None,
) -> bytes:
    """``pdf`` with a PAdES signature by ``signer`` appended as an incremental update.

    No timestamp authority is involved (training is offline): the signing time is the
    signer's own clock, recorded in the signed part of the signature dictionary.
    """
    reason = t("pki.sign.default_reason") if reason is None else str(reason)
    location = t("pki.sign.default_location") if location is None else str(location)
    writer = _open(pdf)
    try:
        field_name = _field_name(writer)
        pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name=field_name,
                subfilter=SigSeedSubFilter.PADES,
                md_algorithm="sha256",
                reason=reason,
                location=location,
                name=signer.full_name,
            ),
            signer=signer.pyhanko_signer,
            stamp_style=_stamp_style(reason, location),
            new_field_spec=fields.SigFieldSpec(field_name, on_page=-1, box=_stamp_box(writer)),
        )
        output = run_sync(pdf_signer.async_sign_pdf(writer))
    except (PdfError, SigningError):
        raise ValueError(t("pki.sign.cannot_sign")) from None
    return output.getvalue()
