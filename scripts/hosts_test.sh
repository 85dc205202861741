#!/usr/bin/env bash
# Runs Debian programs that link libuv.so.1 dynamically, unchanged, on gouv
# and on the system's libuv as the reference, each with a workload of
# ours (cbindings_test/hosts/):
#   uvloop  asyncio on python3-uvloop (Debian's /usr/bin/python3)
#   luv     lua-luv on lua5.1
#   nvim    neovim 0.7, headless
#   cmake   cmake and ctest on a small project
#   scripts/hosts_test.sh [--gouv | --reference] [host]
# runs both modes (or one) of every host (or one). Each host script prints
# one PASS/FAIL line per check; this prints them and "N passed, M failed",
# and exits non-zero if anything failed. A host that cannot run at all
# counts as one failure. A check listed in cbindings_test/hosts/
# known_failures.txt (a gouv bug not fixed yet) that fails on gouv prints
# KNOWN and is counted apart. Installs the programs first when run as root.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT" || exit 1

modes=(gouv reference)
case ${1:-} in
  --gouv) modes=(gouv); shift ;;
  --reference) modes=(reference); shift ;;
esac
hosts=(uvloop luv nvim cmake)
[ -n "${1:-}" ] && hosts=("$1")

gouv_host_deps || { echo "0 passed, 1 failed"; exit 1; }
if [[ " ${modes[*]} " == *" gouv "* ]] && [ ! -e "$GOUV_BUILD/lib/libuv.so.1" ]; then
  gouv_build >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi

passed=0
failed=0
known=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for mode in "${modes[@]}"; do
  for h in "${hosts[@]}"; do
    args=()
    [ "$mode" = reference ] && args=(--reference)
    # Each check has its own timeout; this one only stops a host script
    # that is stuck outside its checks.
    timeout -k 5 300 "cbindings_test/hosts/$h.sh" "${args[@]}" >"$out" 2>&1 </dev/null
    rc=$?
    cat "$out"
    p=$(grep -c '^PASS ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "FAIL $h $mode: the host script exited $rc"
      f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    known=$((known + $(grep -c '^KNOWN ' "$out")))
  done
done
[ $known -gt 0 ] && echo "$known known failures on gouv (cbindings_test/hosts/known_failures.txt)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
