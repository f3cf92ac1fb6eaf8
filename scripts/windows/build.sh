#!/usr/bin/env bash
# Cross-builds PlanSync for Windows (x86_64-pc-windows-gnu, Debian's mingw-w64) on Linux (issue #11).
#
#   scripts/windows/build.sh [--release] [cli] [laptop] [app] [installer]
#
#   cli        plansync.exe, the server and admin CLI (-p server --bin plansync)
#   laptop     laptop-under-test.exe, the sync engine as a test process (-p tests), for the Wine tests
#   app        plansync-app.exe, the Tauri desktop app (needs frontend/dist: trunk build first),
#              plus WebView2Loader.dll beside it (the gnu target loads WebView2 through that DLL)
#   installer  the per-user NSIS installer of the app (scripts/windows/installer.sh); implies app
#   (none)     cli laptop app installer
#
# Output: $CARGO_TARGET_DIR/x86_64-pc-windows-gnu/{debug,release}/ (CARGO_TARGET_DIR defaults to
# the repository's target/); each .exe is then checked by scripts/windows/check-pe.sh.
# Tools: scripts/windows/setup.sh. The app's Windows icon is src-tauri/icons/icon.ico (listed in
# tauri.conf.json's bundle.icon; tauri-build requires an .ico for Windows).
#
# Debug builds carry no debug info (CARGO_PROFILE_DEV_DEBUG=0 unless set): it would triple the
# size of the target directory (CI disks are small) and nothing here reads it. Set
# CARGO_PROFILE_DEV_DEBUG=true for a debuggable build. Environment variables, not a profile:
# the test command's native build keeps its own settings.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

TARGET=x86_64-pc-windows-gnu
profile=debug
want=()
for arg in "$@"; do
  case "$arg" in
    --release) profile=release ;;
    cli|laptop|app|installer) want+=("$arg") ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
((${#want[@]})) || want=(cli laptop app installer)
has() { local w; for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
has installer && ! has app && want+=(app)

log() { printf '\033[1m[windows-build]\033[0m %s\n' "$*" >&2; }

command -v x86_64-w64-mingw32-gcc >/dev/null && rustup target list --installed | grep -qx "$TARGET" \
  || { echo "build.sh: the mingw-w64 toolchain or the $TARGET target is missing: run scripts/windows/setup.sh" >&2; exit 1; }

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
OUT=$TARGET_DIR/$TARGET/$profile
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-0}

cargo_args=(build --locked --target "$TARGET")
[ "$profile" = release ] && cargo_args+=(--release)
# One cargo run for everything asked: cargo builds the shared dependencies once, in parallel.
has cli && cargo_args+=(-p server --bin plansync)
has laptop && cargo_args+=(-p tests --bin laptop-under-test)
if has app; then
  if [ ! -f frontend/dist/index.html ]; then
    echo "build.sh: frontend/dist is missing; build it first:" >&2
    echo "  (cd frontend && TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true trunk build)" >&2
    exit 1
  fi
  cargo_args+=(-p plansync-app --bin plansync-app)
fi

log "cargo ${cargo_args[*]}"
start=$SECONDS
cargo "${cargo_args[@]}"
log "cargo finished in $((SECONDS - start)) s"

exes=()
has cli && exes+=("$OUT/plansync.exe")
has laptop && exes+=("$OUT/laptop-under-test.exe")
((${#exes[@]})) && scripts/windows/check-pe.sh --subsystem console "${exes[@]}"
if has app; then
  # tauri-build copies WebView2Loader.dll (from webview2-com-sys) beside the exe for gnu targets.
  app_subsystem=gui; [ "$profile" = debug ] && app_subsystem=console
  scripts/windows/check-pe.sh --app --subsystem "$app_subsystem" "$OUT/plansync-app.exe"
  if [ ! -f "$OUT/WebView2Loader.dll" ]; then
    echo "build.sh: $OUT/WebView2Loader.dll is missing (tauri-build copies it for gnu targets)" >&2
    exit 1
  fi
fi
if has installer; then
  scripts/windows/installer.sh "$OUT"
fi
