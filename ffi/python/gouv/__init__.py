"""gouv from Python: libuv's loop through ctypes, nothing compiled.

    import gouv
    loop = gouv.Loop()
    loop.call_later(0.05, print, "50 ms later")
    loop.run()
    loop.close()

Memory. Every handle and request is a ctypes byte buffer of the size the
library reports (``uv_handle_size``/``uv_req_size``), owned by a Python
object. From ``*_init`` until its close callback has run, a handle is held in
a module-level table keyed by its address, and so is a request until its
callback has run: the C side never points at freed memory, whether or not the
caller keeps a reference.

Callbacks. C calls one of a few module-level ``CFUNCTYPE`` trampolines, which
live as long as the module; they find the Python object from the handle's or
request's address and call its Python callback on the loop's thread.

Exceptions in callbacks. An exception raised by a Python callback never
unwinds into C and never stops the loop: it is printed to ``sys.stderr``
with its traceback, appended to ``Loop.errors``, and the first one not yet
raised is raised again by ``Loop.run()`` once ``uv_run`` returns (the others
are named in a note on it). ``KeyboardInterrupt`` and ``SystemExit`` also
call ``uv_stop``, so ``run()`` returns and raises them at once.
"""

import ctypes
import math
import sys
import traceback

from . import _lib
from ._lib import RUN_DEFAULT, RUN_NOWAIT, RUN_ONCE, UV_ENOSYS, UV_EOF

__all__ = ["Loop", "Handle", "Timer", "Async", "TCP", "UVError", "serve_echo",
           "read_file", "version", "RUN_DEFAULT", "RUN_ONCE", "RUN_NOWAIT",
           "UV_ENOSYS", "UV_EOF"]


def version():
    """The library's version string, e.g. '1.53.0-gouv'."""
    return _lib.uv_version_string().decode()


class UVError(OSError):
    """A negative libuv status code; ``code`` is it, ``name`` its UV_E* name."""

    def __init__(self, code, what=None):
        self.code = code
        self.what = what
        self.name = _lib.uv_err_name(code).decode()
        message = f"{self.name}: {_lib.uv_strerror(code).decode()}"
        if what:
            message = f"{what}: {message}"
        super().__init__(-code, message)


def _check(rc, what):
    if rc < 0:
        raise UVError(rc, what)
    return rc


# Address -> Python object, for every handle between init and close_cb and
# every request between its submission and its callback.
_live = {}


def _dispatch(addr, method, *args):
    obj = _live.get(addr)
    if obj is not None:
        obj.loop._call(getattr(obj, method), *args)


@_lib.close_cb
def _on_close(addr):
    handle = _live.pop(addr, None)
    if handle is None:
        return
    handle.loop._handles.discard(handle)
    if handle._on_close is not None:
        handle.loop._call(handle._on_close, handle)


@_lib.timer_cb
def _on_timer(addr):
    _dispatch(addr, "_fire")


@_lib.async_cb
def _on_async(addr):
    _dispatch(addr, "_fire")


@_lib.connection_cb
def _on_connection(addr, status):
    _dispatch(addr, "_connection", status)


@_lib.alloc_cb
def _on_alloc(addr, suggested, buf):
    handle = _live.get(addr)
    if handle is None or handle._rbuf is None:
        buf[0].base, buf[0].len = None, 0
        return
    buf[0].base = ctypes.addressof(handle._rbuf)
    buf[0].len = len(handle._rbuf)


@_lib.read_cb
def _on_read(addr, nread, buf):
    _dispatch(addr, "_read", nread)


@_lib.req_status_cb
def _on_req(addr, status):
    req = _live.pop(addr, None)
    if req is not None and req.callback is not None:
        req.loop._call(req.callback, status)


@_lib.fs_cb
def _on_fs(addr):
    req = _live.pop(addr, None)
    result = _lib.FsHead.from_address(addr).result
    _lib.uv_fs_req_cleanup(addr)
    if req is not None:
        req.loop._call(req.callback, result)


class _Request:
    """A request's memory and everything C points at until its callback."""

    def __init__(self, loop, kind, callback, *keep):
        self.loop = loop
        self.mem = ctypes.create_string_buffer(_lib.REQ_SIZE[kind])
        self.addr = ctypes.addressof(self.mem)
        self.callback = callback
        self.keep = keep

    def submit(self, rc, what):
        """Registers the request if the call that started it succeeded."""
        _check(rc, what)
        _live[self.addr] = self


class Loop:
    """A uv_loop_t of its own (never the default loop)."""

    def __init__(self):
        self._mem = ctypes.create_string_buffer(_lib.LOOP_SIZE)
        self._ptr = ctypes.addressof(self._mem)
        self._handles = set()
        self._pending = []
        self.errors = []
        _check(_lib.uv_loop_init(self._ptr), "uv_loop_init")
        self._open = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- exceptions raised by callbacks -----------------------------------

    def _call(self, fn, *args):
        try:
            fn(*args)
        except BaseException as exc:  # noqa: B902: nothing may unwind into C
            self.errors.append(exc)
            self._pending.append(exc)
            print(f"gouv: exception in callback {getattr(fn, '__qualname__', fn)!s}:",
                  file=sys.stderr)
            traceback.print_exception(exc, file=sys.stderr)
            if not isinstance(exc, Exception):
                _lib.uv_stop(self._ptr)

    def _raise_pending(self):
        if not self._pending:
            return
        first, rest = self._pending[0], self._pending[1:]
        self._pending.clear()
        if rest:
            first.add_note(f"{len(rest)} more callback exception(s) in Loop.errors")
        raise first

    # -- running -----------------------------------------------------------

    def run(self, mode=RUN_DEFAULT):
        """Runs uv_run; re-raises the first exception a callback raised."""
        if not self._open:
            raise RuntimeError("loop is closed")
        rc = _lib.uv_run(self._ptr, mode)
        self._raise_pending()
        return rc

    def stop(self):
        _lib.uv_stop(self._ptr)

    def now(self):
        """The loop's cached time in milliseconds (uv_now)."""
        return _lib.uv_now(self._ptr)

    def alive(self):
        return bool(_lib.uv_loop_alive(self._ptr))

    def close(self):
        """Closes every handle still open, lets their callbacks run, closes the loop."""
        if not self._open:
            return
        for handle in list(self._handles):
            handle.close()
        _lib.uv_run(self._ptr, RUN_DEFAULT)
        rc = _lib.uv_loop_close(self._ptr)
        if rc == 0:
            self._open = False
        _check(rc, "uv_loop_close")

    # -- asyncio-like scheduling ---------------------------------------------

    def call_later(self, delay, callback, *args):
        """Calls callback(*args) once after ``delay`` seconds; returns the Timer.

        ``timer.close()`` (or ``cancel()``) before it fires cancels it."""
        timer = Timer(self)

        def fire(t):
            t.close()
            callback(*args)

        timer.start(fire, max(0, math.ceil(delay * 1000)))
        return timer

    def call_soon(self, callback, *args):
        """Calls callback(*args) on the next loop iteration (a 0 ms timer)."""
        return self.call_later(0, callback, *args)


class Handle:
    """What every handle has: memory, its loop, closing, ref/unref."""

    _kind = None

    def __init__(self, loop):
        self.loop = loop
        self._mem = ctypes.create_string_buffer(_lib.HANDLE_SIZE[self._kind])
        self._addr = ctypes.addressof(self._mem)
        self._on_close = None
        self._closing = False
        self._rbuf = None

    def _registered(self, rc, what):
        _check(rc, what)
        _live[self._addr] = self
        self.loop._handles.add(self)

    @property
    def closing(self):
        return self._closing

    @property
    def active(self):
        return not self._closing and bool(_lib.uv_is_active(self._addr))

    def ref(self):
        _lib.uv_ref(self._addr)

    def unref(self):
        _lib.uv_unref(self._addr)

    def close(self, callback=None):
        """uv_close; callback(handle) runs once it is closed. Safe to call twice."""
        if self._closing:
            return
        self._closing = True
        self._on_close = callback
        _lib.uv_close(self._addr, _on_close)

    cancel = close


class Timer(Handle):
    """uv_timer_t. Times are in milliseconds, as in libuv."""

    _kind = _lib.TIMER

    def __init__(self, loop):
        super().__init__(loop)
        self._callback = None
        self._registered(_lib.uv_timer_init(loop._ptr, self._addr), "uv_timer_init")

    def _fire(self):
        self._callback(self)

    def start(self, callback, timeout, repeat=0):
        """callback(timer) after ``timeout`` ms, then every ``repeat`` ms if non-zero."""
        self._callback = callback
        _check(_lib.uv_timer_start(self._addr, _on_timer, timeout, repeat), "uv_timer_start")

    def stop(self):
        _check(_lib.uv_timer_stop(self._addr), "uv_timer_stop")

    def again(self):
        _check(_lib.uv_timer_again(self._addr), "uv_timer_again")


class Async(Handle):
    """uv_async_t: ``send()`` from any thread runs callback(async) on the loop."""

    _kind = _lib.ASYNC

    def __init__(self, loop, callback):
        super().__init__(loop)
        self._callback = callback
        self._registered(_lib.uv_async_init(loop._ptr, self._addr, _on_async), "uv_async_init")

    def _fire(self):
        self._callback(self)

    def send(self):
        _check(_lib.uv_async_send(self._addr), "uv_async_send")


def _sockaddr(host, port):
    mem = ctypes.create_string_buffer(_lib.SOCKADDR_STORAGE_SIZE)
    convert = _lib.uv_ip6_addr if ":" in host else _lib.uv_ip4_addr
    _check(convert(host.encode(), port, ctypes.addressof(mem)), f"address {host!r}")
    return mem


class TCP(Handle):
    """uv_tcp_t with the stream operations."""

    _kind = _lib.TCP
    READ_BUFFER = 64 * 1024

    def __init__(self, loop):
        super().__init__(loop)
        self._on_connection = None
        self._on_read = None
        self._registered(_lib.uv_tcp_init(loop._ptr, self._addr), "uv_tcp_init")

    def bind(self, host, port):
        addr = _sockaddr(host, port)  # held until the call returns
        _check(_lib.uv_tcp_bind(self._addr, ctypes.addressof(addr), 0), "uv_tcp_bind")

    def sockname(self):
        """(host, port) the socket is bound to."""
        mem = ctypes.create_string_buffer(_lib.SOCKADDR_STORAGE_SIZE)
        size = ctypes.c_int(len(mem))
        _check(_lib.uv_tcp_getsockname(self._addr, ctypes.addressof(mem), ctypes.byref(size)),
               "uv_tcp_getsockname")
        name = ctypes.create_string_buffer(64)
        _check(_lib.uv_ip_name(ctypes.addressof(mem), name, len(name)), "uv_ip_name")
        return name.value.decode(), int.from_bytes(mem.raw[2:4], "big")

    def nodelay(self, enable=True):
        _check(_lib.uv_tcp_nodelay(self._addr, int(enable)), "uv_tcp_nodelay")

    def listen(self, on_connection, backlog=128):
        """on_connection(server, error): error is None or a UVError."""
        self._on_connection = on_connection
        _check(_lib.uv_listen(self._addr, backlog, _on_connection), "uv_listen")

    def _connection(self, status):
        self._on_connection(self, UVError(status) if status < 0 else None)

    def accept(self):
        """A new TCP for the pending connection."""
        client = TCP(self.loop)
        rc = _lib.uv_accept(self._addr, client._addr)
        if rc < 0:
            client.close()
            raise UVError(rc, "uv_accept")
        return client

    def connect(self, host, port, callback):
        """callback(tcp, error) once connected or failed."""
        addr = _sockaddr(host, port)
        req = _Request(self.loop, _lib.REQ_CONNECT,
                       lambda status: callback(self, UVError(status) if status < 0 else None),
                       addr, self)
        req.submit(_lib.uv_tcp_connect(req.addr, self._addr, ctypes.addressof(addr), _on_req),
                   "uv_tcp_connect")

    def read_start(self, on_read):
        """on_read(tcp, data, error): bytes; data None at end of stream or on error."""
        self._on_read = on_read
        if self._rbuf is None:
            self._rbuf = ctypes.create_string_buffer(self.READ_BUFFER)
        _check(_lib.uv_read_start(self._addr, _on_alloc, _on_read), "uv_read_start")

    def read_stop(self):
        _check(_lib.uv_read_stop(self._addr), "uv_read_stop")

    def _read(self, nread):
        if nread > 0:
            self._on_read(self, self._rbuf.raw[:nread], None)
        elif nread == UV_EOF:
            self._on_read(self, None, None)
        elif nread < 0:
            self._on_read(self, None, UVError(nread, "read"))

    def write(self, data, callback=None):
        """Queues bytes; callback(tcp, error) once written. The bytes are copied."""
        data = bytes(data)
        mem = ctypes.create_string_buffer(data, len(data))
        buf = _lib.Buf(ctypes.addressof(mem), len(data))
        done = None
        if callback is not None:
            def done(status):
                callback(self, UVError(status) if status < 0 else None)
        req = _Request(self.loop, _lib.REQ_WRITE, done, mem, buf, self)
        req.submit(_lib.uv_write(req.addr, self._addr, ctypes.byref(buf), 1, _on_req), "uv_write")

    def shutdown(self, callback=None):
        done = None
        if callback is not None:
            def done(status):
                callback(self, UVError(status) if status < 0 else None)
        req = _Request(self.loop, _lib.REQ_SHUTDOWN, done, self)
        req.submit(_lib.uv_shutdown(req.addr, self._addr, _on_req), "uv_shutdown")


def serve_echo(loop, host="127.0.0.1", port=0):
    """A TCP server that writes back what each client sends; returns it.

    ``server.sockname()`` says where it listens (port 0 picks a free one)."""
    server = TCP(loop)
    server.bind(host, port)

    def on_read(client, data, error):
        if data is not None:
            client.write(data)
        else:
            client.close()

    def on_connection(srv, error):
        if error is None:
            srv.accept().read_start(on_read)

    server.listen(on_connection)
    return server


def read_file(loop, path, callback, chunk=64 * 1024):
    """Reads a whole file with uv_fs_open/read/close; callback(data, error).

    Exactly one of data (bytes) and error (a UVError) is not None."""
    chunks = []
    state = {"fd": -1, "error": None}
    buf_mem = ctypes.create_string_buffer(chunk)
    buf = _lib.Buf(ctypes.addressof(buf_mem), chunk)

    def submit(rc, req, what):
        try:
            req.submit(rc, what)
        except UVError as err:
            finish(err)

    def finish(error):
        if state["fd"] >= 0:
            fd, state["fd"], state["error"] = state["fd"], -1, error
            req = _Request(loop, _lib.REQ_FS, closed)
            submit(_lib.uv_fs_close(loop._ptr, req.addr, fd, _on_fs), req, "uv_fs_close")
            return
        callback(None if error else b"".join(chunks), error)

    def closed(result):
        error = state["error"] or (UVError(result, "uv_fs_close") if result < 0 else None)
        callback(None if error else b"".join(chunks), error)

    def read_next():
        req = _Request(loop, _lib.REQ_FS, got, buf_mem, buf)
        submit(_lib.uv_fs_read(loop._ptr, req.addr, state["fd"], ctypes.byref(buf), 1, -1,
                               _on_fs), req, "uv_fs_read")

    def got(result):
        if result < 0:
            finish(UVError(result, "uv_fs_read"))
        elif result == 0:
            finish(None)
        else:
            chunks.append(buf_mem.raw[:result])
            read_next()

    def opened(result):
        if result < 0:
            callback(None, UVError(result, f"uv_fs_open {path!r}"))
            return
        state["fd"] = result
        read_next()

    encoded = str(path).encode()
    req = _Request(loop, _lib.REQ_FS, opened, encoded)
    req.submit(_lib.uv_fs_open(loop._ptr, req.addr, encoded, _lib.O_RDONLY, 0, _on_fs),
               "uv_fs_open")
