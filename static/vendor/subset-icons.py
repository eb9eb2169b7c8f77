#!/usr/bin/env python3
"""Subset Bootstrap Icons to the icons the portal uses (a few dozen of its 2,000: ~134 KB of font -> a few KB).

Usage: .venv/bin/python static/vendor/subset-icons.py [PACKAGE_DIR]
  PACKAGE_DIR: an unpacked bootstrap-icons npm package (its font/ folder); without it the pinned
  version is fetched with `npm pack` (as update.sh does). Run it after using a new icon: the test
  tests/portal/test_static_assets.py fails while a template names an icon missing from the subset.

Where icons are found (write an icon's class in full, `bi-NAME`, so that it is found):
  * templates/**/*.html: `bi-NAME` inside class="..." and `icon="NAME"` arguments of {% include %}
    (templates/_empty.html) and `icon|default:'NAME'`;
  * static/js/*.js and the apps' *.py: string literals "bi-NAME".
Writes static/vendor/bootstrap-icons/bootstrap-icons.css and fonts/bootstrap-icons.woff2 (fontTools, WOFF2).
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION = "1.13.2"
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "static" / "vendor" / "bootstrap-icons"
APPS = ("portal", "procedures", "dossiers", "workflow", "citizens")

CLASS_ATTR = re.compile(r"""class=(["'])(.*?)\1""", re.S)
ICON_CLASS = re.compile(r"(?<![\w-])bi-([a-z0-9]+(?:-[a-z0-9]+)*)")
ICON_ARG = re.compile(r"""\bicon(?:=|\|default:)(["'])([a-z0-9-]+)\1""")
STRING_CLASS = re.compile(r"""["'`](?:[^"'`]*\s)?bi-([a-z0-9]+(?:-[a-z0-9]+)*)""")


def used_icons(root=ROOT):
    """The names (without bi-) of every icon the templates, scripts and apps use."""
    names = set()
    for path in (root / "templates").rglob("*.html"):
        text = path.read_text()
        for _quote, value in CLASS_ATTR.findall(text):
            names.update(ICON_CLASS.findall(value))
        names.update(name for _quote, name in ICON_ARG.findall(text))
    sources = list((root / "static" / "js").glob("*.js"))
    for app in APPS:
        sources += [path for path in (root / app).rglob("*.py") if "migrations" not in path.parts]
    for path in sources:
        names.update(STRING_CLASS.findall(path.read_text()))
    return names


def subset_css_icons(css_path=OUT / "bootstrap-icons.css"):
    """The icons the committed subset provides."""
    return set(re.findall(r"\.bi-([a-z0-9-]+)::before", css_path.read_text()))


def _package():
    work = Path(tempfile.mkdtemp())
    subprocess.run(["npm", "pack", "--silent", f"bootstrap-icons@{VERSION}"], cwd=work, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["tar", "xzf", f"bootstrap-icons-{VERSION}.tgz"], cwd=work, check=True)
    return work / "package"


def main(package=None):
    from fontTools import subset

    package = Path(package) if package else _package()
    full_css = (package / "font" / "bootstrap-icons.css").read_text()
    codepoints = dict(re.findall(r'\.bi-([a-z0-9-]+)::before\s*\{\s*content:\s*"\\([0-9a-f]+)"', full_css))
    names = sorted(used_icons())
    unknown = [name for name in names if name not in codepoints]
    if unknown:
        sys.exit(f"not Bootstrap Icons {VERSION} icons: {', '.join(unknown)}")
    (OUT / "fonts").mkdir(parents=True, exist_ok=True)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = ["*"]  # keep the copyright and licence
    font = subset.load_font(str(package / "font" / "fonts" / "bootstrap-icons.woff2"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[int(codepoints[name], 16) for name in names])
    subsetter.subset(font)
    subset.save_font(font, str(OUT / "fonts" / "bootstrap-icons.woff2"), options)
    rules = "".join(f'.bi-{name}::before{{content:"\\{codepoints[name]}"}}\n' for name in names)
    (OUT / "bootstrap-icons.css").write_text(
        f"/* Bootstrap Icons v{VERSION} (MIT, see LICENSE), subset to the {len(names)} icons the portal uses by\n"
        " static/vendor/subset-icons.py: run it again after using a new icon. */\n"
        '@font-face{font-display:block;font-family:bootstrap-icons;src:url("fonts/bootstrap-icons.woff2") '
        'format("woff2")}\n'
        '.bi::before,[class*=" bi-"]::before,[class^=bi-]::before{display:inline-block;'
        "font-family:bootstrap-icons!important;font-style:normal;font-weight:400!important;font-variant:normal;"
        "text-transform:none;line-height:1;vertical-align:-.125em;-webkit-font-smoothing:antialiased;"
        "-moz-osx-font-smoothing:grayscale}\n" + rules
    )
    print(f"{len(names)} icons -> {OUT.relative_to(ROOT)}/bootstrap-icons.css, fonts/bootstrap-icons.woff2 "
          f"({(OUT / 'fonts' / 'bootstrap-icons.woff2').stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:2])
