#!/usr/bin/env bash
# Runs the Node.js tests (cbindings_test/node/*_test.js) on one of Debian's
# Nodes (scripts/node.sh):
#   scripts/node_test.sh [--node 18|20|22|24|all] [--reference|--both]
#                        [--no-runner] [filter]
# on gouv (its libuv.so.1 first on the library path), or with --reference
# on the libuv that Node release was packaged with (18: the system's 1.44;
# 20: trixie's 1.50; 22 and 24: unstable's 1.53), or with --both on each.
# --node all runs 18, 20, 22 and 24 in turn; the default is 18. Each file
# runs alone under a timeout, then (unless --no-runner) all of them once
# more through Node's own runner (`node --test`). Prints one line per run
# (PASS/FAIL and seconds), the output of each failure, and "N passed, M
# failed" (the total over every version and library run); exits non-zero
# if anything failed. GOUV_NODE_TEST_TIMEOUT: seconds per file (default
# 60).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

VERSIONS=(18)
MODES=(gouv)
RUNNER=1
while (($#)); do
  case $1 in
    --node)
      case ${2:-} in
        all) VERSIONS=(18 20 22 24) ;;
        18 | 20 | 22 | 24) VERSIONS=("$2") ;;
        *) echo "node_test.sh: --node wants 18, 20, 22, 24 or all" >&2; exit 2 ;;
      esac
      shift 2
      ;;
    --reference) MODES=(reference); shift ;;
    --both) MODES=(gouv reference); shift ;;
    --no-runner) RUNNER=0; shift ;;
    *) break ;;
  esac
done
FILTER=${1:-}
BASE_TIMEOUT=${GOUV_NODE_TEST_TIMEOUT:-60}
DIR=$GOUV_ROOT/cbindings_test/node

passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# run NAME CMD...: run with the timeout, print one line, count it.
run() {
  local name=$1 rc t0 t1
  shift
  t0=$(date +%s.%N)
  timeout -k 5 "$TIMEOUT" "$@" >"$out" 2>&1 </dev/null
  rc=$?
  t1=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if [ $rc -eq 0 ]; then
    printf 'PASS %-28s %6ss\n' "$name" "$secs"
    passed=$((passed + 1))
  else
    local why="exit $rc"
    [ $rc -eq 124 ] && why="timed out after ${TIMEOUT}s"
    [ $rc -gt 128 ] && [ $rc -ne 124 ] && why="killed by signal $((rc - 128))"
    printf 'FAIL %-28s %6ss  (%s)\n' "$name" "$secs" "$why"
    # What failed: the TAP failures if any, else the end of the output.
    if grep -q '^not ok' "$out"; then
      awk '/^not ok/ { on = 1 } on { print "    " $0; if (++n > 60) exit } /^  \.\.\.$/ { on = 0 }' "$out"
    else
      tail -n 30 "$out" | sed 's/^/    /'
    fi
    failed=$((failed + 1))
  fi
}

# suite VERSION MODE: every test file on one Node and one library.
suite() {
  local version=$1 mode=$2 ver f name
  NODE=("$GOUV_ROOT/scripts/node.sh" --node "$version")
  [ "$mode" = reference ] && NODE+=(--reference)
  TIMEOUT=$BASE_TIMEOUT
  # Fetch Node (and build gouv, or the Debian root) up front, so no test's
  # time includes it; what that says on stderr shows only if it fails.
  if ! ver=$("${NODE[@]}" -p process.versions.uv 2>"$out"); then
    echo "node_test.sh: node $version does not start on $mode:" >&2
    tail -n 5 "$out" >&2
    ver=
  fi
  echo "node_test.sh: Node $("${NODE[@]}" -p process.version 2>/dev/null || echo "$version?") on libuv ${ver:-?} ($mode)"
  for f in "$DIR"/*_test.js; do
    name=$(basename "$f" .js)
    [ -n "$FILTER" ] && [[ $name != *"$FILTER"* ]] && continue
    run "$name" "${NODE[@]}" "$f"
  done
  if [ -z "$FILTER" ] && [ "$RUNNER" = 1 ]; then
    # Node's runner runs the files in parallel; give it the time of several.
    # The files are named one by one: Node 22 and later read a folder given
    # to --test as a file name, not as a folder to search.
    TIMEOUT=$((BASE_TIMEOUT * 3)) run "node --test (all files)" "${NODE[@]}" --test "$DIR"/*_test.js
  fi
}

for v in "${VERSIONS[@]}"; do
  for m in "${MODES[@]}"; do
    suite "$v" "$m"
  done
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
