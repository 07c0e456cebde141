#!/usr/bin/env python3
"""Writes src/load/brand/favicon_glyphs.rs: the outlines of the capitals and digits a commune's name
may start with, from Atkinson Hyperlegible Bold (SIL Open Font License 1.1, npm package
@fontsource/atkinson-hyperlegible, pinned below), for the default favicon. The favicon draws
its initial as a path: a letter of <text> makes the browser look for a system typeface and lay
out a document of its own for a 16-pixel icon, and looks different on every system.

Usage: python3 tools/favicon_glyphs.py   (needs npm, and pip's fonttools)
"""
import pathlib

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen

from fontsource import PACKAGE, fetch

FILES = ["atkinson-hyperlegible-latin-700-normal.woff", "atkinson-hyperlegible-latin-ext-700-normal.woff"]
CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
ROOT = pathlib.Path(__file__).resolve().parent.parent

fonts, licence = fetch(FILES)

rows = []
for ch in CHARS:
    for font in fonts:
        glyph = font.getBestCmap().get(ord(ch))
        if glyph:
            break
    else:
        raise SystemExit(f"no glyph for {ch}")
    glyphs = font.getGlyphSet()
    bounds = BoundsPen(glyphs)
    glyphs[glyph].draw(bounds)
    pen = SVGPathPen(glyphs, ntos=lambda v: str(round(v)))
    # Font units, the y axis turned down as SVG's.
    glyphs[glyph].draw(TransformPen(pen, (1, 0, 0, -1, 0, 0)))
    x0, y0, x1, y1 = (round(v) for v in bounds.bounds)
    rows.append(f"    ('{ch}', [{x0}, {-y1}, {x1}, {-y0}], \"{pen.getCommands()}\"),")

units = fonts[0]["head"].unitsPerEm
out = f"""//! The outlines of the capitals and digits the default favicon draws (written by
//! `tools/favicon_glyphs.py`; do not edit): Atkinson Hyperlegible Bold, {PACKAGE},
//! under the SIL Open Font License 1.1 (`favicon_glyphs.LICENCE.txt`). Font units, {units} to
//! the em, the y axis down; each with its box [left, top, right, bottom].

pub const GLYPHS: &[(char, [i32; 4], &str)] = &[
{chr(10).join(rows)}
];
"""
(ROOT / "src/load/brand/favicon_glyphs.rs").write_text(out)
(ROOT / "src/load/brand/favicon_glyphs.LICENCE.txt").write_text(licence)
print(f"{len(rows)} glyphs, {len(out)} bytes")
