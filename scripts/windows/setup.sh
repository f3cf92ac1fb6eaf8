#!/usr/bin/env bash
# Installs what the Windows cross-build and its Wine tests need on Debian 12 (issue #11).
# Idempotent: each step checks first and does nothing when its tool is already there.
# Only apt packages and a rustup target are fetched; nothing is downloaded from elsewhere.
#
#   gcc-mingw-w64-x86-64   linker and C compiler for x86_64-pc-windows-gnu (ring, bundled SQLite)
#                          (binutils-mingw-w64-x86-64 comes with it: x86_64-w64-mingw32-objdump)
#   wine wine64            runs the .exe files (64-bit only: no i386 multiarch is needed)
#   nsis                   makensis, for the per-user installer
#   xvfb xauth             a display for wine when a test wants one (the app's message box)
#   x11-utils              xwininfo: the Wine test finds the app's message box by its title
#   sqlite3                the Wine tests check the laptop's SQLite files
#   imagemagick            import: the Wine test's screenshot of the message box (SHOTS_DIR)
#   python3                a free port for the test server, the version for the installer
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { printf '\033[1m[windows-setup]\033[0m %s\n' "$*" >&2; }

APT_PACKAGES=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine wine64 nsis xvfb xauth x11-utils sqlite3 imagemagick python3)
TARGET=x86_64-pc-windows-gnu

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx "$TARGET"; then
  log "rustup: adding $TARGET"
  rustup target add "$TARGET"
fi
log "all Windows tools present"
