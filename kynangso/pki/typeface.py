"""The one typeface of the training PKI's PDFs: DejaVu Sans, shipped in this package.

It covers every Vietnamese letter with its diacritics, and pyHanko embeds it as a subset
with a ToUnicode map, so the text both renders and copies out (``pdftotext``) correctly
on a machine with no network and no fonts of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

FONT_FILE = files(__package__).joinpath("fonts", "DejaVuSans.ttf")
# PDF measures glyphs of embedded CID fonts in units of 1/1000 em (ISO 32000-1, 9.7.4.3).
GLYPH_SPACE_UNITS = 1000


@cache
def _font_bytes() -> bytes:
    return FONT_FILE.read_bytes()


class _GlyphSpaceAccumulator(GlyphAccumulator):
    """pyHanko's glyph accumulator, measuring in PDF glyph space.

    pyHanko 0.38 writes glyph widths (/W, TJ adjustments) and font metrics in the font's
    own units, which is only right for fonts with 1000 units per em. DejaVu Sans has
    2048, so viewers would spread each line over twice its width. Here HarfBuzz shapes at
    1000 units per em and the widths and metrics pyHanko writes are scaled to match.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._to_glyph_space = GLYPH_SPACE_UNITS / self.units_per_em
        self.hb_font.scale = (GLYPH_SPACE_UNITS, GLYPH_SPACE_UNITS)
        self.units_per_em = GLYPH_SPACE_UNITS

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        # pyHanko caches (cid, width) per glyph and writes the cached widths as /W.
        if glyph_id not in self._glyphs:
            cid, _ = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, self.hb_font.get_glyph_h_advance(glyph_id))
        return self._glyphs[glyph_id]

    def prepare_write(self):
        scaled = self._write_prepared
        super().prepare_write()
        if not scaled:
            self._scale_descriptor(self.cidfont_obj["/FontDescriptor"])

    def _scale_descriptor(self, descriptor: generic.DictionaryObject) -> None:
        def scale(value):
            return generic.NumberObject(round(value * self._to_glyph_space))

        for key in ("/Ascent", "/Descent"):
            descriptor[key] = scale(descriptor[key])
        descriptor["/FontBBox"] = generic.ArrayObject(map(scale, descriptor["/FontBBox"]))
        # Without an OS/2 cap height (DejaVu has none) pyHanko's fallback is in glyph space already.
        cap_height = getattr(self.tt["OS/2"], "sCapHeight", None)
        if cap_height is not None:
            descriptor["/CapHeight"] = scale(cap_height)


@dataclass(frozen=True)
class _VietnameseFontFactory(GlyphAccumulatorFactory):
    """``GlyphAccumulatorFactory`` for the shipped font, making glyph-space accumulators."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return _GlyphSpaceAccumulator(
            writer=writer,
            font_handle=BytesIO(_font_bytes()),
            font_size=self.font_size,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )


def vietnamese_font(size: int) -> GlyphAccumulatorFactory:
    """The font engine factory for pyHanko text boxes and signature stamps."""
    return _VietnameseFontFactory(str(FONT_FILE), font_size=size, bcp47_lang_code="vi")
