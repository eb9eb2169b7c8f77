#!/usr/bin/env python3
"""Web fonts of the portal: Be Vietnam Pro as one small WOFF2 per weight, made from the TrueType files that
the PDFs use (static/fonts, WeasyPrint embeds those whole), subset to the characters Vietnamese text needs.

Usage: .venv/bin/python static/vendor/subset-fonts.py
Writes static/vendor/be-vietnam-pro/be-vietnam-pro.css and be-vietnam-pro-*.woff2 (fontTools). One file per
weight instead of the three unicode-range slices (latin, latin-ext, vietnamese) a Vietnamese page loaded.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "static" / "fonts"
OUT = ROOT / "static" / "vendor" / "be-vietnam-pro"

# Basic Latin and Latin-1, the Vietnamese letters (Ă Đ Ĩ Ũ Ơ Ư and the Latin Extended Additional block),
# combining tone marks (decomposed input), general punctuation, the đồng and euro signs, ™, arrows.
UNICODES = ("U+0020-007E,U+00A0-00FF,U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+01AF-01B0,"
            "U+0152-0153,U+0300-0301,U+0303,U+0309,U+0323,U+1EA0-1EF9,U+2010-2027,U+2030-203A,U+20AB,U+20AC,"
            "U+2122,U+2190-2193,U+2212")

FACES = [  # (TrueType file, weight, style)
    ("BeVietnamPro_400Regular.ttf", 400, "normal"),
    ("BeVietnamPro_400Regular_Italic.ttf", 400, "italic"),
    ("BeVietnamPro_600SemiBold.ttf", 600, "normal"),
    ("BeVietnamPro_700Bold.ttf", 700, "normal"),
]


def main():
    from fontTools import subset

    css = ["/* Be Vietnam Pro (SIL Open Font License, see LICENSE), subset for Vietnamese by "
           "static/vendor/subset-fonts.py. */"]
    for source, weight, style in FACES:
        name = f"be-vietnam-pro-{weight}{'-italic' if style == 'italic' else ''}.woff2"
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["kern", "liga", "mark", "mkmk", "ccmp", "locl"]
        options.name_IDs = ["*"]
        options.hinting = False
        options.desubroutinize = True
        font = subset.load_font(str(SOURCE / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
        subsetter.subset(font)
        subset.save_font(font, str(OUT / name), options)
        css.append(f"@font-face{{font-family:'Be Vietnam Pro';font-style:{style};font-weight:{weight};"
                   f"font-display:swap;src:url(./{name}) format('woff2')}}")
        print(f"{name}: {(OUT / name).stat().st_size} bytes")
    (OUT / "be-vietnam-pro.css").write_text("\n".join(css) + "\n")


if __name__ == "__main__":
    main()
