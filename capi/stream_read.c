/* The read engine of C hosts' streams (docs/design.md, "Stream reads"):
 * uv_read_start and uv_read_stop, and the reads of one readiness event,
 * buffer from alloc_cb, read(2), read_cb, in one crossing, with the end of
 * file and read errors handled here: the stream's state bits, its count
 * among the loop's active handles and the callback change together, as
 * libuv changes them. The Go loop owns the descriptor's place in epoll:
 * a call that starts or stops reading submits the stream (GOUV_SUB_OWNER)
 * and the loop catches up from the READING bit when it drains.
 *
 * IPC pipes read the same way with recvmsg(2); the descriptors that come
 * with the data join the stream's queue for uv_accept, which is the Go
 * loop's (gouv_stream_take_fds), before read_cb hears of the data. */
#include "stream.h"
#include "_cgo_export.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How many descriptors one message may carry, as libuv takes them. */
#define IPC_MAX_FDS 64

/* One read from an IPC pipe: the data into buf, the descriptors that came
 * with it to the stream's queue. The bytes read or -1 with errno set. */
static ssize_t read_ipc(uv_stream_t* s, char* base, size_t len) {
  struct msghdr msg;
  struct iovec iov;
  struct cmsghdr* cmsg;
  union {
    char buf[CMSG_SPACE(IPC_MAX_FDS * sizeof(int))];
    struct cmsghdr align;
  } ctrl;
  ssize_t n;

  memset(&msg, 0, sizeof(msg));
  iov.iov_base = base;
  iov.iov_len = len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctrl.buf;
  msg.msg_controllen = sizeof(ctrl.buf);
  do
    n = recvmsg(s->io_watcher.fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return n;
  for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
      int count = (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      int fds[IPC_MAX_FDS];
      if (count > IPC_MAX_FDS) count = IPC_MAX_FDS;
      memcpy(fds, CMSG_DATA(cmsg), (size_t)count * sizeof(int));
      /* Crossing: only when descriptors arrive. */
      gouv_stream_take_fds(s, fds, count);
    }
  }
  return n;
}

int uv_read_start(uv_stream_t* s, uv_alloc_cb alloc_cb, uv_read_cb read_cb) {
  if (!gouv_is_stream(s) || alloc_cb == NULL || read_cb == NULL) return UV_EINVAL;
  if (s->flags & GOUV__STREAM_CLOSING_BITS) return UV_EINVAL;
  if (s->flags & GOUV__STREAM_READING) return UV_EALREADY;
  if (!(s->flags & GOUV__STREAM_READABLE)) return UV_ENOTCONN;
  s->alloc_cb = alloc_cb;
  s->read_cb = read_cb;
  s->flags |= GOUV__STREAM_READING;
  gouv_light_activate((uv_handle_t*)s);
  gouv_submit(s->loop, GOUV_REC(s), GOUV_SUB_OWNER);
  return 0;
}

/* Stops reading; the loop stops watching for readability when it drains.
 * A stream whose close has finished is not reading: 0, as libuv. */
int uv_read_stop(uv_stream_t* s) {
  if (!gouv_is_stream(s))
    return gouv_stream_closed(s) ? 0 : UV_EINVAL;
  if (!(s->flags & GOUV__STREAM_READING)) return 0;
  s->flags &= ~GOUV__STREAM_READING;
  gouv_light_deactivate((uv_handle_t*)s);
  gouv_submit(s->loop, GOUV_REC(s), GOUV_SUB_OWNER);
  return 0;
}

void gouv_stream_alloc(uv_stream_t* s) {
  uv_buf_t* buf = GOUV__STREAM_READ_BUF(s);
  buf->base = NULL;
  buf->len = 0;
  s->alloc_cb((uv_handle_t*)s, 65536, buf);
}

/* Reading ends with the end of file or an error: the stream stops
 * reading and leaves the loop's active count before the callback hears of
 * it. An error also makes it neither readable nor writable; the end of file
 * leaves both, as in libuv 1.44 (the host may still write, and a new read
 * start finds the end of file again). */
static void read_end(uv_stream_t* s, ssize_t err, uv_buf_t* buf) {
  if (err == UV_EOF)
    s->flags |= GOUV__STREAM_READ_EOF;
  else
    s->flags &= ~(GOUV__STREAM_READABLE | GOUV__STREAM_WRITABLE);
  if (s->flags & GOUV__STREAM_READING) {
    s->flags &= ~GOUV__STREAM_READING;
    gouv_light_deactivate((uv_handle_t*)s);
  }
  gouv_submit(s->loop, GOUV_REC(s), GOUV_SUB_OWNER);
  s->read_cb(s, err, buf);
}

/* The reads of one readiness event (io.DirectReader): a buffer from
 * alloc_cb, read(2), read_cb, again while reads fill their buffer, at most
 * max times, and never once the host stops reading or closes the
 * stream. */
void gouv_stream_read_direct(uintptr_t h, int max) {
  uv_stream_t* s = (uv_stream_t*)h;
  uv_buf_t* buf = GOUV__STREAM_READ_BUF(s);
  ssize_t n;
  size_t len;
  for (; max > 0; max--) {
    if ((s->flags & GOUV__STREAM_READING) == 0 ||
        (s->flags & GOUV__STREAM_CLOSING_BITS) != 0 || s->io_watcher.fd < 0)
      return;
    gouv_stream_alloc(s);
    if (buf->base == NULL || buf->len == 0) {
      s->read_cb(s, UV_ENOBUFS, buf);
      return;
    }
    len = buf->len;
    if (s->type == UV_NAMED_PIPE && ((uv_pipe_t*)s)->ipc) {
      n = read_ipc(s, buf->base, len);
    } else {
      do
        n = read(s->io_watcher.fd, buf->base, len);
      while (n < 0 && errno == EINTR);
    }
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        read_end(s, -errno, buf);
        return;
      }
      s->read_cb(s, 0, buf);
      return;
    }
    if (n == 0) {
      read_end(s, UV_EOF, buf);
      return;
    }
    s->read_cb(s, n, buf);
    if ((size_t)n < len) return; /* drained */
  }
}
