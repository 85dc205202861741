-- gouv from LuaJIT's ffi: a timer, then a TCP echo over 127.0.0.1, against
-- libgouv.so.1 (or the library named by GOUV_LIBRARY). Exits non-zero on
-- failure. While the streams area is not merged, uv_tcp_init answers
-- UV_ENOSYS: the TCP part then says it is skipped, and the timer part must
-- still pass.
--
--   GOUV_LIBRARY=build/lib/libgouv.so.1 luajit ffi/luajit/echo.lua
local ffi = require("ffi")

-- A C function that LuaJIT compiled may not call back into Lua ("bad
-- callback"); uv_run calls back, so the Lua code that calls it stays
-- interpreted.
jit.off()

ffi.cdef[[
typedef struct { char* base; size_t len; } uv_buf_t;
typedef struct { void* data; void* loop; int type; } uv_handle_head_t;
typedef void (*uv_close_cb)(void* handle);
typedef void (*uv_timer_cb)(void* timer);
typedef void (*uv_connection_cb)(void* server, int status);
typedef void (*uv_alloc_cb)(void* handle, size_t suggested, uv_buf_t* buf);
typedef void (*uv_read_cb)(void* stream, ssize_t nread, const uv_buf_t* buf);
typedef void (*uv_status_cb)(void* req, int status);

const char* uv_version_string(void);
const char* uv_err_name(int err);
size_t uv_loop_size(void);
size_t uv_handle_size(int type);
size_t uv_req_size(int type);
int uv_loop_init(void* loop);
int uv_loop_close(void* loop);
int uv_run(void* loop, int mode);
uint64_t uv_now(const void* loop);
void uv_close(void* handle, uv_close_cb cb);
int uv_timer_init(void* loop, void* timer);
int uv_timer_start(void* timer, uv_timer_cb cb, uint64_t timeout, uint64_t repeat);
int uv_ip4_addr(const char* ip, int port, void* addr);
int uv_tcp_init(void* loop, void* tcp);
int uv_tcp_bind(void* tcp, const void* addr, unsigned int flags);
int uv_tcp_getsockname(const void* tcp, void* name, int* namelen);
int uv_tcp_connect(void* req, void* tcp, const void* addr, uv_status_cb cb);
int uv_listen(void* stream, int backlog, uv_connection_cb cb);
int uv_accept(void* server, void* client);
int uv_read_start(void* stream, uv_alloc_cb alloc_cb, uv_read_cb read_cb);
int uv_write(void* req, void* stream, const uv_buf_t bufs[], unsigned int nbufs, uv_status_cb cb);
]]

local uv = ffi.load(os.getenv("GOUV_LIBRARY") or "libgouv.so.1")
local UV_TIMER, UV_TCP, UV_CONNECT, UV_WRITE = 13, 12, 2, 3
local UV_EOF, UV_ENOSYS = -4095, -38

local failures = 0
local function check(cond, what)
  if not cond then
    print("FAIL  " .. what)
    failures = failures + 1
  end
  return cond
end

-- Handle and request memory: 8-byte aligned, sized by the library.
local function block(size) return ffi.new("uint64_t[?]", math.ceil(tonumber(size) / 8)) end

-- A C callback made from a Lua function must outlive every call C makes to
-- it: all of them are kept here until the loop is closed, then freed.
local callbacks = {}
local function callback(ctype, fn)
  local cb = ffi.cast(ctype, fn)
  callbacks[#callbacks + 1] = cb
  return cb
end

print("library " .. ffi.string(uv.uv_version_string()))
local loop = block(uv.uv_loop_size())
assert(uv.uv_loop_init(loop) == 0, "uv_loop_init")
local on_close = callback("uv_close_cb", function() end)

-- 1. Timers: three started out of order fire by due time.
local fired = {}
local start = uv.uv_now(loop)
local timers = {}
for _, ms in ipairs({30, 10, 20}) do
  local t = block(uv.uv_handle_size(UV_TIMER))
  timers[#timers + 1] = t
  assert(uv.uv_timer_init(loop, t) == 0)
  uv.uv_timer_start(t, callback("uv_timer_cb", function(h)
    fired[#fired + 1] = { ms = ms, at = tonumber(uv.uv_now(loop) - start) }
    uv.uv_close(h, on_close)
  end), ms, 0)
end
uv.uv_run(loop, 0)
check(#fired == 3, "three timers fired (" .. #fired .. ")")
for i, want in ipairs({10, 20, 30}) do
  local f = fired[i] or { ms = -1, at = -1 }
  check(f.ms == want and f.at >= want, ("timer %d: due %d ms, fired %d ms after start"):format(i, f.ms, f.at))
end
if failures == 0 then
  print(("ok    timers fired in due order at %d, %d, %d ms"):format(fired[1].at, fired[2].at, fired[3].at))
end

-- 2. TCP echo: a client sends 256 KiB, the server writes each chunk back.
local function tcp_echo()
  local size = 256 * 1024
  local server = block(uv.uv_handle_size(UV_TCP))
  local rc = uv.uv_tcp_init(loop, server)
  if rc == UV_ENOSYS then
    print("skip  TCP echo: uv_tcp_init returns UV_ENOSYS (TCP lights up when the streams area is merged)")
    return
  end
  check(rc == 0, "uv_tcp_init: " .. ffi.string(uv.uv_err_name(rc)))
  local addr = block(128)
  uv.uv_ip4_addr("127.0.0.1", 0, addr)
  check(uv.uv_tcp_bind(server, addr, 0) == 0, "uv_tcp_bind")
  local namelen = ffi.new("int[1]", 128)
  check(uv.uv_tcp_getsockname(server, addr, namelen) == 0, "uv_tcp_getsockname")
  local bytes = ffi.cast("uint8_t*", addr)
  local port = bytes[2] * 256 + bytes[3]

  local keep = {}  -- write requests and their buffers, until their callbacks
  local rbuf = ffi.new("char[65536]")
  local alloc = callback("uv_alloc_cb", function(_, _, buf) buf.base, buf.len = rbuf, 65536 end)
  local on_written = callback("uv_status_cb", function(req, status)
    check(status == 0, "write status " .. status)
    keep[tostring(ffi.cast("uintptr_t", req))] = nil
  end)
  local function write(stream, ptr, n)
    local req, data = block(uv.uv_req_size(UV_WRITE)), ffi.new("char[?]", n)
    ffi.copy(data, ptr, n)
    local buf = ffi.new("uv_buf_t[1]", { { data, n } })
    keep[tostring(ffi.cast("uintptr_t", req))] = { req, data, buf }
    check(uv.uv_write(req, stream, buf, 1, on_written) == 0, "uv_write")
  end

  local conn = block(uv.uv_handle_size(UV_TCP))
  local echo_read = callback("uv_read_cb", function(stream, nread)
    nread = tonumber(nread)
    if nread > 0 then write(stream, rbuf, nread)
    elseif nread < 0 then uv.uv_close(stream, on_close) end
  end)
  check(uv.uv_listen(server, 16, callback("uv_connection_cb", function(srv, status)
    check(status == 0, "connection status")
    uv.uv_tcp_init(loop, conn)
    check(uv.uv_accept(srv, conn) == 0, "uv_accept")
    uv.uv_read_start(conn, alloc, echo_read)
  end)) == 0, "uv_listen")

  local payload = ffi.new("char[?]", size)
  for i = 0, size - 1 do payload[i] = (i * 7 + 3) % 251 end
  local got = ffi.new("char[?]", size)
  local received = 0
  local client = block(uv.uv_handle_size(UV_TCP))
  uv.uv_tcp_init(loop, client)
  local client_read = callback("uv_read_cb", function(stream, nread)
    nread = tonumber(nread)
    if nread > 0 and received + nread <= size then
      ffi.copy(got + received, rbuf, nread)
      received = received + nread
    end
    if nread < 0 or received >= size then
      uv.uv_close(stream, on_close)
      uv.uv_close(server, on_close)
    end
  end)
  local connect_req = block(uv.uv_req_size(UV_CONNECT))
  local target = block(128)
  uv.uv_ip4_addr("127.0.0.1", port, target)
  check(uv.uv_tcp_connect(connect_req, client, target, callback("uv_status_cb", function(_, status)
    if check(status == 0, "connect status " .. status) then
      write(client, payload, size)
      uv.uv_read_start(client, alloc, client_read)
    end
  end)) == 0, "uv_tcp_connect")
  uv.uv_run(loop, 0)
  if check(received == size and ffi.string(got, size) == ffi.string(payload, size),
      ("echoed %d of %d bytes intact"):format(received, size)) then
    print(("ok    TCP echo of %d bytes on port %d"):format(size, port))
  end
end
tcp_echo()

check(uv.uv_loop_close(loop) == 0, "uv_loop_close")
for _, cb in ipairs(callbacks) do cb:free() end
if failures > 0 then
  print(failures .. " failed")
  os.exit(1)
end
print("luajit: all passed")
