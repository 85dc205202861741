#!/usr/bin/env bash
# The nvim host's terminal check, run by nvim.sh under its timeout:
#   nvim_tui.sh SCRATCH_DIR
# script(1) gives nvim a pseudo-terminal of 100x30; nvim_tui.lua records
# what nvim sees. Passes if nvim saw 100x30, the terminal was raw while
# nvim ran (no icanon, no echo) and cooked again after it exited
# (uv_tty_reset_mode), then prints the libuv files nvim had mapped.
set -uo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
rm -f "$out/during" "$out/after"
export GOUV_TUI_OUT=$out
script -qec "stty cols 100 rows 30; nvim -u NONE -i NONE -n -c 'luafile $here/nvim_tui.lua'; stty -a > '$out/after'" \
  /dev/null </dev/null >/dev/null
rc=$?
fail() { echo "nvim_tui.sh: $*"; cat "$out/during" "$out/after" 2>/dev/null; exit 1; }
[ $rc -eq 0 ] || fail "script exited $rc"
[ -s "$out/during" ] || fail "nvim wrote nothing"
grep -qx 'size 100x30' "$out/during" || fail "nvim did not see the terminal's size"
grep -qx 'during -icanon -echo' "$out/during" || fail "the terminal was not raw while nvim ran"
grep -q ' icanon ' "$out/after" && grep -q ' echo ' "$out/after" || fail "nvim left the terminal raw"
grep '^libuv-mapped ' "$out/during"
echo "ok tui"
