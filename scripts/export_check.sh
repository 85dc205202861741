#!/usr/bin/env bash
# Export check: the dynamic symbols gouv's shared library defines must be
# exactly the uv_* functions of libuv 1.53 (scripts/abi/libuv-1.53.0-exports.txt,
# read off Debian's libuv1t64 1.53.0 with nm -D --defined-only): nothing
# missing, nothing extra (no Go runtime, cgo or version symbols), each of
# ours a function. Every function the system's libuv 1.44 (libuv.so.1)
# defines must be among them, since gouv is a drop-in for it. Also checks
# our SONAME is libgouv.so.1.
#
# Usage: scripts/export_check.sh [path/to/libgouv.so.1]
#   default: <repo>/build/lib/libgouv.so.1
# Environment: UV_REFERENCE_LIB (default /usr/lib/x86_64-linux-gnu/libuv.so.1)
# Exits 0 when everything matches, 1 on any difference, 2 on usage errors.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="${1:-$ROOT/build/lib/libgouv.so.1}"
REF="${UV_REFERENCE_LIB:-/usr/lib/x86_64-linux-gnu/libuv.so.1}"
WANT="$ROOT/scripts/abi/libuv-1.53.0-exports.txt"
WANT_SONAME="libgouv.so.1"

die() { echo "export_check: $*" >&2; exit 2; }

[[ -f "$LIB" ]] || die "library not found: $LIB (build it first, or pass its path)"
[[ -f "$REF" ]] || die "reference libuv not found: $REF (install libuv1)"
[[ -f "$WANT" ]] || die "libuv 1.53's export list not found: $WANT"
command -v nm >/dev/null || die "nm not found (binutils)"
command -v readelf >/dev/null || die "readelf not found (binutils)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/gouv-exports.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# "<type> <name>" for every defined dynamic symbol, version suffix removed.
defined_symbols() {
  nm -D --defined-only "$1" | awk '{ name = $NF; sub(/@.*/, "", name); print $(NF-1), name }' | sort -k2 -u
}

defined_symbols "$REF" >"$TMP/ref44.all"
defined_symbols "$LIB" >"$TMP/ours.all"

# The system libuv's functions: text (T/t), weak (W) and indirect (i) symbols.
awk '$1 ~ /^[TtWi]$/ { print $2 }' "$TMP/ref44.all" | sort -u >"$TMP/ref44.names"
# libuv 1.53's functions: the set we export, exactly.
grep -v '^[[:space:]]*$' "$WANT" | sort -u >"$TMP/ref.names"
# Ours: every defined dynamic symbol, whatever its type.
awk '{ print $2 }' "$TMP/ours.all" | sort -u >"$TMP/ours.names"

comm -23 "$TMP/ref.names" "$TMP/ours.names" >"$TMP/missing"
comm -13 "$TMP/ref.names" "$TMP/ours.names" >"$TMP/extra"
# The system's functions we lack (1.53 kept all of 1.44's, so none may be).
comm -23 "$TMP/ref44.names" "$TMP/ours.names" >"$TMP/missing44"
# Names that match but are not functions in our library.
awk '$1 !~ /^[TtWi]$/ { print $2 }' "$TMP/ours.all" | sort -u | comm -12 - "$TMP/ref.names" >"$TMP/notfunc"

n_ref=$(wc -l <"$TMP/ref.names")
n_ref44=$(wc -l <"$TMP/ref44.names")
n_ours=$(wc -l <"$TMP/ours.names")
n_missing=$(wc -l <"$TMP/missing")
n_missing44=$(wc -l <"$TMP/missing44")
n_extra=$(wc -l <"$TMP/extra")
n_notfunc=$(wc -l <"$TMP/notfunc")

echo "libuv 1.53: $WANT: $n_ref functions"
echo "system:     $REF: $n_ref44 functions"
echo "ours:       $LIB: $n_ours defined dynamic symbols"

status=0
if [[ $n_missing -gt 0 ]]; then
  echo "missing ($n_missing): libuv 1.53 exports these, we do not:"
  sed 's/^/  /' "$TMP/missing"
  status=1
fi
if [[ $n_missing44 -gt 0 ]]; then
  echo "missing ($n_missing44): the system's libuv exports these, we do not:"
  sed 's/^/  /' "$TMP/missing44"
  status=1
fi
if [[ $n_extra -gt 0 ]]; then
  echo "extra ($n_extra): we export these, libuv 1.53 does not:"
  # Show each with its nm type letter.
  awk 'NR == FNR { extra[$1] = 1; next } ($2 in extra) { print "  " $2 " (" $1 ")" }' \
    "$TMP/extra" "$TMP/ours.all"
  status=1
fi
if [[ $n_notfunc -gt 0 ]]; then
  echo "not functions ($n_notfunc): exported under libuv's name but not as code:"
  awk 'NR == FNR { bad[$1] = 1; next } ($2 in bad) { print "  " $2 " (" $1 ")" }' \
    "$TMP/notfunc" "$TMP/ours.all"
  status=1
fi
echo "exports: $n_missing missing, $n_extra extra, $n_notfunc not functions;" \
  "$n_missing44 of the system's $n_ref44 missing"

soname="$(readelf -d "$LIB" | sed -n 's/.*(SONAME).*Library soname: \[\(.*\)\].*/\1/p')"
if [[ "$soname" == "$WANT_SONAME" ]]; then
  echo "SONAME: $soname (ok)"
else
  echo "SONAME: MISMATCH: got '${soname:-<none>}', want '$WANT_SONAME'"
  status=1
fi

if [[ $status -eq 0 ]]; then
  echo "EXPORTS: 0 differences"
else
  echo "EXPORTS: FAILED"
fi
exit "$status"
