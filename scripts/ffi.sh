#!/usr/bin/env bash
# Runs the FFI checks against build/lib/libgouv.so.1 (built by
# scripts/build.sh): the Python unittest suite (ffi/python) and the LuaJIT
# example (ffi/luajit/echo.lua). Installs Debian's luajit if it is missing
# (as root). Prints each one's result; exits non-zero if either fails.
#
#   scripts/ffi.sh [--library PATH]   PATH defaults to build/lib/libgouv.so.1;
#                                     the system libuv.so.1 works too (reference)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT"

library=$GOUV_BUILD/lib/libgouv.so.1
if [ "${1:-}" = --library ] && [ -n "${2:-}" ]; then library=$2; fi
if [ ! -f "$library" ]; then
  echo "ffi: $library not found; run scripts/build.sh first" >&2
  exit 1
fi
export GOUV_LIBRARY=$library

# need CMD PACKAGE: installs Debian's PACKAGE when CMD is missing (as root).
need() {
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || return 1
  echo "installing: $2" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}

failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

need python3 python3
echo "-- python ($(python3 --version 2>&1), $library)"
if python3 -m unittest discover -s ffi/python -v >"$log" 2>&1; then
  grep -E ' \.\.\. skipped' "$log" | sed -E 's/^([a-z_0-9]+) .*skipped/skipped \1:/'
  echo "ok    python: $(tail -1 "$log")  ($(grep -E '^Ran ' "$log"))"
else
  cat "$log"
  echo "FAIL  python"
  failed=$((failed + 1))
fi

echo "-- luajit"
need luajit luajit
if ! command -v luajit >/dev/null; then
  echo "FAIL  luajit is not installed (run as root, or apt-get install luajit)"
  failed=$((failed + 1))
elif timeout 60 luajit ffi/luajit/echo.lua; then
  echo "ok    luajit"
else
  echo "FAIL  luajit"
  failed=$((failed + 1))
fi

[ "$failed" = 0 ] && echo "ffi: all passed" || echo "ffi: $failed failed"
[ "$failed" = 0 ]
