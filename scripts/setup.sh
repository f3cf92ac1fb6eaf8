#!/usr/bin/env bash
# Installs everything PlanSync needs to build, run and test on a fresh Debian 12 machine.
# Idempotent: every step checks first and does nothing when its tool is already there.
# Only packages from apt, crates.io and npm are fetched; no tool binary is downloaded from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev librsvg2-dev
  libsoup-3.0-dev pkg-config xvfb xauth webkit2gtk-driver imagemagick curl file
  nginx systemd procps
  # PDF reports: LibreOffice converts the DOCX (Writer without a GUI is the smallest package
  # that does), Liberation Serif stands in for Times New Roman (same metrics), and poppler's
  # pdftotext/pdftoppm read the pages back in the report tests.
  libreoffice-writer-nogui fonts-liberation poppler-utils
)
TRUNK_VERSION=0.21.14
TAURI_DRIVER_VERSION=2.1.0

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

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt

installed_version() { # crate -> the version `cargo install` recorded for it, or empty
  cargo install --list 2>/dev/null | awk -v c="$1" '$1 == c { gsub(/^v|:$/, "", $2); print $2; exit }'
}

if [ "$(installed_version trunk)" != "$TRUNK_VERSION" ]; then
  log "cargo: installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

# The wasm-bindgen CLI must equal the wasm-bindgen library in Cargo.lock exactly,
# or trunk tries to download one (which cannot work here).
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
if [ -z "$WB_VERSION" ]; then echo "setup: wasm-bindgen not found in Cargo.lock" >&2; exit 1; fi
if [ "$(installed_version wasm-bindgen-cli)" != "$WB_VERSION" ]; then
  log "cargo: installing wasm-bindgen-cli $WB_VERSION"
  # Without --locked: a locked install fails on an index entry missing from this registry mirror.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

if [ "$(installed_version tauri-driver)" != "$TAURI_DRIVER_VERSION" ]; then
  log "cargo: installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install --locked tauri-driver --version "$TAURI_DRIVER_VERSION"
fi

if [ ! -x node_modules/.bin/tauri ]; then
  log "npm: installing the Tauri CLI"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -d tests/js-interop/node_modules/@automerge/automerge-repo ]; then
  log "npm: installing the JS automerge-repo client for the interoperability test"
  # `npm install`, not `npm ci`: npm 11's ci refuses this lock file over optional platform
  # packages of cbor-extract that the lock (rightly) does not pin; install still follows the lock.
  (cd tests/js-interop && npm install --no-audit --no-fund --loglevel=error)
fi
if [ ! -d tests/js-bench/node_modules/@automerge/automerge-repo-storage-nodefs ]; then
  log "npm: installing the reference JS sync server and clients for the side-by-side benchmark"
  # `npm install` for the same reason as above; it follows the lock file.
  (cd tests/js-bench && npm install --no-audit --no-fund --loglevel=error)
fi
log "all tools present"
