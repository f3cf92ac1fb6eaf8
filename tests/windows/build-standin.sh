#!/usr/bin/env bash
# Builds the TEST-ONLY bcryptprimitives.dll stand-in for Wine 8 (see bcryptprimitives.c), and
# prng-check.exe beside it, which wine-test.sh runs to check the stand-in.
#   tests/windows/build-standin.sh OUT.dll
# Never shipped: wine-test.sh copies the DLL into the test Wine prefix's system32 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-standin.sh OUT.dll}
mkdir -p "$(dirname "$out")"
x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -shared -nostdlib -e DllEntry \
  -o "$out" "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -lbcrypt -lkernel32
# The check links against the stand-in's import library, as Rust's std links ProcessPrng.
x86_64-w64-mingw32-dlltool -d "$here/bcryptprimitives.def" -l "$(dirname "$out")/libbcryptprimitives.a"
x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -Werror -o "$(dirname "$out")/prng-check.exe" \
  "$here/prng-check.c" -L"$(dirname "$out")" -lbcryptprimitives
