#!/usr/bin/env bash
# Runs libuv's own test suite on the system's libuv and on gouv, and prints
# one table row per test.
#
#   scripts/libuv_suite.sh LIBUV_SOURCE_DIR [--root DIR] [--timeout S]
#                          [--filter REGEX] [--jobs N] [--keep]
#                          [--tree-headers]
#
# LIBUV_SOURCE_DIR is a libuv 1.x source tree the user supplies (for example
# from `apt-get source libuv1`, or a checkout of a release tag). Nothing of it
# is copied into this repository: the script compiles that tree's test runner
# (test/run-tests.c, test/runner*.c and the test/test-*.c files its
# CMakeLists.txt lists) against the system's uv.h, links it with -luv, and
# runs every test twice, once on the system's libuv.so.1 and once with
# gouv's build/lib first on LD_LIBRARY_PATH, one after the other.
#
# --root DIR builds and runs inside a Debian root (a directory holding
# libuv1-dev and a compiler, such as the Debian unstable root with libuv
# 1.53 that `scripts/debian_root.sh sid` makes and prints), with chroot:
# this tests a newer libuv's suite against that root's libuv, and gouv's
# library copied into the root. The root's /proc, /dev and /dev/pts are
# bind-mounted while the script runs.
#
# The scratch directory (runner, objects, one log per test and library) is
# build/libuv-suite, or $GOUV_SUITE_WORK; inside a root it is removed at the
# end unless --keep is given.
#
# --tree-headers compiles the tests against the tree's own include/
# instead of the system's uv.h: a newer tree's tests then build on a system
# with an older libuv, and run on both libraries as far as they can (a test
# that calls a function the library lacks dies when it calls it, and
# counts as failed). libuv 1.x keeps its structs compatible within the
# major version, which is what makes this meaningful.
#
# Known differences are explained by scripts/libuv_suite_known.txt (a test
# name, whitespace, then the reason). The last line printed is
# "N pass on both, M differ".
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
  sed -n '5,7p' "$0" | sed 's/^# \{0,3\}//' >&2
  exit 2
}

SRC=""
ROOT=""
TIMEOUT=120
FILTER=""
JOBS=2
KEEP=0
TREE_HEADERS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --filter) FILTER=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --tree-headers) TREE_HEADERS=1; shift ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) [ -z "$SRC" ] || usage; SRC=$1; shift ;;
  esac
done
[ -n "$SRC" ] || usage
SRC=$(cd "$SRC" && pwd)
if [ ! -f "$SRC/test/run-tests.c" ] || [ ! -f "$SRC/test/runner.c" ]; then
  echo "$SRC does not look like a libuv source tree (no test/run-tests.c)" >&2
  exit 2
fi
KNOWN="$GOUV_ROOT/scripts/libuv_suite_known.txt"

if [ ! -f "$GOUV_BUILD/lib/libuv.so.1" ]; then
  echo "no $GOUV_BUILD/lib/libuv.so.1: run scripts/build.sh first" >&2
  exit 2
fi

# Inside a root every command runs under chroot, and the paths it sees are
# the root's; WORK is the scratch directory as seen from inside.
if [ -n "$ROOT" ]; then
  ROOT=$(cd "$ROOT" && pwd)
  if [ "$(id -u)" != 0 ]; then
    echo "--root needs root (chroot and mount)" >&2
    exit 2
  fi
  [ -x "$ROOT/bin/sh" ] || { echo "$ROOT has no /bin/sh: not a root" >&2; exit 2; }
  mkdir -p "$ROOT/tmp"
  HOSTWORK=$(mktemp -d "$ROOT/tmp/gouv-suite.XXXXXX")
  WORK=${HOSTWORK#"$ROOT"}
  MOUNTED=()
  for m in proc dev dev/pts; do
    if ! mountpoint -q "$ROOT/$m"; then
      mkdir -p "$ROOT/$m"
      mount --bind "/$m" "$ROOT/$m"
      MOUNTED=("$ROOT/$m" "${MOUNTED[@]}")
    fi
  done
  inroot() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }
else
  HOSTWORK=${GOUV_SUITE_WORK:-$GOUV_BUILD/libuv-suite}
  rm -rf "$HOSTWORK"
  mkdir -p "$HOSTWORK"
  WORK=$HOSTWORK
  MOUNTED=()
  inroot() { "$@"; }
fi

cleanup() {
  local m
  for m in "${MOUNTED[@]}"; do umount "$m" || true; done
  if [ -n "$ROOT" ] && [ "$KEEP" = 0 ]; then rm -rf "$HOSTWORK"; fi
}
trap cleanup EXIT

if ! inroot test -f /usr/include/uv.h; then
  echo "no /usr/include/uv.h${ROOT:+ in $ROOT}: install libuv1-dev" >&2
  exit 2
fi

# The test sources are copied into the scratch directory so that the build
# and the tests' own files (they create files in their working directory
# and read test/fixtures/) never touch the user's tree. src/ comes along
# because a few tests include one of libuv's internal files to test it.
mkdir -p "$HOSTWORK/src-tree"
cp -a "$SRC/test" "$HOSTWORK/src-tree/"
[ -d "$SRC/src" ] && cp -a "$SRC/src" "$HOSTWORK/src-tree/"
[ -d "$SRC/include" ] && cp -a "$SRC/include" "$HOSTWORK/src-tree/"
[ -f "$SRC/CMakeLists.txt" ] && cp "$SRC/CMakeLists.txt" "$HOSTWORK/src-tree/"
mkdir -p "$HOSTWORK/gouv-lib"
cp -a "$GOUV_BUILD/lib/"libgouv.so* "$GOUV_BUILD/lib/libuv.so.1" "$HOSTWORK/gouv-lib/"

# The list of test files comes from the tree's CMakeLists.txt when it has
# one (it names the files the real runner is built from), else every
# test/test-*.c.
T="$HOSTWORK/src-tree/test"
sources=(run-tests.c runner.c runner-unix.c echo-server.c blackhole-server.c)
tests=()
if [ -f "$HOSTWORK/src-tree/CMakeLists.txt" ]; then
  mapfile -t tests < <(grep -o 'test/test-[A-Za-z0-9_-]*\.c' "$HOSTWORK/src-tree/CMakeLists.txt" |
    sed 's|^test/||' | sort -u)
fi
if [ ${#tests[@]} -eq 0 ]; then
  mapfile -t tests < <(cd "$T" && ls test-*.c)
fi
for f in "${tests[@]}"; do [ -f "$T/$f" ] && sources+=("$f"); done

echo "building libuv's test runner from $SRC (${#sources[@]} files)${ROOT:+ in $ROOT}" >&2
mkdir -p "$HOSTWORK/obj"
# Debian's defines for libuv on Linux; -w because a newer tree's tests may
# warn with an older compiler, which says nothing about the library.
CFLAGS=(-O1 -g -w -pthread -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_LARGEFILE_SOURCE
        -I"$WORK/src-tree/test" -I"$WORK/src-tree/src")
[ "$TREE_HEADERS" = 1 ] && CFLAGS+=(-I"$WORK/src-tree/include")
printf '%s\n' "${sources[@]}" |
  { if [ -n "$ROOT" ]; then
      xargs -P "$JOBS" -I{} chroot "$ROOT" /usr/bin/env PATH=/usr/bin:/bin \
        cc "${CFLAGS[@]}" -c "$WORK/src-tree/test/{}" -o "$WORK/obj/{}.o"
    else
      xargs -P "$JOBS" -I{} cc "${CFLAGS[@]}" -c "$WORK/src-tree/test/{}" -o "$WORK/obj/{}.o"
    fi; }
# A probe that prints the version string of the libuv it was linked with:
# the check that LD_LIBRARY_PATH really brought gouv in, and that the plain
# run really used the system's libuv.
cat >"$HOSTWORK/probe.c" <<'EOF'
#include <stdio.h>
#include <uv.h>
int main(void) {
  printf("%s\n", uv_version_string());
  return 0;
}
EOF
inroot cc -o "$WORK/probe" "$WORK/probe.c" -luv

# With a newer tree's headers the runner may call functions the system's
# libuv lacks. Each gets a stub that says so and aborts, so that only the
# tests calling it fail (on both libraries, which export the same API).
if [ "$TREE_HEADERS" = 1 ]; then
  syslib=$(inroot ldd "$WORK/probe" | awk '/libuv\.so\.1/ {print $3}')
  mapfile -t missing < <(comm -23 \
    <(inroot sh -c "nm -u '$WORK'/obj/*.o" | awk '$2 ~ /^uv_/ {print $2}' | sort -u) \
    <(inroot nm -D --defined-only "$syslib" | awk '{print $3}' | sort -u))
  {
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    for f in "${missing[@]}"; do
      echo "void $f(void) { fprintf(stderr, \"$f is not in this libuv\\n\"); abort(); }"
    done
  } >"$HOSTWORK/obj-stubs.c"
  inroot cc -c "$WORK/obj-stubs.c" -o "$WORK/obj/zz-stubs.o"
  [ ${#missing[@]} -eq 0 ] || echo "functions the system's libuv lacks (stubbed): ${missing[*]}" >&2
fi
inroot sh -c "cc -pthread -o '$WORK/run-tests' '$WORK'/obj/*.o -luv -lutil -ldl -lm"

GOUV_ENV=(LD_LIBRARY_PATH="$WORK/gouv-lib")
sysver=$(inroot "$WORK/probe")
gouvver=$(inroot env "${GOUV_ENV[@]}" "$WORK/probe")
case "$sysver" in *gouv*) echo "the plain run loads gouv ($sysver): is it installed as libuv?" >&2; exit 1 ;; esac
case "$gouvver" in *gouv*) ;; *) echo "LD_LIBRARY_PATH did not bring gouv in ($gouvver)" >&2; exit 1 ;; esac
# The output is kept whole first: grep -q stopping early would make ldd
# die of SIGPIPE, which pipefail reports as a failure.
lddout=$(inroot env "${GOUV_ENV[@]}" ldd "$WORK/run-tests")
if ! grep -q "libuv.so.1 => $WORK/gouv-lib/" <<<"$lddout"; then
  echo "the runner does not load gouv's libuv.so.1 under LD_LIBRARY_PATH" >&2
  exit 1
fi
echo "system libuv $sysver; gouv $gouvver" >&2

# Each library runs in its own directory holding a copy of test/fixtures, as
# the real runner runs from the source tree's top.
for lib in libuv gouv; do
  mkdir -p "$HOSTWORK/run-$lib/test"
  cp -a "$T/fixtures" "$HOSTWORK/run-$lib/test/"
done

mapfile -t names < <(inroot env UV_RUN_AS_ROOT=1 "$WORK/run-tests" --list | awk '{print $1}' | grep -E "${FILTER:-.}" || true)
if [ ${#names[@]} -eq 0 ]; then
  echo "no tests${FILTER:+ match $FILTER}" >&2
  exit 1
fi

# Both runs set LD_LIBRARY_PATH (for the system's libuv to an empty
# directory), since a few tests behave differently when it is set
# (spawn_empty_env skips itself): only the library may differ.
mkdir -p "$HOSTWORK/empty-lib"
SYS_ENV=(LD_LIBRARY_PATH="$WORK/empty-lib")

# reap_session SID ends what is left of a test's session: a child forked
# without exec that outlived its test (the fork tests on gouv, whose Go
# runtime does not survive fork) would otherwise go on spinning. Only the
# processes of that one session, each by its id.
reap_session() {
  local sid=$1 pid
  [ -n "$sid" ] || return 0
  for pid in $(ps -e -o pid=,sid= | awk -v s="$sid" '$2 == s {print $1}'); do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# run_one LIB NAME prints pass, skip, fail or timeout. The runner starts the
# test (and its helper processes) as children with its own per-test
# timeout; the outer timeout only guards against a runner that hangs. Each
# test runs in a session of its own, ended with it.
run_one() {
  local lib=$1 name=$2 envs=(UV_RUN_AS_ROOT=1) out rc sidfile
  if [ "$lib" = gouv ]; then envs+=("${GOUV_ENV[@]}"); else envs+=("${SYS_ENV[@]}"); fi
  out="$HOSTWORK/run-$lib/$name.log"
  sidfile="run-$lib/.session"
  rm -f "$HOSTWORK/$sidfile"
  set +e
  inroot setsid -w sh -c "echo \$\$ >'$WORK/$sidfile'; cd '$WORK/run-$lib' && exec env ${envs[*]} timeout -k 5 $TIMEOUT '$WORK/run-tests' '$name'" \
    >"$out" 2>&1 </dev/null
  rc=$?
  set -e
  reap_session "$(cat "$HOSTWORK/$sidfile" 2>/dev/null)"
  if [ $rc = 124 ] || [ $rc = 137 ]; then
    echo timeout
  elif grep -q "^ok [0-9]* - $name # SKIP" "$out"; then
    echo skip
  elif [ $rc = 0 ] && grep -q "^ok [0-9]* - $name\$" "$out"; then
    echo pass
  else
    echo fail
  fi
}

# reason_for NAME prints the known reason for NAME's result, or, when a
# newer tree's test died in a stubbed function, which one.
reason_for() {
  local r="" f
  [ -f "$KNOWN" ] && r=$(awk -v t="$1" '$1 == t { $1 = ""; sub(/^ +/, ""); print; exit }' "$KNOWN")
  if [ -z "$r" ]; then
    f=$(grep -ho "uv_[a-z0-9_]* is not in this libuv" "$HOSTWORK/run-gouv/$1.log" 2>/dev/null | head -n 1)
    [ -z "$f" ] || r="calls ${f%% *}, which is not in the libuv 1.44 API"
  fi
  printf '%s\n' "$r"
}

both=0
differ=0
failboth=0
skipboth=0
difflist=()
printf '%-45s | %-7s | %-7s | %s\n' test libuv gouv reason
printf '%s\n' "----------------------------------------------|---------|---------|-------"
for name in "${names[@]}"; do
  a=$(run_one libuv "$name")
  b=$(run_one gouv "$name")
  reason=""
  if [ "$a" = "$b" ]; then
    case "$a" in
      pass) both=$((both + 1)) ;;
      skip) skipboth=$((skipboth + 1)) ;;
      *) failboth=$((failboth + 1)); reason=$(reason_for "$name") ;;
    esac
  else
    differ=$((differ + 1))
    difflist+=("$name")
    reason=$(reason_for "$name")
    [ -n "$reason" ] || reason="(unexplained: see run-gouv/$name.log)"
  fi
  printf '%-45s | %-7s | %-7s | %s\n' "$name" "$a" "$b" "$reason"
done
echo
[ -n "$ROOT" ] && [ "$KEEP" = 0 ] || echo "logs: $HOSTWORK/run-libuv/ and $HOSTWORK/run-gouv/"
echo "${#names[@]} tests: $skipboth skipped on both, $failboth fail on both"
[ ${#difflist[@]} -eq 0 ] || echo "differ: ${difflist[*]}"
echo "$both pass on both, $differ differ"
