#!/usr/bin/env bash
# The C tests' second reference mode: the gouv-mode test programs (build/,
# compiled against our include/uv.h, which has libuv 1.53's API) run on
# libuv 1.53 itself, inside the Debian unstable root that
# scripts/debian_root.sh makes.
#
#   scripts/ref153.sh [--jobs N] [--timeout S] [--keep] [REGEX]
#
# The programs are copied into a scratch directory in the root, beside a
# directory that holds one link, libgouv.so.1 (the name they were linked
# with) -> the root's libuv.so.1, first on LD_LIBRARY_PATH. Their RUNPATH
# names build/lib, which does not exist inside the root, so nothing of
# gouv is loaded: the script checks with ldd that libgouv.so.1 resolves to
# the root's libuv and that its uv_version_string() is not gouv's. Each
# ctest case of build/ (the names `ctest -N` lists, `<program> <test>`)
# then runs in the root under chroot, in a mount namespace of its own
# where /proc, /sys and /dev are bound (nothing stays mounted afterwards).
#
# Tests that are gouv's own by design (misuse libuv aborts on, crossing
# counts, allocation failure, gouv's private state, 1.44's version) are
# skipped, each with its reason from cbindings_test/ref153_skip.txt.
# Everything else must pass on libuv 1.53, as it passes on gouv and on
# Debian 12's libuv 1.44. A REGEX selects tests by ctest name.
#
# Prints a FAIL line with the output of every failing test and ends with
# "N passed, M failed, K skipped" (exit status 1 if any failed). Needs
# root (chroot, mount) and a gouv build (scripts/build.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

JOBS=2
TIMEOUT=120
KEEP=0
FILTER=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) JOBS=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) sed -n '7p' "$0" | sed 's/^# *//' >&2; exit 2 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) FILTER=$1; shift ;;
  esac
done

if [ "$(id -u)" != 0 ]; then
  echo "ref153.sh: needs root (chroot into the Debian unstable root)" >&2
  exit 2
fi
TESTBIN=$GOUV_BUILD/cbindings_test
if [ ! -x "$TESTBIN/test_misc" ]; then
  echo "ref153.sh: no C tests in $TESTBIN: run scripts/build.sh first" >&2
  exit 2
fi
ROOT=$("$GOUV_ROOT/scripts/debian_root.sh" sid)
SKIPS=$GOUV_ROOT/cbindings_test/ref153_skip.txt

HOSTWORK=$(mktemp -d "$ROOT/tmp/gouv-ref153.XXXXXX")
WORK=${HOSTWORK#"$ROOT"}
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$HOSTWORK"; }
trap cleanup EXIT

# The programs (not the benchmarks, not CMake's files) and the link.
mkdir -p "$HOSTWORK/bin" "$HOSTWORK/lib" "$HOSTWORK/res"
find "$TESTBIN" -maxdepth 1 -type f -perm -u+x -exec cp {} "$HOSTWORK/bin/" \;
uvlib=$(cd "$ROOT" && ls usr/lib/*/libuv.so.1 | head -n 1)
[ -n "$uvlib" ] || { echo "ref153.sh: no libuv.so.1 in $ROOT" >&2; exit 1; }
ln -s "/$uvlib" "$HOSTWORK/lib/libgouv.so.1"

# skip_reason NAME prints the reason NAME is not run on 1.53, or nothing.
# A line of the skip file is a ctest name or a shell pattern, then the
# reason.
mapfile -t skip_lines < <(grep -v '^[[:space:]]*\(#\|$\)' "$SKIPS")
skip_reason() {
  local line pat
  for line in "${skip_lines[@]}"; do
    pat=${line%%[[:space:]]*}
    # shellcheck disable=SC2053 # the pattern is a glob on purpose
    if [[ $1 == $pat ]]; then
      line=${line#"$pat"}
      echo "${line#"${line%%[![:space:]]*}"}"
      return
    fi
  done
}

mapfile -t names < <(ctest --test-dir "$GOUV_BUILD" -N | sed -nE 's/^ *Test +#[0-9]+: +([^ ]+)$/\1/p' |
  grep -E "${FILTER:-.}" || true)
[ ${#names[@]} -gt 0 ] || { echo "ref153.sh: no tests${FILTER:+ match $FILTER}" >&2; exit 2; }
skipped=0
: >"$HOSTWORK/list"
declare -A why
for n in "${names[@]}"; do
  r=$(skip_reason "$n")
  if [ -n "$r" ]; then
    skipped=$((skipped + 1))
    why[$n]=$r
  else
    echo "$n" >>"$HOSTWORK/list"
  fi
done

# Inside the root: one test per line of the list, JOBS at a time; each
# leaves its exit status and output in res/. The first lines check that
# the programs load the root's libuv.
cat >"$HOSTWORK/run.sh" <<EOF
set -u
cd "$WORK/bin"
export LD_LIBRARY_PATH="$WORK/lib"
ldd ./test_misc >"$WORK/ldd" 2>&1
grep -q "libgouv.so.1 => $WORK/lib/libgouv.so.1" "$WORK/ldd" || { cat "$WORK/ldd"; exit 3; }
readlink -f "$WORK/lib/libgouv.so.1" >"$WORK/resolved"
xargs -P "$JOBS" -I{} sh -c 'exe=\${1%%.*}; t=\${1#*.}; timeout -k 5 $TIMEOUT "./\$exe" "\$t" >"$WORK/res/\$1.log" 2>&1 </dev/null; echo \$? >"$WORK/res/\$1.rc"' sh {} <"$WORK/list"
EOF

# A probe built in the root prints what libgouv.so.1 is there.
cat >"$HOSTWORK/probe.c" <<'EOF'
#include <stdio.h>
const char* uv_version_string(void);
int main(void) { printf("%s\n", uv_version_string()); return 0; }
EOF

start=$(date +%s)
set +e
unshare --mount --propagation private /bin/sh -ec '
  root=$1; shift
  for m in proc sys dev; do mkdir -p "$root/$m"; mount --rbind "/$m" "$root/$m"; done
  exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp "$@"
' sh "$ROOT" /bin/sh -c "cc -o '$WORK/probe' '$WORK/probe.c' -L'$WORK/lib' -l:libgouv.so.1 &&
  LD_LIBRARY_PATH='$WORK/lib' '$WORK/probe' >'$WORK/version' && exec /bin/sh '$WORK/run.sh'"
rc=$?
set -e
elapsed=$(($(date +%s) - start))
if [ $rc != 0 ]; then
  echo "ref153.sh: the run in $ROOT failed (status $rc)" >&2
  cat "$HOSTWORK/ldd" 2>/dev/null >&2 || true
  exit 1
fi
version=$(cat "$HOSTWORK/version")
case "$version" in
  *gouv* | "") echo "ref153.sh: the programs loaded '$version', not the root's libuv" >&2; exit 1 ;;
esac
echo "libuv $version ($(cat "$HOSTWORK/resolved")) in $ROOT"

passed=0
failed=0
while read -r n; do
  st=$(cat "$HOSTWORK/res/$n.rc" 2>/dev/null || echo missing)
  if [ "$st" = 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    case $st in 124 | 137) st="timeout after ${TIMEOUT}s" ;; *) st="status $st" ;; esac
    echo "FAIL $n ($st)"
    tail -n 20 "$HOSTWORK/res/$n.log" 2>/dev/null | sed 's/^/    /'
  fi
done <"$HOSTWORK/list"
# The skipped tests, counted by reason.
for n in "${!why[@]}"; do printf '%s\n' "${why[$n]}"; done | sort | uniq -c |
  sed -E 's/^ *([0-9]+) (.*)/skipped \1: \2/'
echo "ran in ${elapsed}s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
