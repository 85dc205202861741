#!/usr/bin/env bash
# Runs the FFI checks: the Python unittest suite (ffi/python) and the LuaJIT
# example (ffi/luajit/echo.lua), first against build/lib/libgouv.so.1 (built
# by scripts/build.sh), then against the system's libuv.so.1 as a reference
# (as the C tests do): the reference run proves the bindings themselves,
# including the TCP and file parts that gouv still answers with UV_ENOSYS.
# Installs python3 and luajit if missing (as root). Prints each result;
# exits non-zero if any fails.
#
#   scripts/ffi.sh                   gouv, then the system libuv if present
#   scripts/ffi.sh --library PATH    only the library at PATH
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT"

libraries=("$GOUV_BUILD/lib/libgouv.so.1")
if [ "${1:-}" = --library ] && [ -n "${2:-}" ]; then
  libraries=("$2")
else
  reference=$(ldconfig -p | sed -nE 's/^\s*libuv\.so\.1 .*=> (.*)$/\1/p' | head -1)
  [ -n "$reference" ] && libraries+=("$reference")
fi
if [ ! -f "${libraries[0]}" ]; then
  echo "ffi: ${libraries[0]} not found; run scripts/build.sh first" >&2
  exit 1
fi

# need CMD PACKAGE: installs Debian's PACKAGE when CMD is missing (as root).
need() {
  command -v "$1" >/dev/null && return 0
  [ "$(id -u)" = 0 ] || return 1
  echo "installing: $2" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}
need python3 python3
need luajit luajit

failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for library in "${libraries[@]}"; do
  export GOUV_LIBRARY=$library
  echo "-- python ($(python3 --version 2>&1)) on $library"
  if python3 -m unittest discover -s ffi/python -v >"$log" 2>&1; then
    grep -E ' \.\.\. skipped' "$log" | sed -E 's/^([a-z_0-9]+) .*skipped/skip  \1:/'
    echo "ok    python: $(tail -1 "$log")  ($(grep -E '^Ran ' "$log"))"
  else
    cat "$log"
    echo "FAIL  python on $library"
    failed=$((failed + 1))
  fi

  echo "-- luajit on $library"
  if ! command -v luajit >/dev/null; then
    echo "FAIL  luajit is not installed (run as root, or apt-get install luajit)"
    failed=$((failed + 1))
  elif timeout 60 luajit ffi/luajit/echo.lua; then
    echo "ok    luajit"
  else
    echo "FAIL  luajit on $library"
    failed=$((failed + 1))
  fi
done

[ "$failed" = 0 ] && echo "ffi: all passed" || echo "ffi: $failed failed"
[ "$failed" = 0 ]
