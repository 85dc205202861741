#!/usr/bin/env bash
# Instructions per operation, counted rather than timed. A few of the C
# benchmarks (cbindings_test/bench/) run a fixed number of operations
# (GOUV_BENCH_COUNT) under valgrind's callgrind, on gouv and on the system
# libuv (the reference build of the same source), and only the loop's
# thread is counted (the Go runtime's own threads are not). Each runs twice, with two counts;
# the difference of the totals over the difference of the counts is one
# operation's cost, with start-up and teardown cancelled out.
#
# scripts/bench.sh's rates move with the machine's load by 10% and more;
# these counts do not. They say how much work user space does per operation
# (the library, libc and the benchmark's own callbacks), not what the kernel
# or a cache miss costs: a change that removes instructions from a hot path
# shows here at once, and then needs bench.sh to say what it is worth.
#
# Usage: scripts/instructions.sh
#   Needs valgrind (installed from Debian when run as root). Builds build/
#   and build/ref first. The gouv runs honour LD_LIBRARY_PATH, so another
#   build of the library can be counted in place of build/lib; the
#   reference runs clear it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT"

command -v valgrind >/dev/null || gouv_apt_install instructions.sh valgrind
gouv_deps
gouv_build >/dev/null
gouv_build_ref >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gouv-instr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# benchmark, its result's name, and the two counts.
specs=(
  "bench_stream_pingpong tcp_pingpong 2000 12000"
  "bench_udp_pingpong udp_pingpong 2000 12000"
  "bench_loop_idle loop_idle 20000 120000"
)

# count BINARY N [gouv|ref]: instructions on the main thread (the loop's),
# in total and in the library's own object, for N operations: "total lib".
# (Only the thread is selected: callgrind loses the call stack where Go
# switches stacks, so it cannot count just what runs under uv_run.)
count() {
  local bin=$1 n=$2 impl=$3 out=$tmp/cg.out
  # Callgrind cannot follow the Go runtime's preemption signal; without it
  # the runtime preempts at function calls instead.
  local -a envs=(GOUV_BENCH_COUNT="$n" GODEBUG=asyncpreemptoff=1)
  [[ $impl == ref ]] && envs+=(LD_LIBRARY_PATH=)
  rm -f "$out"*
  env "${envs[@]}" valgrind -q --tool=callgrind --separate-threads=yes \
    --callgrind-out-file="$out" "$bin" >/dev/null 2>"$tmp/err" ||
    { cat "$tmp/err" >&2; return 1; }
  callgrind_annotate --inclusive=no --threshold=100 "$out-01" 2>/dev/null | awk '
    /^ *[0-9,]+ +\(/ {
      n = $1; gsub(",", "", n)
      if ($0 ~ /PROGRAM TOTALS/) total = n
      else if ($0 ~ /\]$/ && $0 !~ /\[[^]]*lib(gouv|uv)\.so[^]]*\]$/) other += n
    }
    # Lines without an object are code inlined in the library (Go'"'"'s).
    END { printf "%d %d\n", total, total - other }'
}

printf '%-14s %12s %12s %12s %12s %8s\n' benchmark gouv "gouv's lib" libuv "libuv's lib" ratio
for spec in "${specs[@]}"; do
  read -r bench name n1 n2 <<<"$spec"
  row=()
  for impl in gouv ref; do
    dir=$GOUV_BUILD
    [[ $impl == ref ]] && dir=$GOUV_REF_BUILD
    bin=$dir/cbindings_test/bench/$bench
    c1=$(count "$bin" "$n1" "$impl")
    c2=$(count "$bin" "$n2" "$impl")
    read -r t1 l1 <<<"$c1"
    read -r t2 l2 <<<"$c2"
    row+=("$(((t2 - t1) / (n2 - n1)))" "$(((l2 - l1) / (n2 - n1)))")
  done
  # ratio: libuv's instructions per operation over gouv's (> 1: gouv does less).
  awk -v n="$name" -v g="${row[0]}" -v gl="${row[1]}" -v r="${row[2]}" -v rl="${row[3]}" \
    'BEGIN { printf "%-14s %12d %12d %12d %12d %8.2f\n", n, g, gl, r, rl, r / g }'
done
echo "instructions per operation on the loop's thread (callgrind);"
echo "ratio = libuv/gouv (> 1: gouv does less)"
