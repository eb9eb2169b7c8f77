#!/usr/bin/env bash
# Re-vendor the front-end packages from the npm registry (run by hand when upgrading; the
# results are committed, so neither `make run` nor production ever fetches anything).
# Usage: static/vendor/update.sh   (needs npm)
set -euo pipefail
BOOTSTRAP=5.3.9
HTMX=2.0.11
ICONS=1.13.2
FONT=5.3.0
# Full TrueType files for PDFs (WeasyPrint): the same typeface, unsubsetted.
FONT_TTF=0.4.1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent bootstrap@$BOOTSTRAP htmx.org@$HTMX bootstrap-icons@$ICONS @fontsource/be-vietnam-pro@$FONT @expo-google-fonts/be-vietnam-pro@$FONT_TTF >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
rm -rf "$here/bootstrap" "$here/htmx" "$here/bootstrap-icons" "$here/be-vietnam-pro"
mkdir -p "$here/bootstrap" "$here/htmx" "$here/bootstrap-icons" "$here/be-vietnam-pro/files"
cp bootstrap-$BOOTSTRAP/package/dist/css/bootstrap.min.css* "$here/bootstrap/"
cp bootstrap-$BOOTSTRAP/package/dist/js/bootstrap.bundle.min.js* "$here/bootstrap/"
cp bootstrap-$BOOTSTRAP/package/LICENSE "$here/bootstrap/"
cp htmx.org-$HTMX/package/dist/htmx.min.js "$here/htmx/"
cp htmx.org-$HTMX/package/LICENSE "$here/htmx/"
# Only the icons the portal uses (subset-icons.py; VERSION there must match ICONS here).
cp bootstrap-icons-$ICONS/package/LICENSE "$here/bootstrap-icons/"
"${PYTHON:-$here/../../.venv/bin/python}" "$here/subset-icons.py" "bootstrap-icons-$ICONS/package"
font=fontsource-be-vietnam-pro-$FONT/package
out="$here/be-vietnam-pro/be-vietnam-pro.css"
: >"$out"
for weight in 400 400-italic 600 700; do
  for subset in vietnamese latin-ext latin; do
    style=normal; w=$weight
    case $weight in *-italic) style=italic; w=${weight%-italic};; esac
    cp "$font/files/be-vietnam-pro-$subset-$w-$style.woff2" "$font/files/be-vietnam-pro-$subset-$w-$style.woff" "$here/be-vietnam-pro/files/"
  done
  # Keep woff2 for browsers and woff for WeasyPrint.
  cat "$font/$weight.css" >>"$out"
done
cp "$font/LICENSE" "$here/be-vietnam-pro/"
fonts="$here/../fonts"
mkdir -p "$fonts"
ttf=expo-google-fonts-be-vietnam-pro-$FONT_TTF/package
for f in 400Regular 400Regular_Italic 600SemiBold 700Bold; do cp "$ttf/$f/BeVietnamPro_$f.ttf" "$fonts/"; done
cp "$ttf/LICENSE_FONT" "$fonts/OFL.txt"
cat >"$here/VERSIONS" <<V
bootstrap $BOOTSTRAP
htmx.org $HTMX
bootstrap-icons $ICONS
@fontsource/be-vietnam-pro $FONT
@expo-google-fonts/be-vietnam-pro $FONT_TTF (static/fonts, for PDFs)
V
echo "vendored into $here"
