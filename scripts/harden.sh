#!/usr/bin/env bash
# Hardening checks of gouv; ends with one line: "N passed, M failed", and
# exits non-zero if anything failed. Bounded in time (a few minutes).
#
#   asan build   capi's C and the C tests with -fsanitize=address,undefined
#                (cmake -DGOUV_SANITIZE=ON in build/asan)
#   ctest asan   the whole C test suite against that build, LeakSanitizer
#                on, UBSan fatal (suppressions: cbindings_test/harden/*.supp),
#                and the same tests built for the system libuv
#                (build/asan-ref)
#   cgocheck2    the C tests against a library built with
#                GOEXPERIMENT=cgocheck2 (build/lib-cgocheck2), which aborts
#                on any Go pointer stored in C memory
#   go race      go test -race for loop/, io/, pool/
#   fuzz         each Go fuzz target for FUZZTIME (default 20s), one at a
#                time, since go test -fuzz takes one target
#
# The C programs that drive the API with misuse at random
# (gouvonly_misuse_random), with failing allocations (gouvonly_alloc_failure),
# at the descriptor limit (gouvonly_exhaustion) and in a bounded soak
# (gouvonly_soak) are ctest cases, so they run here under the sanitizers as
# well as in scripts/test.sh. A churn through Debian's Node 18 checks the
# same under a real host.
#
# Environment: FUZZTIME (seconds, e.g. 5s for a quick run; default 20s),
# GOUV_ASAN_BUILD (default build/asan).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT"

FUZZTIME=${FUZZTIME:-20s}
ASAN_BUILD=${GOUV_ASAN_BUILD:-$GOUV_BUILD/asan}
ASAN_REF_BUILD=${GOUV_ASAN_REF_BUILD:-$GOUV_BUILD/asan-ref}

passed=0
failed=0
failures=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
start=$(date +%s)

ok() { passed=$((passed + $1)); }
bad() { failed=$((failed + $1)); failures+=("$2"); }
step() { printf '\n== %s (%ds)\n' "$*" $(($(date +%s) - start)); }

step "dependencies"
gouv_deps || { echo "0 passed, 1 failed"; exit 1; }
# The sanitizer runtimes come with gcc on Debian; a trimmed machine may
# lack them.
if ! echo 'int main(void){return 0;}' | gcc -x c -fsanitize=address,undefined -o "$log/probe" - 2>/dev/null; then
  gouv_apt_install harden.sh libasan8 libubsan1 || { echo "0 passed, 1 failed"; exit 1; }
fi
echo ok

step "build with ASan and UBSan ($ASAN_BUILD, and the reference build in $ASAN_REF_BUILD)"
if ! { cmake -S "$GOUV_ROOT" -B "$ASAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGOUV_SANITIZE=ON >/dev/null &&
       cmake --build "$ASAN_BUILD" &&
       cmake -S "$GOUV_ROOT" -B "$ASAN_REF_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DGOUV_SANITIZE=ON \
         -DGOUV_REFERENCE=ON >/dev/null &&
       cmake --build "$ASAN_REF_BUILD"; } >"$log/build" 2>&1; then
  tail -40 "$log/build"
  echo "0 passed, 1 failed"
  exit 1
fi
echo ok

# What the sanitizers need to share a process with the Go runtime, and why
# (docs/design.md, "Sanitizers and the Go runtime"):
# - the test executables link the ASan runtime themselves (GOUV_SANITIZE
#   adds -fsanitize to them), so it comes first in the initial library list;
#   a host that does not must LD_PRELOAD libasan.so.8;
# - allow_user_segv_handler=1: the Go runtime installs its own SIGSEGV and
#   SIGBUS handlers when the library loads (it turns faults in Go code into
#   panics) and chains faults that are not its own to the handler before
#   it, ASan's; ASan must let it;
# - detect_leaks=1 stays on: gouv keeps no C allocation reachable only from
#   the Go heap (LeakSanitizer does not scan Go's memory), so every report
#   is a real leak or listed in lsan.supp with the reason;
# - use_sigaltstack=0: ASan otherwise gives every thread a small alternate
#   signal stack, and gouv adds SA_ONSTACK to the host's handlers (so that
#   they never run on a goroutine's small stack), which then run on ASan's
#   stack: the signal-storm test's handler, with a 64 KiB frame, overflowed
#   it now and then and ASan deadlocked reporting it from the handler.
#   Without ASan a host thread has no alternate stack unless the host set
#   one, and the handler runs on the thread's own stack;
# - UBSan halts on the first report, so that it fails the test.
export ASAN_OPTIONS=allow_user_segv_handler=1:use_sigaltstack=0:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$GOUV_ROOT/cbindings_test/harden/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=suppressions=$GOUV_ROOT/cbindings_test/harden/ubsan.supp:halt_on_error=1:print_stacktrace=1

# asan_ctest DIR LABEL [EXCLUDE-REGEX [INCLUDE-REGEX]]: the C tests of one
# sanitized build.
asan_ctest() {
  local dir=$1 label=$2 exclude=${3:-} include=${4:-} line total fail
  local args=(--test-dir "$dir" --output-on-failure -j2 --timeout 120)
  [ -n "$exclude" ] && args+=(-E "$exclude")
  [ -n "$include" ] && args+=(-R "$include")
  ctest "${args[@]}" >"$log/ctest-$label" 2>&1
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$log/ctest-$label" | tail -1)
  if [ -z "$line" ]; then
    tail -30 "$log/ctest-$label"; bad 1 "ctest $label"; return
  fi
  echo "$line"
  total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  fail=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed.*/\1/')
  ok $((total - fail))
  if [ "$fail" -gt 0 ]; then
    sed -n '/The following tests FAILED/,$p' "$log/ctest-$label"
    grep -B2 -A30 -E '(ERROR: (Address|Leak)Sanitizer|runtime error|Failed|Subprocess aborted|Timeout)' \
      "$log/ctest-$label" | head -120
    bad "$fail" "ctest $label"
  fi
}

step "C tests under ASan and UBSan, against gouv"
# The signal-storm test runs without LeakSanitizer: LeakSanitizer's check at
# exit stops every thread with ptrace, and after the storm it left the Go
# runtime's monitor thread with a wrong goroutine now and then ("fatal:
# systemstack called from unexpected goroutine", about 1 run in 20 with the
# CPUs busy; none in 200 runs without the check). docs/design.md,
# "Sanitizers and the Go runtime".
nolsan='test_signal.host_handler_without_onstack_survives_signal_storm'
waiting=$(grep -v '^#' cbindings_test/waiting.txt 2>/dev/null | awk 'NF {print $1}' | paste -sd'|')
asan_ctest "$ASAN_BUILD" asan "^(${waiting:+$waiting|}$nolsan)\$"
asan_options=$ASAN_OPTIONS
export ASAN_OPTIONS=$asan_options:detect_leaks=0
asan_ctest "$ASAN_BUILD" asan-nolsan "" "^$nolsan\$"
export ASAN_OPTIONS=$asan_options
# The same tests against Debian's libuv: what the sanitizers find there is
# the tests' own (or libuv's, suppressed with the reason).
step "C tests under ASan and UBSan, against the system libuv (reference)"
asan_ctest "$ASAN_REF_BUILD" asan-ref
unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS

# Go state lives in hosts' memory only where it holds no Go pointer
# (docs/design.md, "Handle memory is the state"), and no record in Go memory
# is linked among records in a host's memory. A library built with
# GOEXPERIMENT=cgocheck2 checks every pointer store at run time and aborts
# on a Go pointer written to memory the Go heap does not own; the C tests
# (the counting build's excepted: they need its own library) run against it.
step "C tests against a build that checks cgo's pointer rules (cgocheck2)"
CHECK_LIB=$GOUV_BUILD/lib-cgocheck2
if { gouv_build && mkdir -p "$CHECK_LIB" &&
     GOEXPERIMENT=cgocheck2 CGO_ENABLED=1 CGO_CFLAGS="-O2 -I$GOUV_ROOT/include" \
       go build -trimpath -buildmode=c-shared -o "$CHECK_LIB/libgouv.so.1" \
       "-ldflags=-extldflags '-Wl,-soname,libgouv.so.1 -Wl,--version-script=$GOUV_BUILD/gouv.map'" ./capi &&
     rm -f "$CHECK_LIB"/*.h && ln -sf libgouv.so.1 "$CHECK_LIB/libuv.so.1"; } >"$log/cgocheck-build" 2>&1; then
  LD_LIBRARY_PATH=$CHECK_LIB asan_ctest "$GOUV_BUILD" cgocheck2 "^(${waiting:+$waiting|}crossings_table\..*)\$"
else
  tail -20 "$log/cgocheck-build"
  bad 1 "cgocheck2 build"
fi

step "go test -race (loop, io, pool)"
go test -race -count=1 ./loop/... ./io/... ./pool/... >"$log/race" 2>&1
cat "$log/race" | grep -E '^(ok|FAIL|---|panic|WARNING: DATA RACE)' | head -30
if grep -q -E '^(FAIL|panic)|DATA RACE' "$log/race"; then
  bad 1 "go test -race"
  grep -A30 'DATA RACE' "$log/race" | head -60
else
  ok 1
fi

# fuzz PKG TARGET: one target for FUZZTIME; a fuzzer that stops making
# progress (a hang) is stopped by timeout and counts as a failure. Each new
# interesting input is minimized with at most 200 runs: unbounded (60 s by
# default) the minimizing of long operation sequences ate most of a short
# run.
fuzz() {
  local pkg=$1 target=$2
  local secs=${FUZZTIME%s}
  [[ $secs =~ ^[0-9]+$ ]] || secs=600 # a FUZZTIME not in seconds: a generous bound
  timeout $((secs + 120)) go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" \
    -fuzzminimizetime=200x -parallel=2 "$pkg" >"$log/fuzz-$target" 2>&1
  local rc=$?
  # Go's fuzz coordinator (up to Go 1.26, go.dev/issue/75804) can report a
  # bare "context deadline exceeded" when -fuzztime runs out while a worker
  # is mid-call on a busy machine: no input is written, nothing failed. Such
  # an ending counts as a pass once the seed corpus under testdata
  # replays cleanly; any written input, panic or t.Fatal still fails.
  if [ $rc = 1 ] && grep -q 'context deadline exceeded' "$log/fuzz-$target" &&
    ! grep -q -E 'Failing input written|panic:|_test.go:[0-9]+:' "$log/fuzz-$target" &&
    go test -count=1 -run="^${target}\$" "$pkg" >>"$log/fuzz-$target" 2>&1; then
    echo "$target: deadline race of Go's fuzz coordinator at the end; corpus replays cleanly"
    rc=0
  fi
  if [ $rc = 0 ]; then
    ok 1
    echo "$target: $(grep -oE 'execs: [0-9]+' "$log/fuzz-$target" | tail -1)"
  else
    [ $rc = 124 ] && echo "$target: timed out"
    tail -20 "$log/fuzz-$target"
    bad 1 "$target"
  fi
}

# A bounded churn through Debian's Node 18 (cbindings_test/harden/
# node_churn.js: connections, spawns, timers, fs requests and workers in
# three rounds; the later ones may not keep descriptors or grow RSS much), on gouv and,
# as the differential check of the script itself, on the system's libuv.
step "Node churn, on gouv and on the system's libuv"
for mode in gouv reference; do
  args=()
  [ $mode = reference ] && args=(--reference)
  if timeout 300 scripts/node.sh "${args[@]}" --expose-gc cbindings_test/harden/node_churn.js \
    >"$log/churn-$mode" 2>&1; then
    ok 1
    tail -1 "$log/churn-$mode"
  else
    tail -5 "$log/churn-$mode"
    bad 1 "node churn ($mode)"
  fi
done

step "fuzzing, $FUZZTIME per target"
fuzz ./loop FuzzLoopOps
fuzz ./io FuzzIDNAToASCII
fuzz ./io FuzzFSOpen
fuzz ./io FuzzSpawnOptions
fuzz ./io FuzzWriteAdvance
fuzz ./io FuzzUDPDest

echo
echo "took $(($(date +%s) - start))s"
if [ ${#failures[@]} -gt 0 ]; then echo "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
