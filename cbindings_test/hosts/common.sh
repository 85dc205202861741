# Shared by the host scripts (cbindings_test/hosts/<host>.sh); sourced, not
# run. A host script runs a Debian program that links libuv.so.1
# dynamically, unchanged, with our workload: on gouv (build/lib first on
# LD_LIBRARY_PATH), or with --reference on the system's libuv.
#
# Every check runs as its own process under `timeout`, so a hang is one
# failed check and not a stuck run. A workload prints, once its work is
# done, one line "libuv-mapped PATH" for each libuv it finds in
# /proc/self/maps (or, for cmake, in the maps of the cmake or ctest
# process); a check passes only if the program exited 0 and the libuv it
# had mapped is exactly the one of the mode: a pass on the wrong library
# would prove nothing about gouv.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

HOSTS_DIR=$GOUV_ROOT/cbindings_test/hosts
MODE=gouv
if [ "${1:-}" = --reference ]; then MODE=reference; shift; fi
# Seconds one check may take; a check that needs longer has hung.
HOST_TIMEOUT=${GOUV_HOST_TIMEOUT:-20}

# The loader resolves libuv.so.1 through its symlinks, and maps shows the
# file it opened: build/lib/libgouv.so.1 for gouv, libuv.so.1.0.0 for the
# system's.
GOUV_LIB=$(readlink -f "$GOUV_BUILD/lib/libuv.so.1")
SYSTEM_LIB=$(readlink -f "$(ldconfig -p | awk '$1 == "libuv.so.1" && /x86-64/ { print $NF; exit }')")
if [ "$MODE" = gouv ]; then
  if [ ! -e "$GOUV_BUILD/lib/libuv.so.1" ]; then
    echo "no $GOUV_BUILD/lib/libuv.so.1: run scripts/build.sh first" >&2
    exit 1
  fi
  WANT_LIB=$GOUV_LIB
  export LD_LIBRARY_PATH=$GOUV_BUILD/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
else
  WANT_LIB=$SYSTEM_LIB
  # The reference must not pick up gouv through an inherited path.
  if [ -n "${LD_LIBRARY_PATH:-}" ]; then
    LD_LIBRARY_PATH=$(echo "$LD_LIBRARY_PATH" | tr ':' '\n' | grep -vxF "$GOUV_BUILD/lib" | paste -sd:)
    export LD_LIBRARY_PATH
  fi
fi

# known_failures.txt lists checks that fail on gouv because of a gouv bug
# nobody has fixed yet ("host check: why"). On gouv such a failure prints
# KNOWN, with the reason, and does not count as failed; on the reference
# the check must pass like any other.
KNOWN_FILE=$HOSTS_DIR/known_failures.txt
known_reason() {
  [ "$MODE" = gouv ] && [ -f "$KNOWN_FILE" ] || return 1
  awk -v key="$HOST $1:" 'index($0, key) == 1 { print substr($0, length(key) + 2); found = 1; exit } END { exit !found }' "$KNOWN_FILE"
}

host_passed=0
host_failed=0
host_known=0
HOST_TMP=$(mktemp -d)
trap 'rm -rf "$HOST_TMP"' EXIT
check_out=$HOST_TMP/check.out

# check NAME CMD...: runs CMD under the timeout with stdin from /dev/null,
# prints "PASS|FAIL <host> <mode> NAME" and, for a failure, why and the end
# of the output.
check() {
  local name=$1 rc t0 t1 secs why=""
  shift
  t0=$(date +%s.%N)
  # In a subshell whose stderr is discarded: when the program dies of a
  # signal, timeout re-raises it on itself, and bash's "Segmentation fault"
  # notice would land among the PASS/FAIL lines. The reason is printed
  # below anyway.
  rc=$( { timeout -k 5 "$HOST_TIMEOUT" "$@" >"$check_out" 2>&1 </dev/null; echo $?; } 2>/dev/null)
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  local mapped
  mapped=$(awk '$1 == "libuv-mapped" { print $2 }' "$check_out" | sort -u | paste -sd' ')
  if [ $rc -eq 124 ]; then
    why="timed out after ${HOST_TIMEOUT}s"
  elif [ $rc -gt 128 ]; then
    why="killed by signal $((rc - 128))"
  elif [ $rc -ne 0 ]; then
    why="exit $rc"
  elif [ "$mapped" != "$WANT_LIB" ]; then
    why="loaded libuv '${mapped:-none found}', not $WANT_LIB"
  fi
  local known
  known=$(known_reason "$name")
  if [ -z "$why" ]; then
    printf 'PASS %-8s %-9s %-26s %5ss\n' "$HOST" "$MODE" "$name" "$secs"
    [ -n "$known" ] && echo "    (listed in known_failures.txt, and passed: remove it from the list if it keeps passing)"
    host_passed=$((host_passed + 1))
  elif [ -n "$known" ]; then
    printf 'KNOWN %-7s %-9s %-26s %5ss  (%s)\n' "$HOST" "$MODE" "$name" "$secs" "$why"
    echo "    known gouv bug: $known"
    tail -n 8 "$check_out" | sed 's/^/    /'
    host_known=$((host_known + 1))
  else
    printf 'FAIL %-8s %-9s %-26s %5ss  (%s)\n' "$HOST" "$MODE" "$name" "$secs" "$why"
    tail -n 25 "$check_out" | sed 's/^/    /'
    host_failed=$((host_failed + 1))
  fi
}

# host_done: the host's summary line and exit status.
host_done() {
  local k=""
  [ $host_known -gt 0 ] && k=", $host_known known failures"
  echo "$HOST ($MODE): $host_passed passed, $host_failed failed$k"
  [ $host_failed -eq 0 ]
}
