/* The stream area's C: trampolines through which Go calls the host's
 * stream callbacks, wrappers for functions whose signatures Go cannot
 * export (const parameters), and functions that only read the handle. */
#include "stream.h"
#include "_cgo_export.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- trampolines ---------------------------------------------------- */

void gouv_stream_alloc(uv_stream_t* s) {
  uv_buf_t* buf = GOUV__STREAM_READ_BUF(s);
  buf->base = NULL;
  buf->len = 0;
  s->alloc_cb((uv_handle_t*)s, 65536, buf);
}

/* Delivers one read and, when Go asks for it and the host still reads,
 * allocates the next buffer: one crossing per read instead of two. */
int gouv_stream_read(uv_stream_t* s, ssize_t nread, int next) {
  s->read_cb(s, nread, GOUV__STREAM_READ_BUF(s));
  if (!next || (s->flags & GOUV__STREAM_READING) == 0 ||
      (s->flags & GOUV__STREAM_CLOSING_BITS) != 0)
    return 0;
  gouv_stream_alloc(s);
  return 1;
}

/* The reads of one readiness event (io.DirectReader), in one crossing: a
 * buffer from alloc_cb, read(2), read_cb, again while reads fill their
 * buffer, at most max times, and never once the host stops reading or
 * closes the stream. Returns 0 when all that was read was delivered, or
 * the end of file or error of the last read, not yet delivered: Go
 * changes the stream's state first, then delivers it in the same buffer
 * (gouv_stream_read). */
int gouv_stream_read_direct(uv_stream_t* s, int max) {
  uv_buf_t* buf = GOUV__STREAM_READ_BUF(s);
  ssize_t n;
  size_t len;
  for (; max > 0; max--) {
    if ((s->flags & GOUV__STREAM_READING) == 0 ||
        (s->flags & GOUV__STREAM_CLOSING_BITS) != 0 || s->io_watcher.fd < 0)
      return 0;
    gouv_stream_alloc(s);
    if (buf->base == NULL || buf->len == 0) {
      s->read_cb(s, UV_ENOBUFS, buf);
      return 0;
    }
    len = buf->len;
    do
      n = read(s->io_watcher.fd, buf->base, len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        return -errno;
      s->read_cb(s, 0, buf);
      return 0;
    }
    if (n == 0)
      return UV_EOF;
    s->read_cb(s, n, buf);
    if ((size_t)n < len)
      return 0; /* drained */
  }
  return 0;
}

/* A round of write callbacks in one crossing. A callback may free its own
 * request, so each is read before its callback runs and never after. */
void gouv_call_writes(void** reqs, int* status, int n) {
  int i;
  for (i = 0; i < n; i++) {
    uv_write_t* req = reqs[i];
    if (req->cb != NULL)
      req->cb(req, status[i]);
  }
}

void gouv_call_connect(uv_connect_t* req, int status) {
  if (req->cb != NULL)
    req->cb(req, status);
}

void gouv_call_shutdown(uv_shutdown_t* req, int status) {
  if (req->cb != NULL)
    req->cb(req, status);
}

void gouv_call_connection(uv_stream_t* s, int status) {
  uv_connection_cb cb = (uv_connection_cb)GOUV__STREAM_CONNECTION_CB(s);
  if (cb != NULL)
    cb(s, status);
}

void gouv_call_poll(uv_poll_t* p, int status, int events) {
  if (p->poll_cb != NULL)
    p->poll_cb(p, status, events);
}

/* ---- writes made in C ------------------------------------------------
 * A write is the commonest stream call, and a crossing into Go costs about
 * what the send(2) does. So while a stream's write path is idle in Go (no
 * connect in progress, nothing queued or waiting for its report: Go keeps
 * GOUV__STREAM_WRITE_BUSY set otherwise), uv_write and uv_try_write make
 * the system call here. A uv_write that goes out whole, or fails, is
 * staged on the loop's list of finished writes; the loop runs their
 * callbacks at its next pending round, before its own, and before any
 * handle's close callback (capi/loop.go). A write the socket takes only
 * part of goes to Go with the count written, to wait for writability. All
 * of this runs on the loop thread, as every stream call must. */

#define STAGED_NEXT(req) ((req)->gouv_write_a[0])
#define STAGED_STATUS(req) ((req)->gouv_write_a[1])

/* Whether the stream's write may be made here. */
static int write_direct(const uv_stream_t* s, const uv_buf_t* bufs,
                        unsigned int nbufs) {
  return s != NULL && s->gouv_gen == GOUV_HANDLE_TAG &&
         (s->type == UV_TCP || s->type == UV_NAMED_PIPE || s->type == UV_TTY) &&
         (s->flags & (GOUV__STREAM_WRITABLE | GOUV__STREAM_CLOSING_BITS |
                      GOUV__STREAM_WRITE_BUSY | GOUV__STREAM_BLOCKING_WRITES)) ==
             GOUV__STREAM_WRITABLE &&
         s->io_watcher.fd >= 0 && bufs != NULL && nbufs > 0 && nbufs <= 1024; /* IOV_MAX */
}

/* One system call: the bytes written or a negative errno. Sockets use
 * MSG_NOSIGNAL, so a vanished peer is EPIPE, never SIGPIPE. */
static ssize_t write_now(const uv_stream_t* s, const uv_buf_t* bufs,
                         unsigned int nbufs) {
  int fd = s->io_watcher.fd;
  ssize_t n;
  /* uv_buf_t has iovec's layout on Unix. */
  struct iovec* iov = (struct iovec*)(uintptr_t)bufs;
  struct msghdr msg;
  do {
    if (s->flags & GOUV__STREAM_NOT_SOCKET) {
      n = writev(fd, iov, (int)nbufs);
    } else if (nbufs == 1) {
      n = send(fd, bufs[0].base, bufs[0].len, MSG_NOSIGNAL);
    } else {
      memset(&msg, 0, sizeof(msg));
      msg.msg_iov = iov;
      msg.msg_iovlen = nbufs;
      n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    }
  } while (n == -1 && errno == EINTR);
  if (n == -1)
    return errno == ENOBUFS ? UV_EAGAIN : -errno;
  return n;
}

static size_t bufs_len(const uv_buf_t* bufs, unsigned int nbufs) {
  size_t total = 0;
  unsigned int i;
  for (i = 0; i < nbufs; i++)
    total += bufs[i].len;
  return total;
}

/* Puts a finished write on its loop's list, in order. */
static int stage_write(uv_write_t* req, uv_stream_t* s, uv_write_cb cb,
                       int status) {
  uv_loop_t* loop = s->loop;
  req->type = UV_WRITE;
  req->cb = cb;
  req->handle = s;
  req->send_handle = NULL;
  STAGED_NEXT(req) = NULL;
  STAGED_STATUS(req) = (void*)(intptr_t)status;
  if (loop->gouv_writes_last != NULL)
    STAGED_NEXT((uv_write_t*)loop->gouv_writes_last) = req;
  else
    loop->gouv_writes_done = req;
  loop->gouv_writes_last = req;
  loop->active_reqs.count++;
  return 0;
}

/* Runs the callbacks of the writes staged so far; writes those callbacks
 * make wait for the next round, as libuv's do. A callback may free its
 * request, so each is read before its callback and never after. */
void gouv_run_staged_writes(uv_loop_t* loop) {
  uv_write_t* req = loop->gouv_writes_done;
  loop->gouv_writes_done = NULL;
  loop->gouv_writes_last = NULL;
  while (req != NULL) {
    uv_write_t* next = STAGED_NEXT(req);
    int status = (int)(intptr_t)STAGED_STATUS(req);
    STAGED_NEXT(req) = NULL;
    loop->active_reqs.count--;
    if (req->cb != NULL)
      req->cb(req, status);
    req = next;
  }
}

int uv_write(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[],
             unsigned int nbufs, uv_write_cb cb) {
  ssize_t n;
  if (gouv_check_bufs(bufs, nbufs) != 0) return UV_EINVAL;
  if (req != NULL && write_direct(handle, bufs, nbufs)) {
    n = write_now(handle, bufs, nbufs);
    if (n >= 0 && (size_t)n == bufs_len(bufs, nbufs))
      return stage_write(req, handle, cb, 0);
    if (n == UV_EAGAIN)
      n = 0;
    if (n >= 0)
      return gouv_write(req, handle, (uv_buf_t*)bufs, nbufs, NULL, cb, n);
    if (n != UV_ENOTSOCK) /* Go learns of ENOTSOCK itself */
      return stage_write(req, handle, cb, (int)n);
  }
  return gouv_write(req, handle, (uv_buf_t*)bufs, nbufs, NULL, cb, -1);
}

int uv_write2(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[],
              unsigned int nbufs, uv_stream_t* send_handle, uv_write_cb cb) {
  if (send_handle == NULL)
    return uv_write(req, handle, bufs, nbufs, cb);
  return gouv_write(req, handle, (uv_buf_t*)bufs, nbufs, send_handle, cb, -1);
}

int uv_try_write(uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs) {
  ssize_t n;
  if (gouv_check_bufs(bufs, nbufs) != 0) return UV_EINVAL;
  if (write_direct(handle, bufs, nbufs)) {
    n = write_now(handle, bufs, nbufs);
    if (n == 0 && bufs_len(bufs, nbufs) > 0)
      return UV_EAGAIN;
    if (n != UV_ENOTSOCK)
      return n > INT_MAX ? INT_MAX : (int)n;
  }
  return gouv_try_write(handle, (uv_buf_t*)bufs, nbufs, NULL);
}

int uv_try_write2(uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs,
                  uv_stream_t* send_handle) {
  if (send_handle == NULL)
    return uv_try_write(handle, bufs, nbufs);
  return gouv_try_write(handle, (uv_buf_t*)bufs, nbufs, send_handle);
}

int uv_tcp_bind(uv_tcp_t* handle, const struct sockaddr* addr, unsigned int flags) {
  return gouv_tcp_bind(handle, (struct sockaddr*)addr, flags);
}

int uv_tcp_connect(uv_connect_t* req, uv_tcp_t* handle, const struct sockaddr* addr,
                   uv_connect_cb cb) {
  return gouv_tcp_connect(req, handle, (struct sockaddr*)addr, cb);
}

int uv_tcp_getsockname(const uv_tcp_t* handle, struct sockaddr* name, int* namelen) {
  return gouv_tcp_name((uv_tcp_t*)handle, 0, name, namelen);
}

int uv_tcp_getpeername(const uv_tcp_t* handle, struct sockaddr* name, int* namelen) {
  return gouv_tcp_name((uv_tcp_t*)handle, 1, name, namelen);
}

int uv_pipe_bind(uv_pipe_t* handle, const char* name) {
  return gouv_pipe_bind(handle, (char*)name);
}

void uv_pipe_connect(uv_connect_t* req, uv_pipe_t* handle, const char* name,
                     uv_connect_cb cb) {
  gouv_pipe_connect(req, handle, (char*)name, cb);
}

int uv_pipe_getsockname(const uv_pipe_t* handle, char* buffer, size_t* size) {
  return gouv_pipe_name((uv_pipe_t*)handle, 0, buffer, size);
}

int uv_pipe_getpeername(const uv_pipe_t* handle, char* buffer, size_t* size) {
  return gouv_pipe_name((uv_pipe_t*)handle, 1, buffer, size);
}

/* ---- read-only helpers ---------------------------------------------- */

int uv_is_readable(const uv_stream_t* handle) {
  return (handle->flags & GOUV__STREAM_READABLE) != 0;
}

int uv_is_writable(const uv_stream_t* handle) {
  return (handle->flags & GOUV__STREAM_WRITABLE) != 0;
}

void uv_pipe_pending_instances(uv_pipe_t* handle, int count) {
  /* Meaningful on Windows only. */
  (void)handle;
  (void)count;
}

int uv_fileno(const uv_handle_t* handle, uv_os_fd_t* fd) {
  int fd_out;
  if (handle == NULL || fd == NULL)
    return UV_EINVAL;
  switch (handle->type) {
    case UV_TCP:
    case UV_NAMED_PIPE:
    case UV_TTY:
      fd_out = ((const uv_stream_t*)handle)->io_watcher.fd;
      break;
    case UV_UDP:
      fd_out = ((const uv_udp_t*)handle)->io_watcher.fd;
      break;
    case UV_POLL:
      fd_out = ((const uv_poll_t*)handle)->io_watcher.fd;
      break;
    default:
      return UV_EINVAL;
  }
  if ((handle->flags & GOUV__STREAM_CLOSING_BITS) != 0 || fd_out == -1)
    return UV_EBADF;
  *fd = fd_out;
  return 0;
}

/* A zero *value reads the option, anything else sets it. */
static int gouv__sockopt(uv_handle_t* handle, int optname, int* value) {
  int fd;
  socklen_t len = sizeof(*value);
  if (handle == NULL || value == NULL)
    return UV_EINVAL;
  if (handle->type == UV_TCP || handle->type == UV_NAMED_PIPE)
    fd = ((uv_stream_t*)handle)->io_watcher.fd;
  else if (handle->type == UV_UDP)
    fd = ((uv_udp_t*)handle)->io_watcher.fd;
  else
    return UV_ENOTSUP;
  if (*value == 0) {
    if (getsockopt(fd, SOL_SOCKET, optname, value, &len))
      return -errno;
  } else {
    if (setsockopt(fd, SOL_SOCKET, optname, value, len))
      return -errno;
  }
  return 0;
}

int uv_send_buffer_size(uv_handle_t* handle, int* value) {
  return gouv__sockopt(handle, SO_SNDBUF, value);
}

int uv_recv_buffer_size(uv_handle_t* handle, int* value) {
  return gouv__sockopt(handle, SO_RCVBUF, value);
}

uv_os_fd_t uv_get_osfhandle(int fd) {
  return fd;
}

int uv_open_osfhandle(uv_os_fd_t os_fd) {
  return os_fd;
}

/* Array parameters, which a Go export cannot declare. */
int uv_pipe(uv_file fds[2], int read_flags, int write_flags) {
  return gouv_pipe(fds, read_flags, write_flags);
}

int uv_socketpair(int type, int protocol, uv_os_sock_t socket_vector[2], int flags0,
                  int flags1) {
  return gouv_socketpair(type, protocol, socket_vector, flags0, flags1);
}
