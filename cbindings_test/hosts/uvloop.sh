#!/usr/bin/env bash
# asyncio on libuv: Debian's python3-uvloop, whose extension module links
# libuv.so.1 dynamically, run by Debian's /usr/bin/python3 on the workload
# uvloop_workload.py, one process per check.
#   cbindings_test/hosts/uvloop.sh [--reference]
source "$(dirname "$0")/common.sh"
HOST=uvloop
PY=/usr/bin/python3
ext=$("$PY" -c 'import uvloop.loop as m; print(m.__file__)' 2>/dev/null) || {
  echo "FAIL uvloop: python3-uvloop is not installed"; exit 1; }
# The host only counts if uvloop takes libuv from the library path, not
# from a copy built into its extension.
if ! ldd "$ext" | grep 'libuv\.so\.1' >/dev/null; then
  echo "FAIL uvloop: $ext does not link libuv.so.1 dynamically"; exit 1
fi
for c in tcp_echo tcp_many udp subprocess_pipes signals timers executor_getaddrinfo unix_sockets \
  pipes threadsafe readers loops_in_threads; do
  check "$c" "$PY" "$HOSTS_DIR/uvloop_workload.py" "$c"
done
host_done
