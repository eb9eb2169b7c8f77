#!/usr/bin/env bash
# Re-vendor the front-end packages from the npm registry (run by hand when upgrading; the
# results are committed, so neither `make run` nor production ever fetches anything).
# Usage: static/vendor/update.sh   (needs npm)
set -euo pipefail
BOOTSTRAP=5.3.9
HTMX=2.0.11
ICONS=1.13.2
# Full TrueType files for PDFs (WeasyPrint): the same typeface, unsubsetted.
FONT_TTF=0.4.1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent bootstrap@$BOOTSTRAP htmx.org@$HTMX bootstrap-icons@$ICONS @expo-google-fonts/be-vietnam-pro@$FONT_TTF >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
rm -rf "$here/bootstrap" "$here/htmx" "$here/bootstrap-icons" "$here/be-vietnam-pro"
mkdir -p "$here/bootstrap" "$here/htmx" "$here/bootstrap-icons"
cp bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css* "$here/bootstrap/"
cp bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js* "$here/bootstrap/"
cp bootstrap-$BOOTSTRAP/package/LICENSE "$here/bootstrap/"
cp htmx.org-$HTMX/package/dist/htmx.min.js "$here/htmx/"
cp htmx.org-$HTMX/package/LICENSE "$here/htmx/"
# Only the icons the portal uses (subset-icons.py; VERSION there must match ICONS here).
cp bootstrap-icons-$ICONS/package/LICENSE "$here/bootstrap-icons/"
"${PYTHON:-$here/../../.venv/bin/python}" "$here/subset-icons.py" "bootstrap-icons-$ICONS/package"
fonts="$here/../fonts"
mkdir -p "$fonts"
ttf=expo-google-fonts-be-vietnam-pro-$FONT_TTF/package
for f in 400Regular 400Regular_Italic 600SemiBold 700Bold; do cp "$ttf/$f/BeVietnamPro_$f.ttf" "$fonts/"; done
cp "$ttf/LICENSE_FONT" "$fonts/OFL.txt"
# Web fonts: the same TrueType files, subset for Vietnamese, one WOFF2 per weight.
mkdir -p "$here/be-vietnam-pro"
cp "$ttf/LICENSE_FONT" "$here/be-vietnam-pro/LICENSE"
"${PYTHON:-$here/../../.venv/bin/python}" "$here/subset-fonts.py"
cat >"$here/VERSIONS" <<V
bootstrap $BOOTSTRAP
htmx.org $HTMX
bootstrap-icons $ICONS
@expo-google-fonts/be-vietnam-pro $FONT_TTF (static/fonts for PDFs; static/vendor/be-vietnam-pro subset from them)
bootstrap-icons subset: static/vendor/subset-icons.py; be-vietnam-pro subset: static/vendor/subset-fonts.py
V
echo "vendored into $here"
