#!/usr/bin/env bash
# Builds the per-user Windows installer of the app with Debian's makensis (issue #11):
#
#   scripts/windows/installer.sh DIR      (DIR holds plansync-app.exe and WebView2Loader.dll)
#
# NSIS_COMPRESSOR=zlib makes it several times faster (for tests); the default, lzma, is smaller.
# Writes DIR/bundle/PlanSync-<version>-setup.exe (the version from src-tauri/tauri.conf.json) and
# checks it with check-pe.sh. See scripts/windows/installer.nsi for what the installer does.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir=${1:?usage: installer.sh DIR-with-plansync-app.exe}
dir=$(cd "$dir" && pwd)
command -v makensis >/dev/null || { echo "installer.sh: makensis missing: run scripts/windows/setup.sh" >&2; exit 1; }
[ -f "$dir/plansync-app.exe" ] || { echo "installer.sh: $dir/plansync-app.exe missing: scripts/windows/build.sh app" >&2; exit 1; }

version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' src-tauri/tauri.conf.json)
mkdir -p "$dir/bundle"
out=$dir/bundle/PlanSync-$version-setup.exe
defines=(-DSRCDIR="$dir" -DVERSION="$version" -DOUTFILE="$out")
[ -f "$dir/WebView2Loader.dll" ] && defines+=(-DWEBVIEW2LOADER)
# The app's icon (the one tauri-build puts into plansync-app.exe).
defines+=(-DICON="$PWD/src-tauri/icons/icon.ico")
[ -n "${NSIS_COMPRESSOR:-}" ] && defines+=(-DCOMPRESSOR="$NSIS_COMPRESSOR")

start=$SECONDS
makensis -V2 -INPUTCHARSET UTF8 "${defines[@]}" scripts/windows/installer.nsi
printf '\033[1m[windows-installer]\033[0m %s (%s bytes, %s s)\n' "$out" "$(stat -c %s "$out")" "$((SECONDS - start))" >&2
scripts/windows/check-pe.sh --subsystem gui "$out"
