-- libuv from Lua: Debian's lua-luv (luv 1.44, which links libuv.so.1) on
-- lua5.1. Run as: lua5.1 luv_workload.lua CHECK. Each check drives one
-- area of libuv through luv and raises an error (exit 1) when the result
-- is not what libuv promises. Once the work is done it prints the libuv
-- files mapped into this process, so that the caller can tell gouv from
-- the system's libuv.
local uv = require("luv")

local function expect(cond, what)
  if not cond then error(what, 2) end
end

local function print_mapped_libuv()
  -- The caller compares these paths with the library it meant to load.
  local seen = {}
  for line in io.lines("/proc/self/maps") do
    local path = line:match("%s(/%S+)$")
    if path and not seen[path] then
      local base = path:match("[^/]+$")
      if base:match("^libuv%.so") or base:match("^libgouv%.so") then
        seen[path] = true
        print("libuv-mapped " .. path)
      end
    end
  end
end

-- run_default runs the loop until nothing is left, but fails the check
-- instead of hanging if a handle is forgotten: a guard timer, unreferenced
-- so that it does not keep the loop alive itself, raises after 5 seconds.
local function run_default()
  local guard = uv.new_timer()
  guard:start(5000, 0, function() error("the loop still runs after 5 s") end)
  guard:unref()
  uv.run("default")
  guard:close()
  uv.run("default")
end

local checks = {}

function checks.timers()
  local fired = {}
  local start = uv.now()
  for _, ms in ipairs({ 40, 10, 30, 0, 20 }) do
    local t = uv.new_timer()
    t:start(ms, 0, function()
      fired[#fired + 1] = ms
      expect(uv.now() - start >= ms, ("timer of %d ms fired after %d ms"):format(ms, uv.now() - start))
      t:close()
    end)
  end
  -- A stopped timer never fires.
  local stopped = uv.new_timer()
  stopped:start(15, 0, function() error("a stopped timer fired") end)
  stopped:stop()
  stopped:close()
  -- A repeating timer, stopped from its own callback on the third run.
  local count = 0
  local rep = uv.new_timer()
  rep:start(5, 5, function()
    count = count + 1
    if count == 3 then rep:close() end
  end)
  -- Timers with the same deadline run in the order they were started.
  local same = {}
  for i = 1, 5 do
    local t = uv.new_timer()
    t:start(25, 0, function() same[#same + 1] = i; t:close() end)
  end
  run_default()
  expect(table.concat(fired, " ") == "0 10 20 30 40", "timer order: " .. table.concat(fired, " "))
  expect(count == 3, "repeating timer ran " .. count .. " times")
  expect(table.concat(same, " ") == "1 2 3 4 5", "same deadline order: " .. table.concat(same, " "))
  -- uv.timer_again restarts a repeating timer from now.
  local again = uv.new_timer()
  again:start(0, 20, function() again:close() end)
  again:again()
  expect(again:get_repeat() == 20, "timer repeat is " .. tostring(again:get_repeat()))
  run_default()
  expect(not uv.loop_alive(), "the loop is still alive")
end

function checks.idle_prepare_check()
  -- Each loop iteration runs idle, then prepare, then (after polling) check.
  local log = {}
  local n = 0
  local idle, prep, chk = uv.new_idle(), uv.new_prepare(), uv.new_check()
  prep:start(function() log[#log + 1] = "prepare" end)
  chk:start(function()
    log[#log + 1] = "check"
    if n == 5 then idle:stop(); prep:stop(); chk:stop() end
  end)
  idle:start(function() n = n + 1; log[#log + 1] = "idle" end)
  run_default()
  local want = {}
  for _ = 1, 5 do want[#want + 1] = "idle prepare check" end
  expect(table.concat(log, " ") == table.concat(want, " "), "order: " .. table.concat(log, " "))
  idle:close(); prep:close(); chk:close()
  run_default()
end

function checks.run_once_self_stopping()
  -- uv_run(UV_RUN_ONCE) with an idle, a prepare and a check handle that
  -- each stop themselves, and nothing else: libuv polls without blocking
  -- (there is no file descriptor to wait for), runs the check and
  -- returns 0, as no handle is active any more.
  local log = {}
  local idle, prep, chk = uv.new_idle(), uv.new_prepare(), uv.new_check()
  idle:start(function() log[#log + 1] = "idle"; idle:stop() end)
  prep:start(function() log[#log + 1] = "prepare"; prep:stop() end)
  chk:start(function() log[#log + 1] = "check"; chk:stop() end)
  local more = uv.run("once")
  expect(table.concat(log, " ") == "idle prepare check", "order: " .. table.concat(log, " "))
  expect(more == false, "uv.run('once') says handles are still active")
  idle:close(); prep:close(); chk:close()
  uv.run("default")
end

-- echo_server starts a TCP echo server on 127.0.0.1 and returns it and
-- its port.
local function echo_server()
  local server = uv.new_tcp()
  assert(server:bind("127.0.0.1", 0))
  assert(server:listen(128, function(err)
    assert(not err, err)
    local client = uv.new_tcp()
    server:accept(client)
    client:read_start(function(rerr, data)
      assert(not rerr, rerr)
      if data then
        client:write(data)
      else
        client:shutdown(function() client:close() end)
      end
    end)
  end))
  return server, server:getsockname().port
end

function checks.tcp_echo()
  local server, port = echo_server()
  local done = 0
  for i = 1, 4 do
    -- More than a socket buffer per client, in several writes.
    local chunks = {}
    for k = 1, 40 do chunks[k] = string.rep(string.char(64 + (i + k) % 26), 4096) end
    local payload = table.concat(chunks)
    local got = {}
    local c = uv.new_tcp()
    c:connect("127.0.0.1", port, function(err)
      assert(not err, err)
      for _, chunk in ipairs(chunks) do c:write(chunk) end
      c:shutdown()
      c:read_start(function(rerr, data)
        assert(not rerr, rerr)
        if data then
          got[#got + 1] = data
        else
          local back = table.concat(got)
          expect(back == payload, ("client %d: %d bytes back, not the same %d"):format(i, #back, #payload))
          done = done + 1
          c:close()
          if done == 4 then server:close() end
        end
      end)
    end)
  end
  run_default()
  expect(done == 4, done .. " of 4 clients finished")
  -- Nobody listens on the port any more: the connect fails.
  local refused
  local c = uv.new_tcp()
  c:connect("127.0.0.1", port, function(err) refused = err; c:close() end)
  run_default()
  expect(refused and refused:match("ECONNREFUSED"), "connect to a closed port: " .. tostring(refused))
end

function checks.udp()
  local server = uv.new_udp()
  assert(server:bind("127.0.0.1", 0))
  local sport = server:getsockname().port
  server:recv_start(function(err, data, addr)
    assert(not err, err)
    if data then server:send(data:upper(), addr.ip, addr.port, function() end) end
  end)
  local client = uv.new_udp()
  assert(client:bind("127.0.0.1", 0))
  local got = {}
  client:recv_start(function(err, data)
    assert(not err, err)
    if data then
      got[#got + 1] = data
      if #got == 10 then client:close(); server:close() end
    end
  end)
  for i = 1, 10 do client:send("datagram " .. i, "127.0.0.1", sport, function(err) assert(not err, err) end) end
  run_default()
  table.sort(got)
  local want = {}
  for i = 1, 10 do want[i] = "DATAGRAM " .. i end
  table.sort(want)
  expect(table.concat(got, ",") == table.concat(want, ","), "udp got: " .. table.concat(got, ","))
end

function checks.pipes()
  -- An anonymous pipe (uv_pipe) opened as two pipe handles.
  local fds = assert(uv.pipe({ nonblock = true }, { nonblock = true }))
  local r, w = uv.new_pipe(false), uv.new_pipe(false)
  assert(r:open(fds.read)); assert(w:open(fds.write))
  local payload = string.rep("0123456789abcdef", 20000)
  local got = {}
  r:read_start(function(err, data)
    assert(not err, err)
    if data then got[#got + 1] = data else r:close() end
  end)
  w:write(payload, function(err) assert(not err, err); w:close() end)
  run_default()
  expect(table.concat(got) == payload, ("pipe: %d bytes back, not %d"):format(#table.concat(got), #payload))

  -- A named pipe (unix socket) server and client.
  local dir = assert(uv.fs_mkdtemp("/tmp/gouv-luv-XXXXXX"))
  local path = dir .. "/sock"
  local server = uv.new_pipe(false)
  assert(server:bind(path))
  assert(server:listen(8, function(err)
    assert(not err, err)
    local conn = uv.new_pipe(false)
    server:accept(conn)
    conn:read_start(function(rerr, data)
      assert(not rerr, rerr)
      if data then conn:write(data:reverse()) else conn:close(); server:close() end
    end)
  end))
  local back
  local client = uv.new_pipe(false)
  client:connect(path, function(err)
    assert(not err, err)
    client:write("hello pipe")
    client:read_start(function(rerr, data)
      assert(not rerr, rerr)
      back = data
      client:close()
    end)
  end)
  run_default()
  expect(back == "epip olleh", "named pipe echo: " .. tostring(back))
  uv.fs_unlink(path); uv.fs_rmdir(dir)
end

function checks.spawn()
  -- stdin, stdout and stderr as pipes, the exit status, and the data.
  local stdin, stdout, stderr = uv.new_pipe(false), uv.new_pipe(false), uv.new_pipe(false)
  local out, err, status = {}, {}, nil
  local payload = string.rep("spawned ", 30000)
  local handle, pid = uv.spawn("sh", {
    args = { "-c", "cat; echo to-stderr >&2; exit 3" },
    stdio = { stdin, stdout, stderr },
  }, function(code, signal)
    status = { code, signal }
  end)
  assert(handle, pid)
  expect(type(pid) == "number" and pid > 0, "pid " .. tostring(pid))
  stdout:read_start(function(e, d) assert(not e, e); if d then out[#out + 1] = d else stdout:close() end end)
  stderr:read_start(function(e, d) assert(not e, e); if d then err[#err + 1] = d else stderr:close() end end)
  stdin:write(payload)
  stdin:shutdown(function() stdin:close() end)
  run_default()
  handle:close()
  expect(status and status[1] == 3 and status[2] == 0, "exit status " .. tostring(status and status[1]))
  expect(table.concat(out) == payload, ("stdout %d bytes, not %d"):format(#table.concat(out), #payload))
  expect(table.concat(err) == "to-stderr\n", "stderr " .. table.concat(err))

  -- A child killed with SIGTERM reports the signal.
  local sig
  local sleeper = uv.spawn("sleep", { args = { "30" } }, function(_, s) sig = s end)
  assert(sleeper)
  sleeper:kill("sigterm")
  run_default()
  sleeper:close()
  run_default()
  expect(sig == 15, "killed child: signal " .. tostring(sig))

  -- Environment and working directory reach the child.
  local envout = {}
  local p = uv.new_pipe(false)
  local h = uv.spawn("sh", { args = { "-c", "echo $GOUV_HOST_VAR; pwd" }, env = { "GOUV_HOST_VAR=from-lua" },
    cwd = "/", stdio = { nil, p, nil } }, function() end)
  p:read_start(function(e, d) assert(not e, e); if d then envout[#envout + 1] = d else p:close() end end)
  run_default()
  h:close()
  run_default()
  expect(table.concat(envout) == "from-lua\n/\n", "env and cwd: " .. table.concat(envout))

  -- (A missing program is not tried here: Debian's luv 1.44.2-0 crashes
  -- when uv_spawn fails, on either libuv.)
end

function checks.fs()
  local dir = assert(uv.fs_mkdtemp("/tmp/gouv-luv-XXXXXX"))
  local path = dir .. "/file"
  -- Synchronous calls.
  local fd = assert(uv.fs_open(path, "w", 420))
  expect(assert(uv.fs_write(fd, "hello ")) == 6, "sync write")
  expect(assert(uv.fs_write(fd, "world", 6)) == 5, "sync write at offset")
  assert(uv.fs_close(fd))
  local st = assert(uv.fs_stat(path))
  expect(st.size == 11 and st.type == "file", "stat size " .. st.size .. " type " .. st.type)
  local e, _, code = uv.fs_stat(dir .. "/missing")
  expect(e == nil and code == "ENOENT", "stat of a missing file: " .. tostring(code))
  -- Asynchronous calls, chained on the thread pool.
  local result
  uv.fs_open(path, "r", 0, function(err, rfd)
    assert(not err, err)
    uv.fs_read(rfd, 100, 0, function(rerr, data)
      assert(not rerr, rerr)
      uv.fs_close(rfd, function()
        uv.fs_rename(path, dir .. "/renamed", function(nerr)
          assert(not nerr, nerr)
          uv.fs_scandir(dir, function(serr, req)
            assert(not serr, serr)
            local names = {}
            while true do
              local name = uv.fs_scandir_next(req)
              if not name then break end
              names[#names + 1] = name
            end
            result = data .. "|" .. table.concat(names, ",")
          end)
        end)
      end)
    end)
  end)
  run_default()
  expect(result == "hello world|renamed", "async chain: " .. tostring(result))
  -- Many reads at once.
  local n = 0
  for _ = 1, 32 do
    uv.fs_stat(dir .. "/renamed", function(err, s) assert(not err, err); if s.size == 11 then n = n + 1 end end)
  end
  run_default()
  expect(n == 32, n .. " of 32 stats")
  assert(uv.fs_unlink(dir .. "/renamed"))
  assert(uv.fs_rmdir(dir))
  -- luv's fs_access returns false, not an error, for a missing path.
  expect(not uv.fs_access(dir, "r"), "directory still there")
end

function checks.thread_pool()
  -- uv.new_work runs its function on libuv's thread pool, in a Lua state
  -- of its own; after_work gets the results back on the loop thread.
  -- luv keeps one Lua state per pool thread (in a uv_key_t) and sizes its
  -- table of those states by UV_THREADPOOL_SIZE (luv.sh sets 4): work
  -- must run on at most that many threads, as libuv's pool has exactly
  -- that many. Each call reports the thread it ran on, and sleeps 1 ms so
  -- that the calls overlap.
  local results, threads, calls = {}, {}, 0
  local work = uv.new_work(function(n)
    local f = io.open("/proc/thread-self/stat")
    local tid = f:read("*n")
    f:close()
    local s = 0
    for i = 1, n do s = s + i end
    require("luv").sleep(1)
    return n, s, tid
  end, function(n, s, tid)
    results[n] = s
    threads[tid] = true
    calls = calls + 1
  end)
  for n = 1, 256 do assert(work:queue(n * 100)) end
  run_default()
  expect(calls == 256, calls .. " of 256 work calls came back")
  for n = 1, 256 do
    local m = n * 100
    expect(results[m] == m * (m + 1) / 2, ("work %d gave %s"):format(m, tostring(results[m])))
  end
  local count = 0
  for _ in pairs(threads) do count = count + 1 end
  expect(count >= 1 and count <= 4, ("work ran on %d threads, the pool has 4"):format(count))
end

function checks.cancel()
  -- uv_cancel: four blocking reads of empty pipes hold the pool's four
  -- threads (luv.sh sets UV_THREADPOOL_SIZE=4), so fs requests queued
  -- behind them have not started; the cancelled ones complete with
  -- ECANCELED, the others once the pipes are written to.
  local pipes = {}
  local reads = 0
  for i = 1, 4 do
    pipes[i] = assert(uv.pipe())
    uv.fs_read(pipes[i].read, 1, -1, function(err, data)
      assert(not err, err)
      expect(data == "x", "pipe read " .. tostring(data))
      reads = reads + 1
    end)
  end
  local outcome, reqs = {}, {}
  for i = 1, 5 do
    reqs[i] = uv.fs_stat("/", function(err) outcome[i] = err and err:match("^%u+") or "ok" end)
  end
  expect(uv.cancel(reqs[2]) == 0 and uv.cancel(reqs[4]) == 0, "uv_cancel of a queued request failed")
  -- Release the pool a little later.
  local t = uv.new_timer()
  t:start(50, 0, function()
    t:close()
    for i = 1, 4 do assert(uv.fs_write(pipes[i].write, "x")) end
  end)
  run_default()
  expect(reads == 4, reads .. " of 4 pipe reads finished")
  local got = table.concat(outcome, " ", 1, 5)
  expect(got == "ok ECANCELED ok ECANCELED ok", "after cancelling 2 and 4: " .. got)
  for i = 1, 4 do uv.fs_close(pipes[i].read); uv.fs_close(pipes[i].write) end
end

function checks.getaddrinfo()
  local got, names = nil, nil
  uv.getaddrinfo("localhost", "8080", { socktype = "stream" }, function(err, res)
    assert(not err, err)
    got = res
  end)
  uv.getnameinfo({ ip = "127.0.0.1", port = 80 }, function(err, host, service)
    assert(not err, err)
    names = { host, service }
  end)
  local bad
  -- A failure that stays on this machine (no DNS query): a name where
  -- AI_NUMERICHOST asks for a numeric address.
  uv.getaddrinfo("localhost", nil, { numerichost = true }, function(err) bad = err end)
  run_default()
  expect(got and #got > 0, "no address for localhost")
  for _, a in ipairs(got) do
    expect(a.addr == "127.0.0.1" or a.addr == "::1", "localhost is " .. tostring(a.addr))
    expect(a.port == 8080, "port " .. tostring(a.port))
  end
  -- /etc/hosts names 127.0.0.1 localhost; port 80 is "http" where
  -- /etc/services exists.
  expect(names and names[1] == "localhost" and (names[2] == "http" or names[2] == "80"),
    "getnameinfo gave " .. tostring(names and names[1]) .. " " .. tostring(names and names[2]))
  expect(bad == "EAI_NONAME", "localhost as a numeric host: " .. tostring(bad))
  -- The synchronous form.
  local sync = assert(uv.getaddrinfo("127.0.0.1", nil, { family = "inet" }))
  expect(sync[1].addr == "127.0.0.1", "numeric address " .. tostring(sync[1].addr))
end

function checks.signals()
  -- A signal the process sends itself, then one a child process sends it;
  -- the signal handles keep the loop alive until both have come.
  local got = {}
  local usr1, usr2 = uv.new_signal(), uv.new_signal()
  usr1:start("sigusr1", function(name)
    got[#got + 1] = name
    usr1:close()
    local child
    child = assert(uv.spawn("sh", { args = { "-c", "kill -USR2 " .. uv.os_getpid() } },
      function() child:close() end))
  end)
  usr2:start("sigusr2", function(name) got[#got + 1] = name; usr2:close() end)
  assert(uv.kill(uv.os_getpid(), "sigusr1"))
  run_default()
  expect(table.concat(got, " ") == "sigusr1 sigusr2", "signals: " .. table.concat(got, " "))
end

function checks.threads_async()
  -- A thread of ours (uv_thread_create) wakes the loop with uv_async_send;
  -- sends may coalesce, but the callback runs after the last one.
  local seen = {}
  local async
  async = uv.new_async(function(v)
    seen[#seen + 1] = v
    if v == 20 then async:close() end
  end)
  local thread = assert(uv.new_thread(function(a)
    local tuv = require("luv")
    for i = 1, 20 do
      a:send(i)
      tuv.sleep(2)
    end
  end, async))
  run_default()
  assert(thread:join())
  expect(#seen >= 1 and seen[#seen] == 20, "async values: " .. table.concat(seen, " "))
  for i = 2, #seen do expect(seen[i] > seen[i - 1], "async values out of order: " .. table.concat(seen, " ")) end
end

local function read_file(path)
  local f = assert(io.open(path))
  local s = f:read("*a")
  f:close()
  return s
end

function checks.os()
  -- What libuv says about the process and the system, against what the
  -- kernel says in /proc.
  local stat = read_file("/proc/self/stat")
  local pid, ppid = stat:match("^(%d+) %b() %S (%d+)")
  expect(uv.os_getpid() == tonumber(pid), "os_getpid " .. uv.os_getpid() .. ", /proc says " .. pid)
  expect(uv.os_getppid() == tonumber(ppid), "os_getppid " .. uv.os_getppid() .. ", /proc says " .. ppid)
  expect(uv.exepath() == uv.fs_realpath("/proc/self/exe"), "exepath " .. tostring(uv.exepath()))
  local hostname = read_file("/proc/sys/kernel/hostname"):gsub("%s+$", "")
  expect(uv.os_gethostname() == hostname, "os_gethostname " .. tostring(uv.os_gethostname()))
  local uname = uv.os_uname()
  expect(uname.sysname == "Linux" and uname.release == read_file("/proc/sys/kernel/osrelease"):gsub("%s+$", ""),
    "os_uname " .. uname.sysname .. " " .. uname.release)
  local memtotal = tonumber(read_file("/proc/meminfo"):match("MemTotal:%s+(%d+) kB"))
  expect(uv.get_total_memory() == memtotal * 1024, "get_total_memory " .. uv.get_total_memory())
  local uptime = tonumber(read_file("/proc/uptime"):match("^[%d.]+"))
  expect(math.abs(uv.uptime() - uptime) < 2, "uptime " .. uv.uptime() .. ", /proc says " .. uptime)
  expect(uv.resident_set_memory() > 0 and uv.getrusage().maxrss > 0, "rss and rusage")
  expect(#uv.cpu_info() >= uv.available_parallelism() and uv.available_parallelism() >= 1, "cpu_info")
  expect(select("#", uv.loadavg()) == 3, "loadavg returns three numbers")
  local lo = false
  for _, addrs in pairs(uv.interface_addresses()) do
    for _, a in ipairs(addrs) do
      if a.ip == "127.0.0.1" and a.internal then lo = true end
    end
  end
  expect(lo, "no internal 127.0.0.1 in interface_addresses")
  local r1, r2 = uv.random(16), uv.random(16)
  expect(#r1 == 16 and #r2 == 16 and r1 ~= r2, "random")
  -- stdin is /dev/null (a character device, a "file" to libuv); a pipe
  -- is a pipe.
  expect(uv.guess_handle(0) == "file", "guess_handle(0) " .. tostring(uv.guess_handle(0)))
  local fds = assert(uv.pipe())
  expect(uv.guess_handle(fds.read) == "pipe", "guess_handle(pipe) " .. tostring(uv.guess_handle(fds.read)))
  uv.fs_close(fds.read); uv.fs_close(fds.write)
  assert(uv.os_setenv("GOUV_HOST_ENV", "set from lua"))
  expect(uv.os_getenv("GOUV_HOST_ENV") == "set from lua" and uv.os_environ().GOUV_HOST_ENV == "set from lua", "setenv")
  assert(uv.os_unsetenv("GOUV_HOST_ENV"))
  expect(uv.os_getenv("GOUV_HOST_ENV") == nil, "unsetenv")
  -- uv_os_homedir is $HOME when set, else the passwd entry's directory.
  local home = os.getenv("HOME")
  if home == nil or home == "" then home = uv.os_get_passwd().homedir end
  expect(uv.os_homedir() == home, "os_homedir " .. tostring(uv.os_homedir()) .. ", not " .. home)
  expect(uv.cwd() == uv.fs_realpath("."), "cwd " .. tostring(uv.cwd()))
  assert(uv.chdir("/"))
  expect(uv.cwd() == "/", "cwd after chdir " .. tostring(uv.cwd()))
  -- hrtime is monotonic, in nanoseconds.
  local t0 = uv.hrtime()
  uv.sleep(20)
  local dt = uv.hrtime() - t0
  expect(dt >= 20e6 and dt < 2e9, "hrtime across a 20 ms sleep: " .. dt)
end

function checks.fs_watch()
  -- fs_event (inotify) on a directory and fs_poll (stat polling) on a file.
  local dir = assert(uv.fs_mkdtemp("/tmp/gouv-luv-XXXXXX"))
  local path = dir .. "/watched"
  local fd = assert(uv.fs_open(path, "w", 420))
  assert(uv.fs_close(fd))
  local events = {}
  local ev = uv.new_fs_event()
  assert(ev:start(dir, {}, function(err, name, kind)
    assert(not err, err)
    events[#events + 1] = name .. (kind.rename and ":rename" or "") .. (kind.change and ":change" or "")
  end))
  local polled
  local poll = uv.new_fs_poll()
  assert(poll:start(path, 50, function(err, prev, curr)
    assert(not err, err)
    polled = { prev.size, curr.size }
    poll:close()
    ev:close()
  end))
  -- Change the file once the watchers are in place.
  local t = uv.new_timer()
  t:start(100, 0, function()
    t:close()
    local wfd = assert(uv.fs_open(path, "a", 420))
    assert(uv.fs_write(wfd, "grown"))
    assert(uv.fs_close(wfd))
    local nfd = assert(uv.fs_open(dir .. "/created", "w", 420))
    assert(uv.fs_close(nfd))
  end)
  run_default()
  expect(polled and polled[1] == 0 and polled[2] == 5, "fs_poll sizes: " .. tostring(polled and table.concat(polled, " ")))
  local all = table.concat(events, " ")
  expect(all:find("watched:change", 1, true) and all:find("created:rename", 1, true), "fs events: " .. all)
  uv.fs_unlink(path); uv.fs_unlink(dir .. "/created"); uv.fs_rmdir(dir)
end

function checks.poll()
  -- uv_poll on the read end of a pipe: readable once something is written.
  local fds = assert(uv.pipe({ nonblock = true }, { nonblock = true }))
  local poll = uv.new_poll(fds.read)
  local got
  assert(poll:start("r", function(err, events)
    assert(not err, err)
    got = events .. ":" .. assert(uv.fs_read(fds.read, 100, -1))
    poll:close()
  end))
  local t = uv.new_timer()
  t:start(20, 0, function() t:close(); assert(uv.fs_write(fds.write, "wake")) end)
  run_default()
  expect(got == "r:wake", "poll: " .. tostring(got))
  uv.fs_close(fds.read); uv.fs_close(fds.write)
end

local name = arg[1]
assert(checks[name], "no check " .. tostring(name))
checks[name]()
print_mapped_libuv()
print("ok " .. name)
