"""Loading libgouv.so.1 and declaring the C functions gouv's Python layer calls.

Only the leading public fields of handles and requests are declared as
ctypes structures (``data``, ``loop``, ``type``, and ``result`` of a
``uv_fs_t``); the memory itself is a byte buffer of ``uv_handle_size`` /
``uv_req_size`` bytes, so the library's private layout never has to be
mirrored here.
"""

import ctypes
import ctypes.util
import os

# uv_handle_type and uv_req_type values (libuv 1.44, the order of uv.h's maps).
ASYNC, CHECK, IDLE, PREPARE, TCP, TIMER = 1, 2, 6, 9, 12, 13
REQ_CONNECT, REQ_WRITE, REQ_SHUTDOWN, REQ_FS = 2, 3, 4, 6

RUN_DEFAULT, RUN_ONCE, RUN_NOWAIT = 0, 1, 2

# Negative errno values, as libuv reports them on Linux.
UV_EOF = -4095
UV_ENOSYS = -38
UV_ECANCELED = -125

# The O_* flags of uv_fs_open are the system's.
O_RDONLY = os.O_RDONLY


def _candidates():
    """Where libgouv.so.1 is looked for, in order."""
    env = os.environ.get("GOUV_LIBRARY")
    if env:
        yield env
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("libgouv.so.1", "libgouv.so"):
        path = os.path.join(here, name)
        if os.path.exists(path):
            yield path
    # The dynamic linker's own search: LD_LIBRARY_PATH, then ld.so.cache.
    yield "libgouv.so.1"
    found = ctypes.util.find_library("gouv")
    if found:
        yield found


def load():
    """Returns the loaded library, or raises OSError naming every place tried."""
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as err:
            tried.append(f"{path}: {err}")
            if path == os.environ.get("GOUV_LIBRARY"):
                # An explicit choice that fails is an error, not a hint.
                break
    raise OSError("cannot load libgouv.so.1 (set GOUV_LIBRARY to its path); tried:\n  "
                  + "\n  ".join(tried))


lib = load()

vp = ctypes.c_void_p


class HandleHead(ctypes.Structure):
    """The public leading fields every uv_handle_t starts with."""
    _fields_ = [("data", vp), ("loop", vp), ("type", ctypes.c_int)]


class ReqHead(ctypes.Structure):
    """The public leading fields every uv_req_t starts with."""
    _fields_ = [("data", vp), ("type", ctypes.c_int)]


class FsHead(ctypes.Structure):
    """uv_fs_t up to its public ``result``, ``ptr`` and ``path`` fields."""
    _fields_ = [("data", vp), ("type", ctypes.c_int), ("reserved", vp * 6),
                ("fs_type", ctypes.c_int), ("loop", vp), ("cb", vp),
                ("result", ctypes.c_ssize_t), ("ptr", vp), ("path", ctypes.c_char_p)]


class Buf(ctypes.Structure):
    """uv_buf_t on Unix: a base pointer and a length."""
    _fields_ = [("base", vp), ("len", ctypes.c_size_t)]


# Callback signatures. Handles and requests are passed as plain addresses.
close_cb = ctypes.CFUNCTYPE(None, vp)
timer_cb = ctypes.CFUNCTYPE(None, vp)
async_cb = ctypes.CFUNCTYPE(None, vp)
connection_cb = ctypes.CFUNCTYPE(None, vp, ctypes.c_int)
alloc_cb = ctypes.CFUNCTYPE(None, vp, ctypes.c_size_t, ctypes.POINTER(Buf))
read_cb = ctypes.CFUNCTYPE(None, vp, ctypes.c_ssize_t, ctypes.POINTER(Buf))
req_status_cb = ctypes.CFUNCTYPE(None, vp, ctypes.c_int)  # write, connect, shutdown
fs_cb = ctypes.CFUNCTYPE(None, vp)

_c = ctypes.c_int
_u64 = ctypes.c_uint64


def _declare(name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


uv_version_string = _declare("uv_version_string", ctypes.c_char_p)
uv_strerror = _declare("uv_strerror", ctypes.c_char_p, _c)
uv_err_name = _declare("uv_err_name", ctypes.c_char_p, _c)
uv_handle_size = _declare("uv_handle_size", ctypes.c_size_t, _c)
uv_req_size = _declare("uv_req_size", ctypes.c_size_t, _c)
uv_loop_size = _declare("uv_loop_size", ctypes.c_size_t)

uv_loop_init = _declare("uv_loop_init", _c, vp)
uv_loop_close = _declare("uv_loop_close", _c, vp)
uv_run = _declare("uv_run", _c, vp, _c)
uv_stop = _declare("uv_stop", None, vp)
uv_now = _declare("uv_now", _u64, vp)
uv_update_time = _declare("uv_update_time", None, vp)
uv_loop_alive = _declare("uv_loop_alive", _c, vp)

uv_close = _declare("uv_close", None, vp, close_cb)
uv_is_closing = _declare("uv_is_closing", _c, vp)
uv_is_active = _declare("uv_is_active", _c, vp)
uv_ref = _declare("uv_ref", None, vp)
uv_unref = _declare("uv_unref", None, vp)

uv_timer_init = _declare("uv_timer_init", _c, vp, vp)
uv_timer_start = _declare("uv_timer_start", _c, vp, timer_cb, _u64, _u64)
uv_timer_stop = _declare("uv_timer_stop", _c, vp)
uv_timer_again = _declare("uv_timer_again", _c, vp)

uv_async_init = _declare("uv_async_init", _c, vp, vp, async_cb)
uv_async_send = _declare("uv_async_send", _c, vp)

uv_ip4_addr = _declare("uv_ip4_addr", _c, ctypes.c_char_p, _c, vp)
uv_ip6_addr = _declare("uv_ip6_addr", _c, ctypes.c_char_p, _c, vp)
uv_ip_name = _declare("uv_ip_name", _c, vp, ctypes.c_char_p, ctypes.c_size_t)
uv_tcp_init = _declare("uv_tcp_init", _c, vp, vp)
uv_tcp_bind = _declare("uv_tcp_bind", _c, vp, vp, ctypes.c_uint)
uv_tcp_connect = _declare("uv_tcp_connect", _c, vp, vp, vp, req_status_cb)
uv_tcp_getsockname = _declare("uv_tcp_getsockname", _c, vp, vp, ctypes.POINTER(_c))
uv_tcp_nodelay = _declare("uv_tcp_nodelay", _c, vp, _c)
uv_listen = _declare("uv_listen", _c, vp, _c, connection_cb)
uv_accept = _declare("uv_accept", _c, vp, vp)
uv_read_start = _declare("uv_read_start", _c, vp, alloc_cb, read_cb)
uv_read_stop = _declare("uv_read_stop", _c, vp)
uv_write = _declare("uv_write", _c, vp, vp, ctypes.POINTER(Buf), ctypes.c_uint, req_status_cb)
uv_shutdown = _declare("uv_shutdown", _c, vp, vp, req_status_cb)

uv_fs_open = _declare("uv_fs_open", _c, vp, vp, ctypes.c_char_p, _c, _c, fs_cb)
uv_fs_read = _declare("uv_fs_read", _c, vp, vp, _c, ctypes.POINTER(Buf), ctypes.c_uint,
                      ctypes.c_int64, fs_cb)
uv_fs_close = _declare("uv_fs_close", _c, vp, vp, _c, fs_cb)
uv_fs_req_cleanup = _declare("uv_fs_req_cleanup", None, vp)

# Sizes come from the library itself, never from a copy of its header.
LOOP_SIZE = uv_loop_size()
HANDLE_SIZE = {kind: uv_handle_size(kind) for kind in (ASYNC, TCP, TIMER)}
REQ_SIZE = {kind: uv_req_size(kind) for kind in (REQ_CONNECT, REQ_WRITE, REQ_SHUTDOWN, REQ_FS)}
SOCKADDR_STORAGE_SIZE = 128
