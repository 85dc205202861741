#!/usr/bin/env bash
# Runs the Node.js tests (cbindings_test/node/*_test.js) on Debian's Node 18:
#   scripts/node_test.sh [--reference] [filter]
# on gouv (build/lib first on the library path), or with --reference on the
# system's libuv. Each file runs alone under a timeout, then all of them
# once more through Node's own runner (`node --test cbindings_test/node/`).
# Prints one line per run (PASS/FAIL and seconds), the output of each
# failure, and "N passed, M failed"; exits non-zero if anything failed.
# GOUV_NODE_TEST_TIMEOUT: seconds per file (default 60).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

NODE=("$GOUV_ROOT/scripts/node.sh")
MODE=gouv
if [ "${1:-}" = --reference ]; then NODE+=(--reference); MODE=reference; shift; fi
FILTER=${1:-}
TIMEOUT=${GOUV_NODE_TEST_TIMEOUT:-60}
DIR=$GOUV_ROOT/cbindings_test/node

# Fetch Node (and build gouv) once, up front, so no test's time includes it.
if ! ver=$("${NODE[@]}" -p process.versions.uv 2>&1); then
  echo "node_test.sh: node does not start on $MODE:" >&2
  echo "$ver" | tail -n 5 >&2
fi
echo "node_test.sh: Node $("${NODE[@]}" -p process.version 2>/dev/null || echo '?') on libuv ${ver:-?} ($MODE)"

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

for f in "$DIR"/*_test.js; do
  name=$(basename "$f" .js)
  [ -n "$FILTER" ] && [[ $name != *"$FILTER"* ]] && continue
  run "$name" "${NODE[@]}" "$f"
done
if [ -z "$FILTER" ]; then
  # Node's runner runs the files in parallel; give it the time of several.
  TIMEOUT=$((TIMEOUT * 3)) run "node --test (all files)" "${NODE[@]}" --test "$DIR/"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
