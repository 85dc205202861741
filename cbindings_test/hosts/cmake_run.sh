#!/usr/bin/env bash
# The cmake host's workload, run by cmake.sh under its timeout:
#   cmake_run.sh configure|ctest|ctest_timeout BUILD_DIR
# Runs Debian's cmake or ctest (whichever libuv the library path gives
# them) on cmake_project/, checks what they report, exits non-zero on any
# difference, and prints the libuv files the cmake or ctest process had
# mapped, as read by a child of that process from /proc/$PPID/maps.
set -uo pipefail
phase=$1
build=$2
src=$(cd "$(dirname "$0")/cmake_project" && pwd)

fail() { echo "cmake_run.sh $phase: $*"; exit 1; }

# mapped MAPS: one "libuv-mapped PATH" line per libuv in a maps file.
mapped() {
  [ -s "$1" ] || fail "no maps in $1"
  awk '{ n = split($6, p, "/") } n && p[n] ~ /^lib(uv|gouv)\.so/ { print "libuv-mapped", $6 }' "$1" | sort -u
}

# The names, with their reported kind, under one heading of ctest's summary.
listed() {
  sed -n "/^$1/,/^\$/p" "$2" | sed -nE 's/^[[:space:]]*[0-9]+ - ([a-z_0-9]+) \((.*)\)$/\1 (\2)/p' | sort | paste -sd,
}

# seconds NAME OUT: the time ctest reports for one test.
seconds() {
  sed -nE "s/.*Test +#[0-9]+: $1 [. ]+.* ([0-9.]+) sec\$/\1/p" "$2" | head -1
}

case $phase in
configure)
  # The CMakeLists fails the configure itself when an execute_process
  # result is wrong.
  rm -rf "$build"
  cmake -S "$src" -B "$build" >"$build.log" 2>&1 || { cat "$build.log"; fail "configure failed"; }
  grep -q 'gouv host: execute_process checks passed' "$build.log" || { cat "$build.log"; fail "checks did not run"; }
  mapped "$build/cmake-maps.txt"
  ;;
ctest)
  [ -f "$build/CTestTestfile.cmake" ] || fail "not configured"
  cd "$build" || exit 1
  rm -f ctest-maps.txt sleeps_?.start sleeps_?.end
  ctest -j4 -LE timeout_round >ctest.out 2>&1
  rc=$?
  cat ctest.out
  # ctest exits 8 when a test failed.
  [ $rc -eq 8 ] || fail "ctest exited $rc, not 8"
  grep -q '^75% tests passed, 3 tests failed out of 12$' ctest.out || fail "wrong summary"
  got=$(listed 'The following tests FAILED:' ctest.out)
  [ "$got" = "fail_regex (Failed),fails (Failed),times_out (Timeout)" ] || fail "failed tests: $got"
  got=$(listed 'The following tests did not run:' ctest.out)
  [ "$got" = "skipped (Skipped)" ] || fail "tests not run: $got"
  got=$(sed -nE 's/.*Test +#[0-9]+: ([a-z_0-9]+) [. ]+ Passed .*/\1/p' ctest.out | sort | paste -sd,)
  [ "$got" = "big_output,ctest_maps,environment,sleeps_1,sleeps_2,sleeps_3,sleeps_4,will_fail" ] ||
    fail "passed tests: $got"
  # The test with a 1 s timeout is stopped after about 1 s, not 30. (A
  # libuv timer counts from the loop's cached time, so ctest may see it
  # fire a little early.)
  t=$(seconds times_out ctest.out)
  awk -v t="$t" 'BEGIN { exit !(t >= 0.5 && t < 3) }' || fail "times_out took '$t' s"
  sleep 0.2
  if pgrep -x sleep -a 2>/dev/null | grep -q ' 30\.25$'; then fail "the timed-out test still runs"; fi
  # With -j4 the four 1 s tests run at the same time: the last one starts
  # before the first one ends.
  last_start=$(cat sleeps_?.start | sort -n | tail -1)
  first_end=$(cat sleeps_?.end | sort -n | head -1)
  awk -v s="$last_start" -v e="$first_end" 'BEGIN { exit !(s != "" && e != "" && s < e) }' ||
    fail "the sleeps did not overlap: last start $last_start, first end $first_end"
  mapped ctest-maps.txt
  ;;
ctest_timeout)
  # --timeout for every test, two at a time: two rounds of 0.5 s.
  [ -f "$build/CTestTestfile.cmake" ] || fail "not configured"
  cd "$build" || exit 1
  rm -f ctest-maps.txt
  ctest -L '^(timeout_round|maps)$' -j2 --timeout 0.5 >timeout.out 2>&1
  rc=$?
  cat timeout.out
  [ $rc -eq 8 ] || fail "ctest exited $rc, not 8"
  got=$(listed 'The following tests FAILED:' timeout.out)
  [ "$got" = "hangs_1 (Timeout),hangs_2 (Timeout),hangs_3 (Timeout),hangs_4 (Timeout)" ] || fail "failed tests: $got"
  total=$(sed -nE 's/^Total Test time \(real\) = +([0-9.]+) sec$/\1/p' timeout.out)
  awk -v t="$total" 'BEGIN { exit !(t >= 0.6 && t < 3) }' || fail "total time '$total' s"
  sleep 0.2
  if pgrep -x sleep -a 2>/dev/null | grep -q ' 20\.5$'; then fail "a timed-out test still runs"; fi
  mapped ctest-maps.txt
  ;;
*)
  fail "unknown phase"
  ;;
esac
echo "ok $phase"
