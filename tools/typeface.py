#!/usr/bin/env python3
"""Writes the default theme's typeface, Atkinson Hyperlegible (Braille Institute, SIL Open Font
License 1.1), regular and bold: themes/default/static/vendor/atkinson-hyperlegible-VERSION/.

From the package's Latin files (tools/fontsource.py), each font keeps only the characters French
text and the theme use, without hinting: ~10 kB a weight instead of 17. The font has no narrow
no-break space (U+202F, which French puts before « ; : ! ? » and between thousands) nor thin
space (U+2009): both are added, empty, a fifth of an em wide, so that a line of French does not
look for them in another typeface. The same package gives the same bytes.

Usage: python3 tools/typeface.py   (needs npm, and pip's fonttools and brotli)
Prints the unicode-range to give the @font-face rules of static/style.css.
"""
import pathlib

from fontTools import subset
from fontTools.ttLib.tables._g_l_y_f import Glyph

from fontsource import VERSION, fetch

WEIGHTS = [400, 700]
# Basic Latin, Latin-1, « œ Œ Ÿ », spaces, dashes, quotes, bullet, ellipsis, guillemets, euro,
# trade mark, arrows, minus. Characters the font lacks are left out of the unicode-range.
UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x100), 0x152, 0x153, 0x178, 0x2009, 0x202F,
            *range(0x2010, 0x2015), *range(0x2018, 0x201F), 0x2022, 0x2026, 0x2039, 0x203A,
            0x20AC, 0x2122, *range(0x2190, 0x2194), 0x2212]
ADDED_SPACES = {0x2009: "uni2009", 0x202F: "uni202F"}
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / f"themes/default/static/vendor/atkinson-hyperlegible-{VERSION}"


def add_spaces(font):
    width = font["head"].unitsPerEm // 5
    order = font.getGlyphOrder()
    for code, name in ADDED_SPACES.items():
        if code in font.getBestCmap():
            continue
        order.append(name)
        font["glyf"].glyphs[name] = Glyph()
        font["hmtx"].metrics[name] = (width, 0)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[code] = name
    font.setGlyphOrder(order)
    font["glyf"].glyphOrder = order


def ranges(codes):
    out, start, prev = [], None, None
    for c in sorted(codes) + [None]:
        if start is not None and c != prev + 1:
            out.append(f"U+{start:04X}" if start == prev else f"U+{start:04X}-{prev:04X}")
            start = None
        if c is not None and start is None:
            start = c
        prev = c
    return ", ".join(out)


fonts, licence = fetch([f"atkinson-hyperlegible-latin-{w}-normal.woff2" for w in WEIGHTS])
OUT.mkdir(parents=True, exist_ok=True)
options = subset.Options()
options.flavor = "woff2"
options.hinting = False
options.desubroutinize = True
options.layout_features = ["kern", "liga"]
options.name_IDs = ["*"]
kept = set()
for weight, font in zip(WEIGHTS, fonts):
    add_spaces(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    font.flavor = "woff2"
    path = OUT / f"atkinson-hyperlegible-latin-{weight}-normal.woff2"
    font.save(path)
    kept.add(frozenset(font.getBestCmap()))
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")
if len(kept) != 1:
    raise SystemExit("the weights do not cover the same characters")
(OUT / "LICENSE").write_text(licence)
print("unicode-range:", ranges(next(iter(kept))))
