#!/usr/bin/env bash
# The figures behind docs/differences.md. Builds examples/footprint/ once,
# against the system libuv 1.44 (libuv1-dev), and runs the same binaries on
# Debian's libuv and on gouv (build/lib first on LD_LIBRARY_PATH, the
# drop-in way). Needs build/ (scripts/build.sh).
#
#   scripts/measure.sh [--runs N]     N runs per library (default 5); medians
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$GOUV_ROOT"
runs=5
[ "${1:-}" = --runs ] && runs=$2

out=$GOUV_BUILD/measure
mkdir -p "$out"
cc -O2 -o "$out/footprint" examples/footprint/footprint.c -luv
cc -O2 -o "$out/dlclose" examples/footprint/dlclose.c -ldl
system_libuv=$(ldconfig -p | sed -nE 's/^\s*libuv\.so\.1 .*=> (.*)$/\1/p' | head -1)

# as LIB CMD...: runs CMD on the named library.
as() {
  if [ "$1" = gouv ]; then shift; LD_LIBRARY_PATH=$GOUV_BUILD/lib "$@"; else shift; "$@"; fi
}

# signames MASK: the names of the signals set in a SigCgt/SigBlk mask.
signames() {
  local mask=$((16#$1)) n names=()
  for n in $(seq 1 64); do
    if (((mask >> (n - 1)) & 1)); then
      if [ "$n" -ge 32 ]; then names+=("$n"); else names+=("SIG$(kill -l "$n")"); fi
    fi
  done
  echo "${names[*]:-none}"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "runs per library: $runs; kernel $(uname -r); $(nproc) CPUs"
for lib in libuv gouv; do
  echo
  echo "== $lib: $(as $lib "$out/footprint" | head -1)"
  : >"$out/steps-$lib"
  for _ in $(seq "$runs"); do as $lib "$out/footprint" | tail -n +2 >>"$out/steps-$lib"; done
  while read -r step; do
    t=$(grep -F "$step " "$out/steps-$lib" | sed -E 's/.*threads=([0-9]+).*/\1/' | median)
    r=$(grep -F "$step " "$out/steps-$lib" | sed -E 's/.*rss_kb=([0-9]+).*/\1/' | median)
    printf '  %-28s threads %2s   VmRSS %5s kB\n' "$step" "$t" "$r"
  done < <(grep threads= "$out/steps-$lib" | sed -E 's/ +threads=.*//' | awk '!seen[$0]++')
  for m in $(grep -h "SigBlk:" "$out/steps-$lib" | sed 's/.*SigBlk://' | grep -oE '[0-9a-f]{16}' | sort -u); do
    echo "  a thread the library started blocks (SigBlk $m): $(signames "$m")"
  done
  cgt=$(head -1 "$out/steps-$lib" | sed -E 's/.*sigcgt=([0-9a-f]+).*/\1/')
  echo "  signal handlers installed at load (SigCgt): $(signames "$cgt")"
  echo -n "  SIGPIPE on the host's thread, no handler of its own: "
  as $lib "$out/footprint" sigpipe && true
  rc=$?
  [ "$rc" -gt 128 ] && echo "killed by SIG$(kill -l $((rc - 128)))"
  echo "  fork without exec:"
  as $lib "$out/footprint" fork | sed 's/^/    /'
done
echo
echo "== dlclose"
"$out/dlclose" "$system_libuv" | sed 's/^/  libuv: /'
"$out/dlclose" "$GOUV_BUILD/lib/libgouv.so.1" | sed 's/^/  gouv:  /'
