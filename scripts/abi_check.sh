#!/usr/bin/env bash
# ABI check: gouv's include/uv.h against the system's libuv 1.44 header.
#
# Compiles cbindings_test/abi/probe.c twice per C variant (default and
# -D_GNU_SOURCE): once with -I<repo>/include (ours) and once with no -I
# (Debian's /usr/include/uv.h). Runs both, diffs the outputs, and also checks
# that the probe compiles as C++ against both headers. Exits non-zero on any
# difference or failure.
#
# Environment: CC (default cc), CXX (default c++).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROBE="$ROOT/cbindings_test/abi/probe.c"
OURS_INC="$ROOT/include"
CC="${CC:-cc}"
CXX="${CXX:-c++}"
CFLAGS_COMMON=(-O0 -Wall -Wextra)

die() { echo "abi_check: $*" >&2; exit 2; }

[[ -f "$PROBE" ]] || die "probe not found: $PROBE"
[[ -f "$OURS_INC/uv.h" ]] || die "our header not found: $OURS_INC/uv.h"
[[ -f /usr/include/uv.h ]] || die "system libuv header not found (install libuv1-dev)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/gouv-abi.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# Make sure each build sees the header it is meant to: ours defines
# GOUV_UV_H, libuv's does not. Guards against silently comparing a header
# with itself.
which_header() { # args: extra cpp flags...
  local macros
  macros="$(echo '#include <uv.h>' | "$CC" "$@" -E -dM -x c -)"
  if [[ "$macros" == *"#define GOUV_UV_H"* ]]; then
    echo ours
  else
    echo libuv
  fi
}
[[ "$(which_header -I"$OURS_INC")" == ours ]] || die "-I$OURS_INC does not select gouv's uv.h"
[[ "$(which_header)" == libuv ]] || die "the default include path selects gouv's uv.h, not libuv's"

: >"$TMP/ours.txt"
: >"$TMP/libuv.txt"
for variant in default gnu; do
  defs=()
  [[ "$variant" == gnu ]] && defs=(-D_GNU_SOURCE)
  "$CC" "${CFLAGS_COMMON[@]}" "${defs[@]}" -I"$OURS_INC" -o "$TMP/probe_ours_$variant" "$PROBE" \
    || die "probe failed to compile against gouv's header ($variant)"
  "$CC" "${CFLAGS_COMMON[@]}" "${defs[@]}" -o "$TMP/probe_libuv_$variant" "$PROBE" \
    || die "probe failed to compile against libuv's header ($variant)"
  "$TMP/probe_ours_$variant" | sed "s/^/[$variant] /" >>"$TMP/ours.txt"
  "$TMP/probe_libuv_$variant" | sed "s/^/[$variant] /" >>"$TMP/libuv.txt"
done

# C++: the headers must parse as C++, and uv_tty_set_mode(handle, 1) (an int)
# must resolve, as it does with libuv's header.
cxx_fail=0
for std in "" -std=c++11; do
  if ! "$CXX" -x c++ ${std:+"$std"} -fsyntax-only -Wall -Wextra -I"$OURS_INC" "$PROBE"; then
    echo "C++${std:+ ($std)}: probe does not compile against gouv's header" >&2
    cxx_fail=1
  fi
  if ! "$CXX" -x c++ ${std:+"$std"} -fsyntax-only -Wall -Wextra "$PROBE"; then
    echo "C++${std:+ ($std)}: probe does not compile against libuv's header" >&2
    cxx_fail=1
  fi
done
if [[ $cxx_fail -eq 0 ]]; then
  echo "C++: probe compiles against both headers"
fi

n_ours=$(wc -l <"$TMP/ours.txt")
n_libuv=$(wc -l <"$TMP/libuv.txt")
echo "ABI: compared $n_libuv lines (libuv) with $n_ours lines (gouv), C with and without _GNU_SOURCE"
if diff -u --label "libuv 1.44 (/usr/include/uv.h)" --label "gouv ($OURS_INC/uv.h)" \
     "$TMP/libuv.txt" "$TMP/ours.txt" >"$TMP/diff.txt"; then
  echo "ABI: 0 differences"
else
  ndiff=$(grep -c '^-[^-]' "$TMP/diff.txt" || true)
  cat "$TMP/diff.txt"
  echo "ABI: $ndiff differing lines (- libuv, + gouv)"
  exit 1
fi
exit "$cxx_fail"
