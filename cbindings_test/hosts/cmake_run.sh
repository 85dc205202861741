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
  rm -f ctest-maps.txt
  ctest -j4 >ctest.out 2>&1
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
  # The test with a 1 s timeout is stopped after about 1 s, not 30.
  t=$(seconds times_out ctest.out)
  awk -v t="$t" 'BEGIN { exit !(t >= 0.9 && t < 3) }' || fail "times_out took '$t' s"
  sleep 0.2
  if pgrep -x sleep -a 2>/dev/null | grep -q ' 30\.25$'; then fail "the timed-out test still runs"; fi
  # Four 1 s tests, a 1 s timeout and the rest take at least 5 s one after
  # another; with -j4 they overlap.
  total=$(sed -nE 's/^Total Test time \(real\) = +([0-9.]+) sec$/\1/p' ctest.out)
  awk -v t="$total" 'BEGIN { exit !(t >= 1 && t < 4.5) }' || fail "total time '$total' s: the tests did not run in parallel"
  mapped ctest-maps.txt
  ;;
ctest_timeout)
  # --timeout for every test, two at a time: two rounds of 0.5 s.
  [ -f "$build/CTestTestfile.cmake" ] || fail "not configured"
  cd "$build" || exit 1
  rm -f ctest-maps.txt
  ctest -R '^(sleeps_[0-9]|ctest_maps)$' -j2 --timeout 0.5 >timeout.out 2>&1
  rc=$?
  cat timeout.out
  [ $rc -eq 8 ] || fail "ctest exited $rc, not 8"
  got=$(listed 'The following tests FAILED:' timeout.out)
  [ "$got" = "sleeps_1 (Timeout),sleeps_2 (Timeout),sleeps_3 (Timeout),sleeps_4 (Timeout)" ] || fail "failed tests: $got"
  total=$(sed -nE 's/^Total Test time \(real\) = +([0-9.]+) sec$/\1/p' timeout.out)
  awk -v t="$total" 'BEGIN { exit !(t >= 0.9 && t < 3) }' || fail "total time '$total' s"
  mapped ctest-maps.txt
  ;;
*)
  fail "unknown phase"
  ;;
esac
echo "ok $phase"
