#!/usr/bin/env bash
# Tests gouv's Debian packages where a user installs them: a clean Debian 12
# root (scripts/debian_root.sh bookworm: Debian's libuv1, nodejs,
# python3-uvloop and neovim), copied to build/deb/root for this run.
#
#   scripts/package_test.sh LIBGOUV1.deb LIBGOUV-DEV.deb
#   (scripts/package.sh --test builds the packages and runs this)
#
# In the root: install both packages; with the switch off (as installed) each
# program loads Debian's libuv, with `gouv-switch on` gouv's, and with
# `gouv-switch off` Debian's again, each read from /proc/PID/maps of the
# running program while it runs a short workload on its loop (an HTTP round
# trip and a timer in Node, a TCP echo under uvloop, a luv timer and a file
# read in neovim); then, switched on, `apt-get purge` both packages, after
# which the programs load Debian's libuv, the loader's cache is as before,
# and no file is left that was not there before. Prints one line per check
# and "N passed, M failed". Needs root (chroot and mounts).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

if [ $# -ne 2 ]; then
  echo "usage: scripts/package_test.sh LIBGOUV1.deb LIBGOUV-DEV.deb" >&2
  exit 2
fi
if [ "$(id -u)" != 0 ]; then
  echo "package_test.sh: needs root (chroot and mount)" >&2
  exit 1
fi
base=$("$GOUV_ROOT/scripts/debian_root.sh" bookworm) || exit 1
ROOT=$GOUV_BUILD/deb/root
rm -rf "$ROOT"
cp -a "$base" "$ROOT"
mkdir -p "$ROOT/tmp/debs"
cp "$1" "$2" "$ROOT/tmp/debs/"

# The checks run in a private mount namespace, so the root's /proc and /dev
# go when it ends, whatever happens.
exec unshare --mount --propagation private bash -s "$ROOT" <<'INNER'
set -uo pipefail
ROOT=$1
mount -t proc proc "$ROOT/proc"
mount --rbind /dev "$ROOT/dev"
passed=0
failed=0
check() { # check NAME CMD...: passes when CMD succeeds
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "PASS $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
  fi
}
# HOME is in /tmp, so that what the programs keep there (neovim's log) is
# not counted as left behind.
mkdir -p "$ROOT/tmp/home"
inroot() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/home LANG=C.UTF-8 "$@"; }

# What the root holds, to compare after the purge: its files (not the
# logs, caches and scratch that any dpkg run changes), its packages, and
# the loader's cache.
snapshot() {
  inroot sh -c 'find / -xdev \( -path /proc -o -path /dev -o -path /tmp -o -path /var/log \
      -o -path /var/cache -o -path "/var/lib/dpkg/*-old" -o -path /var/lib/apt \) -prune -o -print | sort'
  inroot dpkg-query -W -f '${Package} ${Version}\n'
  inroot ldconfig -p
}
snapshot >/tmp/gouv-pkg-before.$$

# Each workload prints the path its process mapped libuv.so.1 from, read
# from its own /proc/PID/maps while its loop has work, and fails if the
# work does not complete.
cat >"$ROOT/tmp/work.js" <<'EOF'
const http = require('http');
const maps = () => require('fs').readFileSync(`/proc/${process.pid}/maps`, 'utf8')
  .split('\n').find((l) => /libuv\.so\.1[.0-9]*$/.test(l)).split(/\s+/).pop();
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  http.get({ host: '127.0.0.1', port: server.address().port }, (res) => {
    let body = '';
    res.on('data', (d) => { body += d; });
    res.on('end', () => setTimeout(() => {
      if (body !== 'ok') process.exit(1);
      console.log(maps());
      server.close();
    }, 10));
  });
});
EOF
cat >"$ROOT/tmp/work.py" <<'EOF'
import asyncio, os, re, uvloop
def libuv():
    with open(f"/proc/{os.getpid()}/maps") as f:
        return [l.split()[-1] for l in f if re.search(r"libuv\.so\.1[.0-9]*$", l.rstrip())][0]
async def main():
    async def echo(r, w):
        w.write(await r.read(100)); await w.drain(); w.close()
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(b"ping"); await w.drain()
    assert await r.read(100) == b"ping"
    w.close(); server.close(); await server.wait_closed()
    await asyncio.sleep(0.01)
    print(libuv())
uvloop.install()
asyncio.run(main())
EOF
cat >"$ROOT/tmp/work.lua" <<'EOF'
local uv = vim.loop
local t = uv.new_timer()
t:start(10, 0, function()
  t:close()
  vim.schedule(function()
    local fd = assert(uv.fs_open("/proc/" .. uv.os_getpid() .. "/maps", "r", 0))
    local data = {}
    while true do
      local chunk = uv.fs_read(fd, 65536)
      if not chunk or #chunk == 0 then break end
      data[#data + 1] = chunk
    end
    uv.fs_close(fd)
    for line in table.concat(data):gmatch("[^\n]+") do
      local path = line:match("(%S*libuv%.so%.1[.0-9]*)$")
      if path then
        io.stdout:write(path .. "\n")
        break
      end
    end
    vim.cmd("qall!")
  end)
end)
EOF
loads() { # loads PROGRAM: the libuv.so.1 it mapped while running its workload
  case $1 in
    node) inroot timeout 60 node /tmp/work.js ;;
    uvloop) inroot timeout 60 python3 /tmp/work.py ;;
    nvim) inroot timeout 60 nvim --headless --clean -u NONE -c 'luafile /tmp/work.lua' 2>/dev/null </dev/null ;;
  esac | tail -1
}
expect() { # expect PROGRAM PATH
  local got
  got=$(loads "$1")
  [ "$got" = "$2" ] || { echo "  $1 loaded '${got:-nothing}', want $2"; return 1; }
}
debian=$(readlink -f "$ROOT/usr/lib/x86_64-linux-gnu/libuv.so.1")
debian=${debian#"$ROOT"}
gouv=/usr/lib/x86_64-linux-gnu/gouv/libuv.so.1
progs=(node uvloop nvim)

for p in "${progs[@]}"; do check "before install: $p loads Debian's libuv" expect "$p" "$debian"; done
check "dpkg -i libgouv1 libgouv-dev" inroot sh -c 'dpkg -i /tmp/debs/*.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; false; }'
check "installed: gouv-switch status says off" inroot sh -c 'gouv-switch status | grep -q "^off: .*/libuv.so.1"'
for p in "${progs[@]}"; do check "installed, off: $p loads Debian's libuv" expect "$p" "$debian"; done
check "gouv-switch on" inroot sh -c 'gouv-switch on | grep -q "^on: "'
for p in "${progs[@]}"; do check "on: $p loads gouv and runs its workload" expect "$p" "$gouv"; done
check "gouv-switch off" inroot sh -c 'gouv-switch off | grep -q "^off: "'
for p in "${progs[@]}"; do check "off again: $p loads Debian's libuv" expect "$p" "$debian"; done
check "libgouv-dev: pkg-config finds gouv.h's folder" inroot sh -c \
  'test -f /usr/include/gouv/uv.h && grep -q "^includedir=.*/include/gouv" /usr/lib/x86_64-linux-gnu/pkgconfig/gouv.pc'
inroot gouv-switch on >/dev/null
check "apt-get purge while switched on" inroot sh -c \
  'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q libgouv1 libgouv-dev >/tmp/purge.log 2>&1 || { cat /tmp/purge.log; false; }'
for p in "${progs[@]}"; do check "purged: $p loads Debian's libuv" expect "$p" "$debian"; done
snapshot >/tmp/gouv-pkg-after.$$
check "purged: files, packages and the loader's cache are as before" \
  diff /tmp/gouv-pkg-before.$$ /tmp/gouv-pkg-after.$$
rm -f /tmp/gouv-pkg-before.$$ /tmp/gouv-pkg-after.$$
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
INNER
