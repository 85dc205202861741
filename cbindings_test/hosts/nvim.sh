#!/usr/bin/env bash
# libuv inside an editor: Debian's neovim 0.7 (linking libuv.so.1), headless
# and without any configuration, sourcing nvim_workload.lua, one process
# per check.
#   cbindings_test/hosts/nvim.sh [--reference]
source "$(dirname "$0")/common.sh"
HOST=nvim
NVIM=$(command -v nvim) || { echo "FAIL nvim: neovim is not installed"; exit 1; }
# The host only counts if nvim takes libuv from the library path.
if ! ldd "$NVIM" | grep 'libuv\.so\.1' >/dev/null; then
  echo "FAIL nvim: $NVIM does not link libuv.so.1 dynamically"; exit 1
fi
cd "$HOSTS_DIR" || exit 1
# HOME and XDG dirs in the scratch folder: no user state is read or written.
export HOME=$HOST_TMP XDG_CONFIG_HOME=$HOST_TMP/config XDG_DATA_HOME=$HOST_TMP/data \
  XDG_STATE_HOME=$HOST_TMP/state XDG_CACHE_HOME=$HOST_TMP/cache
for c in timers jobs fs tcp rpc pty; do
  check "$c" env GOUV_HOST_CHECK="$c" "$NVIM" --headless -u NONE -i NONE -n -c 'luafile nvim_workload.lua'
done
# Not headless: nvim's terminal UI on a pseudo-terminal.
check tui ./nvim_tui.sh "$HOST_TMP/tui"
host_done
