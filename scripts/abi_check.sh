#!/usr/bin/env bash
# ABI check: gouv's include/uv.h against the system's libuv 1.44 header, then
# against libuv 1.53's.
#
# Compiles cbindings_test/abi/probe.c twice per C variant (default and
# -D_GNU_SOURCE): once with -I<repo>/include (ours) and once with no -I
# (Debian's /usr/include/uv.h). Runs both, diffs the outputs (all but the
# version, 1.53.0 in ours and 1.44.2 in Debian 12's), and also checks that
# the probe compiles as C++ against both headers. Exits non-zero on any
# difference or failure.
#
# Then the same against libuv 1.53's header, /usr/include/uv.h of the Debian
# unstable root that scripts/debian_root.sh makes (its uv.h and uv/ are
# copied out; the probe is built and run here), with GOUV_PROBE_V153, which
# adds the types and constants 1.45 to 1.53 introduced. Ours must agree with
# 1.53's everywhere except where 1.53's header itself departs from 1.44's
# and ours keeps 1.44's (V153_CHANGES below; docs/differences.md lists
# them): any other difference fails. Without root and without a built
# root this part is skipped, saying so.
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
# The version is the one fact that differs by design: ours is 1.53.0's.
VERSION_FACTS='^\[[a-z]+\] const UV_VERSION_(MINOR|PATCH|HEX) '
grep -Ev "$VERSION_FACTS" "$TMP/libuv.txt" >"$TMP/libuv.cmp"
grep -Ev "$VERSION_FACTS" "$TMP/ours.txt" >"$TMP/ours.cmp"
if diff -u --label "libuv 1.44 (/usr/include/uv.h)" --label "gouv ($OURS_INC/uv.h)" \
     "$TMP/libuv.cmp" "$TMP/ours.cmp" >"$TMP/diff.txt"; then
  hex() { printf '0x%06x' "$(grep -h -m1 'const UV_VERSION_HEX' "$1" | awk '{print $NF}')"; }
  echo "ABI: 0 differences (apart from UV_VERSION_HEX: $(hex "$TMP/libuv.txt") here, $(hex "$TMP/ours.txt") in ours)"
else
  ndiff=$(grep -c '^-[^-]' "$TMP/diff.txt" || true)
  cat "$TMP/diff.txt"
  echo "ABI: $ndiff differing lines (- libuv, + gouv)"
  exit 1
fi

# --- libuv 1.53 -------------------------------------------------------------

# Where libuv 1.53's header departs from 1.44's and ours keeps 1.44's:
# EFTYPE's number (-134 with Linux's EFTYPE, 1.44's -4028 here),
# the three codes 1.53 adds to UV_ERRNO_MAP (ours has them in uv_errno_t
# but keeps 1.44's map), the requests' reserved words (1.53 took one of
# 1.44's six for its own use: reserved[5], same size of request) and
# uv_statfs_t's first spare word (1.53 calls it f_frsize; gouv fills it so).
# A fact of one of these kinds may differ only if ours is 1.44's.
V153_CHANGES='^\[[a-z]+\] (errno UV_(EFTYPE|ENODATA|EUNATCH|ENOEXEC) |offsetof uv_[a-z_]+_t reserved 16 |offsetof uv_statfs_t f_spare )'

if ROOT153=$("$ROOT/scripts/debian_root.sh" sid 2>"$TMP/root.err"); then
  :
elif [[ "$(id -u)" != 0 ]]; then
  echo "ABI 1.53: skipped (no Debian unstable root, and making one needs root)"
  exit "$cxx_fail"
else
  cat "$TMP/root.err" >&2
  die "no Debian unstable root for libuv 1.53's header"
fi
[[ -f "$ROOT153/usr/include/uv.h" ]] || die "no uv.h in $ROOT153 (libuv1-dev)"
# Only libuv's headers come out of the root: the C library's stay this
# system's, so the probe runs here.
mkdir -p "$TMP/inc153"
cp "$ROOT153/usr/include/uv.h" "$TMP/inc153/"
cp -r "$ROOT153/usr/include/uv" "$TMP/inc153/"
[[ "$(which_header -I"$TMP/inc153")" == libuv ]] || die "-I$TMP/inc153 does not select libuv 1.53's uv.h"
minor=$(echo '#include <uv.h>
UV_VERSION_MINOR' | "$CC" -I"$TMP/inc153" -E -P -x c - | tail -n 1)
[[ "$minor" -ge 53 ]] || die "the unstable root's uv.h is libuv 1.$minor, not 1.53 or later"

: >"$TMP/ours153.txt"
: >"$TMP/libuv153.txt"
for variant in default gnu; do
  defs=(-DGOUV_PROBE_V153)
  [[ "$variant" == gnu ]] && defs+=(-D_GNU_SOURCE)
  "$CC" "${CFLAGS_COMMON[@]}" "${defs[@]}" -I"$OURS_INC" -o "$TMP/probe153_ours_$variant" "$PROBE" \
    || die "probe failed to compile against gouv's header with GOUV_PROBE_V153 ($variant)"
  "$CC" "${CFLAGS_COMMON[@]}" "${defs[@]}" -I"$TMP/inc153" -o "$TMP/probe153_libuv_$variant" "$PROBE" \
    || die "probe failed to compile against libuv 1.53's header ($variant)"
  "$TMP/probe153_ours_$variant" | sed "s/^/[$variant] /" >>"$TMP/ours153.txt"
  "$TMP/probe153_libuv_$variant" | sed "s/^/[$variant] /" >>"$TMP/libuv153.txt"
done
for std in "" -std=c++11; do
  if ! "$CXX" -x c++ ${std:+"$std"} -DGOUV_PROBE_V153 -fsyntax-only -Wall -Wextra -I"$TMP/inc153" "$PROBE"; then
    echo "C++${std:+ ($std)}: probe does not compile against libuv 1.53's header" >&2
    cxx_fail=1
  fi
done

# Facts of one header that the other lacks, as sets (1.53 has lines ours
# has not, such as the three codes in its UV_ERRNO_MAP).
sort -u "$TMP/ours153.txt" >"$TMP/ours153.sorted"
sort -u "$TMP/libuv153.txt" >"$TMP/libuv153.sorted"
sort -u "$TMP/libuv.txt" >"$TMP/libuv144.sorted"
comm -13 "$TMP/libuv153.sorted" "$TMP/ours153.sorted" >"$TMP/only-ours"
comm -23 "$TMP/libuv153.sorted" "$TMP/ours153.sorted" >"$TMP/only-153"
# Allowed: a fact of a V153_CHANGES kind where ours is 1.44's fact, and a
# fact of such a kind that 1.53 has and 1.44 had not.
unexpected=0
while IFS= read -r line; do
  if [[ "$line" =~ $V153_CHANGES ]] && grep -qxF -- "$line" "$TMP/libuv144.sorted"; then continue; fi
  echo "+ $line"
  unexpected=$((unexpected + 1))
done <"$TMP/only-ours"
while IFS= read -r line; do
  if [[ "$line" =~ $V153_CHANGES ]] && ! grep -qxF -- "$line" "$TMP/libuv144.sorted"; then continue; fi
  echo "- $line"
  unexpected=$((unexpected + 1))
done <"$TMP/only-153"
n153=$(wc -l <"$TMP/libuv153.txt")
nkept=$(sed -E 's/^\[[a-z]+\] //' "$TMP/only-ours" "$TMP/only-153" | awk '{print $1, $2, ($1 == "offsetof" ? $3 : "")}' | sort -u | wc -l)
echo "ABI 1.53: compared $n153 lines (libuv 1.53, $ROOT153/usr/include/uv.h) with $(wc -l <"$TMP/ours153.txt") lines (gouv), C with and without _GNU_SOURCE, with 1.45-1.53's additions"
echo "ABI 1.53: $nkept facts where 1.53's header departs from 1.44's and ours keeps 1.44's:" \
  "$(sed -E 's/^\[[a-z]+\] //' "$TMP/only-ours" "$TMP/only-153" | awk '{print ($1 == "offsetof" ? $2 "." $3 : $2)}' | sort -u | paste -sd' ')"
if [[ $unexpected -gt 0 ]]; then
  echo "ABI 1.53: $unexpected other differing lines (- libuv 1.53, + gouv)"
  exit 1
fi
echo "ABI 1.53: 0 differences"
exit "$cxx_fail"
