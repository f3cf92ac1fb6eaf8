#!/usr/bin/env bash
# Runs every check and test of the project, exactly as CI does (.ci/run calls this script):
# tool set-up, formatting, the sans-IO boundary of `shared`, clippy (native and wasm32), all
# tests, the end-to-end tests through the real app window under Xvfb, the Debian packages, then
# the Windows builds (cross-built with mingw-w64, PE checks, installer) and their Wine tests.
# Idempotent; on a machine that already has the tools it goes straight to the checks.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; step_start=$SECONDS; }
done_step() { printf '\033[1m   (%s s)\033[0m\n' "$((SECONDS - step_start))" >&2; }
total=$SECONDS
# A full run compiles each crate once: incremental caches would only add about 2 GB to target/
# (a small CI disk ran out with them). Set CARGO_INCREMENTAL=1 to keep them between local runs.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

step "set-up (scripts/setup.sh, scripts/windows/setup.sh)"
scripts/setup.sh
scripts/windows/setup.sh
done_step

step "cargo fmt --check"
cargo fmt --all -- --check
done_step

step "shared stays sans-IO (no tokio, reqwest, rusqlite, axum in its dependencies)"
for crate in tokio reqwest rusqlite axum; do
  if cargo tree -p shared -e normal -i "$crate" >/dev/null 2>&1; then
    echo "shared must not depend on $crate:" >&2
    cargo tree -p shared -e normal -i "$crate" >&2
    exit 1
  fi
done
done_step

# The app embeds frontend/dist, which must exist before anything compiles src-tauri.
step "frontend build (trunk)"
(cd frontend && TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true trunk build)
done_step

step "clippy (native, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings
done_step

step "clippy (wasm32: shared, frontend)"
cargo clippy -p shared -p frontend --target wasm32-unknown-unknown --locked -- -D warnings
done_step

step "tests"
cargo test --workspace --locked
done_step

step "end-to-end tests (real app window under Xvfb, tauri-driver)"
scripts/e2e.sh
done_step

step "package (deb: built, holds the app and its desktop entry; as root installed, started, removed)"
scripts/package.sh
done_step

step "server package (deb: built, contents, systemd-analyze verify; as root installed, init and serve as the service user, backup, removed and purged)"
scripts/server-package-check.sh
done_step

# Last: it needs the Linux `plansync` and `laptop-under-test` that `cargo test --workspace` built
# in target/debug, and shares target/ (host build scripts and proc macros) with the native build.
# The installer is compressed with zlib (several times faster than lzma; a release uses lzma).
step "Windows (cross-build plansync.exe, laptop-under-test.exe, plansync-app.exe and the installer; PE checks; Wine tests)"
NSIS_COMPRESSOR=zlib scripts/windows/build.sh
tests/windows/wine-test.sh
done_step

printf '\n\033[1mall checks passed in %s s\033[0m\n' "$((SECONDS - total))" >&2
