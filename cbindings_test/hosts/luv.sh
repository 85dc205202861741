#!/usr/bin/env bash
# libuv from Lua: Debian's lua-luv (luv 1.44, linking libuv.so.1) on
# lua5.1, running luv_workload.lua, one process per check.
#   cbindings_test/hosts/luv.sh [--reference]
source "$(dirname "$0")/common.sh"
HOST=luv
LUA=lua5.1
mod=$(ls /usr/lib/x86_64-linux-gnu/liblua5.1-luv.so.0 2>/dev/null) || {
  echo "FAIL luv: lua-luv is not installed"; exit 1; }
# The host only counts if luv takes libuv from the library path.
if ! ldd "$mod" | grep 'libuv\.so\.1' >/dev/null; then
  echo "FAIL luv: $mod does not link libuv.so.1 dynamically"; exit 1
fi
cd "$HOSTS_DIR" || exit 1
for c in timers idle_prepare_check run_once_self_stopping tcp_echo udp pipes spawn fs \
  fs_watch poll thread_pool cancel threads_async getaddrinfo signals os; do
  # The thread pool checks need to know the pool's size.
  check "$c" env UV_THREADPOOL_SIZE=4 "$LUA" luv_workload.lua "$c"
done
host_done
