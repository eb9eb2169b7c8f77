"""Static assets: the Bootstrap Icons font is subset to the icons the portal uses (static/vendor/subset-icons.py):
a template, script or view naming an icon that the subset lacks would show an empty box. The favicon."""

import importlib.util
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "static" / "vendor" / "bootstrap-icons"


def _subsetter():
    spec = importlib.util.spec_from_file_location("subset_icons", ROOT / "static" / "vendor" / "subset-icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_icon_used_is_in_the_subset():
    subsetter = _subsetter()
    used = subsetter.used_icons()
    assert {"search", "inbox", "emoji-heart-eyes", "person-circle"} <= used  # classes, {% include %} args, views
    missing = sorted(used - subsetter.subset_css_icons())
    assert not missing, f"icons missing from the subset, run static/vendor/subset-icons.py: {missing}"


def test_the_subset_font_has_a_glyph_for_every_icon_of_its_css():
    import re

    css = (ICONS / "bootstrap-icons.css").read_text()
    codepoints = {int(code, 16) for code in re.findall(r'content:"\\([0-9a-f]+)"', css)}
    font = TTFont(ICONS / "fonts" / "bootstrap-icons.woff2")
    assert codepoints and codepoints <= set(font.getBestCmap())


def test_a_new_icon_in_a_template_is_found(tmp_path):
    subsetter = _subsetter()
    (tmp_path / "templates").mkdir()
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "templates" / "page.html").write_text(
        '<i class="bi bi-alarm" aria-hidden="true"></i> Cô-lôm-bi-a {% include "_empty.html" with icon="bug" %}')
    (tmp_path / "static" / "js" / "page.js").write_text("icon.className = 'bi bi-cart';")
    assert subsetter.used_icons(tmp_path) == {"alarm", "bug", "cart"}


def test_favicon_is_served_at_the_root_and_linked_from_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in page and "favicon.svg" in page and 'rel="apple-touch-icon"' in page


def test_the_web_font_has_every_letter_the_pages_and_translations_use():
    """static/vendor/subset-fonts.py keeps the characters Vietnamese needs: no letter of a template or of
    a translation falls back to another typeface."""
    import unicodedata

    sources = [path for path in (ROOT / "templates").rglob("*.html") if not {"pdf", "emails"} & set(path.parts)]
    sources += list((ROOT / "locale").rglob("*.po"))
    letters = {char for path in sources for char in path.read_text() if unicodedata.category(char)[0] in "LN"}
    for face in ("400", "400-italic", "600", "700"):
        cmap = set(TTFont(ROOT / "static" / "vendor" / "be-vietnam-pro" / f"be-vietnam-pro-{face}.woff2").getBestCmap())
        missing = sorted(char for char in letters if ord(char) not in cmap)
        assert not missing, f"{face}: {missing}"
