-- libuv inside an editor: Debian's neovim 0.7 (which links libuv.so.1 and
-- luv), headless, sourcing this file with the check to run in the
-- environment variable GOUV_HOST_CHECK:
--   GOUV_HOST_CHECK=timers nvim --headless -u NONE -i NONE -n -c 'luafile nvim_workload.lua'
-- vim.loop is luv on nvim's own libuv loop; jobs and vim.fn.system are
-- nvim's libuv process code. A check that fails leaves nvim with
-- `cquit 1` and its message on stderr; one that passes prints the libuv
-- files mapped into nvim, so that the caller can tell gouv from the
-- system's libuv, and quits with status 0.
local uv = vim.loop

local function expect(cond, what)
  if not cond then error(what, 2) end
end

-- wait_for runs nvim's loop until cond() holds, and fails the check if it
-- does not within ms.
local function wait_for(ms, cond, what)
  expect(vim.wait(ms, cond, 5), "timed out waiting for " .. what)
end

local function mapped_libuv()
  local out, seen = {}, {}
  for line in io.lines("/proc/self/maps") do
    local path = line:match("%s(/%S+)$")
    if path and not seen[path] then
      local base = path:match("[^/]+$")
      if base:match("^libuv%.so") or base:match("^libgouv%.so") then
        seen[path] = true
        out[#out + 1] = "libuv-mapped " .. path .. "\n"
      end
    end
  end
  return table.concat(out)
end

local checks = {}

function checks.timers()
  -- luv timers on nvim's loop; the callbacks run as fast events, so they
  -- only record what happened.
  local fired = {}
  local start = uv.now()
  for _, ms in ipairs({ 40, 10, 30, 0, 20 }) do
    local t = uv.new_timer()
    t:start(ms, 0, function()
      fired[#fired + 1] = { ms, uv.now() - start }
      t:close()
    end)
  end
  wait_for(2000, function() return #fired == 5 end, "five timers")
  local order = {}
  for i, f in ipairs(fired) do
    order[i] = f[1]
    expect(f[2] >= f[1], ("timer of %d ms fired after %d ms"):format(f[1], f[2]))
  end
  expect(table.concat(order, " ") == "0 10 20 30 40", "timer order: " .. table.concat(order, " "))
  -- A repeating timer.
  local count = 0
  local rep = uv.new_timer()
  rep:start(5, 5, function()
    count = count + 1
    if count == 3 then rep:stop(); rep:close() end
  end)
  wait_for(2000, function() return count == 3 end, "three repeats")
  -- vim.defer_fn is a timer whose callback is scheduled on the main loop.
  local deferred = false
  vim.defer_fn(function() deferred = vim.fn.exists("*strftime") == 1 end, 20)
  wait_for(2000, function() return deferred end, "vim.defer_fn")
  -- vim.wait gives up after its timeout, not before.
  local t0 = uv.hrtime()
  local ok, code = vim.wait(60, function() return false end, 10)
  local waited = (uv.hrtime() - t0) / 1e6
  expect(not ok and code == -1, "vim.wait on a false condition returned " .. tostring(ok))
  -- (Some slack: how long is measured by two clocks.)
  expect(waited >= 50, ("vim.wait(60) returned after %.1f ms"):format(waited))
end

function checks.jobs()
  -- A job with stdin, stdout and stderr, and its exit status.
  local out, err, status
  local job = vim.fn.jobstart({ "sh", "-c", "tr a-z A-Z; echo to-stderr >&2; exit 5" }, {
    stdout_buffered = true,
    stderr_buffered = true,
    on_stdout = function(_, data) out = data end,
    on_stderr = function(_, data) err = data end,
    on_exit = function(_, code) status = code end,
  })
  expect(job > 0, "jobstart returned " .. job)
  local lines = {}
  for i = 1, 2000 do lines[i] = "line " .. i end
  vim.fn.chansend(job, lines)
  vim.fn.chanclose(job, "stdin")
  wait_for(5000, function() return status ~= nil and out ~= nil and err ~= nil end, "the job")
  expect(status == 5, "job exit status " .. tostring(status))
  -- chansend joins the list with newlines and adds none at the end, so the
  -- last line comes back as the last, unterminated, item.
  expect(#out == 2000 and out[1] == "LINE 1" and out[2000] == "LINE 2000",
    ("stdout: %d lines, first %s"):format(#out, tostring(out[1])))
  expect(vim.deep_equal(err, { "to-stderr", "" }), "stderr: " .. vim.inspect(err))
  -- jobwait with a timeout on a job that does not end, then jobstop.
  local stopped
  local sleeper = vim.fn.jobstart({ "sleep", "30" }, { on_exit = function(_, code) stopped = code end })
  local r = vim.fn.jobwait({ sleeper }, 100)
  expect(r[1] == -1, "jobwait on a running job returned " .. r[1])
  vim.fn.jobstop(sleeper)
  wait_for(5000, function() return stopped ~= nil end, "the stopped job")
  expect(stopped == 143, "a stopped job's status is " .. stopped .. ", not 128+SIGTERM")
  -- Several jobs at once.
  -- (Their statuses come from on_exit: nvim 0.7's jobwait on several jobs
  -- that end at once sometimes reports -1 for one of them, on either libuv.)
  local codes, ended = {}, 0
  for i = 1, 6 do
    vim.fn.jobstart({ "sh", "-c", "exit " .. i }, {
      on_exit = function(_, code) codes[i] = code; ended = ended + 1 end,
    })
  end
  wait_for(5000, function() return ended == 6 end, "six jobs")
  for i = 1, 6 do expect(codes[i] == i, ("job %d exited %d"):format(i, codes[i])) end
  -- vim.fn.system runs a command to completion and sets v:shell_error.
  local s = vim.fn.system({ "sh", "-c", "cat; exit 2" }, "through system()")
  expect(s == "through system()", "system() output " .. s)
  expect(vim.v.shell_error == 2, "v:shell_error " .. vim.v.shell_error)
  -- vim.loop.spawn, the luv call, on nvim's loop.
  local pipe = uv.new_pipe(false)
  local got, code = {}, nil
  local handle = uv.spawn("sh", { args = { "-c", "echo spawned; exit 4" }, stdio = { nil, pipe, nil } },
    function(c) code = c end)
  expect(handle, "uv.spawn failed")
  pipe:read_start(function(e, d) assert(not e, e); if d then got[#got + 1] = d else pipe:close() end end)
  wait_for(5000, function() return code ~= nil and pipe:is_closing() end, "uv.spawn")
  handle:close()
  expect(code == 4 and table.concat(got) == "spawned\n", "uv.spawn gave " .. tostring(code))
end

function checks.fs()
  local dir = assert(uv.fs_mkdtemp("/tmp/gouv-nvim-XXXXXX"))
  local path = dir .. "/file"
  local fd = assert(uv.fs_open(path, "w", 420))
  assert(uv.fs_write(fd, "written by nvim", 0))
  assert(uv.fs_close(fd))
  expect(uv.fs_stat(path).size == 15, "sync stat size")
  -- Asynchronous calls on the thread pool, chained.
  local result
  uv.fs_open(path, "r", 0, function(err, rfd)
    assert(not err, err)
    uv.fs_read(rfd, 64, 0, function(rerr, data)
      assert(not rerr, rerr)
      uv.fs_close(rfd, function()
        uv.fs_stat(path, function(serr, st)
          assert(not serr, serr)
          result = data .. "|" .. st.size
        end)
      end)
    end)
  end)
  wait_for(5000, function() return result ~= nil end, "the async fs chain")
  expect(result == "written by nvim|15", "async chain: " .. result)
  -- A file watcher (inotify) sees a file created in the directory.
  local seen
  local ev = uv.new_fs_event()
  assert(ev:start(dir, {}, function(err, name) assert(not err, err); seen = seen or name end))
  local f2 = assert(uv.fs_open(dir .. "/new", "w", 420))
  uv.fs_close(f2)
  wait_for(5000, function() return seen ~= nil end, "the fs event")
  ev:stop(); ev:close()
  expect(seen == "new", "fs event for " .. tostring(seen))
  -- scandir lists both files; vim.fn.readfile reads what luv wrote.
  local names = {}
  local req = assert(uv.fs_scandir(dir))
  while true do
    local name = uv.fs_scandir_next(req)
    if not name then break end
    names[#names + 1] = name
  end
  table.sort(names)
  expect(table.concat(names, ",") == "file,new", "scandir: " .. table.concat(names, ","))
  expect(vim.fn.readfile(path)[1] == "written by nvim", "readfile")
  assert(uv.fs_unlink(path)); assert(uv.fs_unlink(dir .. "/new")); assert(uv.fs_rmdir(dir))
end

function checks.tcp()
  local server = uv.new_tcp()
  assert(server:bind("127.0.0.1", 0))
  assert(server:listen(16, function(err)
    assert(not err, err)
    local conn = uv.new_tcp()
    server:accept(conn)
    conn:read_start(function(rerr, data)
      assert(not rerr, rerr)
      if data then conn:write(data) else conn:shutdown(function() conn:close() end) end
    end)
  end))
  local port = server:getsockname().port
  local payload = string.rep("nvim tcp echo ", 20000)
  local got, done = {}, false
  local client = uv.new_tcp()
  client:connect("127.0.0.1", port, function(err)
    assert(not err, err)
    client:write(payload)
    client:shutdown()
    client:read_start(function(rerr, data)
      assert(not rerr, rerr)
      if data then got[#got + 1] = data else done = true; client:close() end
    end)
  end)
  wait_for(5000, function() return done end, "the echo")
  server:close()
  local back = table.concat(got)
  expect(back == payload, ("echo: %d bytes back, not %d"):format(#back, #payload))
end

function checks.rpc()
  -- A second nvim as a job speaking msgpack-RPC over its stdin and stdout
  -- pipes. It inherits the library path, so it must run on the same libuv
  -- as this one.
  local ch = vim.fn.jobstart({ vim.v.progpath, "--embed", "--headless", "-u", "NONE", "-i", "NONE", "-n" },
    { rpc = true })
  expect(ch > 0, "jobstart --embed returned " .. ch)
  expect(vim.fn.rpcrequest(ch, "nvim_eval", "6*7") == 42, "nvim_eval in the child")
  local theirs = vim.fn.rpcrequest(ch, "nvim_exec_lua", [[
    for line in io.lines("/proc/self/maps") do
      local path = line:match("%s(/%S+)$")
      if path and (path:match("/libuv%.so[^/]*$") or path:match("/libgouv%.so[^/]*$")) then return path end
    end
  ]], {})
  local ours = mapped_libuv():match("libuv%-mapped (%S+)")
  expect(theirs == ours, "the child nvim runs on " .. tostring(theirs) .. ", this one on " .. tostring(ours))
  vim.fn.jobstop(ch)
  -- A unix socket server (serverstart) and a client of it in the same
  -- nvim: the request is answered while rpcrequest waits on the loop.
  local addr = vim.fn.serverstart(vim.fn.tempname())
  local client = vim.fn.sockconnect("pipe", addr, { rpc = true })
  expect(client > 0, "sockconnect returned " .. client)
  expect(vim.fn.rpcrequest(client, "nvim_eval", "1+1") == 2, "rpcrequest over the socket")
  vim.fn.chanclose(client)
  expect(vim.fn.serverstop(addr) == 1, "serverstop")
end

function checks.pty()
  -- A job on a pseudo-terminal of the size asked for.
  local out, status = {}, nil
  vim.fn.jobstart({ "sh", "-c", "tty; stty size; exit 6" }, {
    pty = true, width = 100, height = 30,
    on_stdout = function(_, data) out[#out + 1] = table.concat(data, "\n") end,
    on_exit = function(_, code) status = code end,
  })
  wait_for(5000, function() return status ~= nil end, "the pty job")
  local text = table.concat(out):gsub("\r", "")
  expect(status == 6, "pty job status " .. status)
  expect(text:match("^/dev/pts/%d+\n30 100\n"), "pty job output " .. vim.inspect(text))
end

local name = os.getenv("GOUV_HOST_CHECK") or ""
local ok, msg = pcall(function()
  expect(checks[name], "no check " .. name)
  checks[name]()
end)
if ok then
  io.stdout:write(mapped_libuv(), "ok ", name, "\n")
  vim.cmd("qall!")
else
  io.stderr:write("FAILED ", name, ": ", tostring(msg), "\n")
  vim.cmd("cquit 1")
end
