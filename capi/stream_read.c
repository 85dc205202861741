/* The read engine of C hosts' streams (docs/design.md, "Stream reads"):
 * uv_read_start and uv_read_stop, and the reads of one readiness event,
 * buffer from alloc_cb, read(2), read_cb, in one crossing, with the end of
 * file and read errors handled here: the stream's state bits, its count
 * among the loop's active handles and the callback change together, as
 * libuv changes them. The Go loop owns the descriptor's place in epoll:
 * a call that starts or stops reading submits the stream (GOUV_SUB_OWNER)
 * and the loop catches up from the READING bit when it drains.
 *
 * IPC pipes, whose reads carry descriptors, are read by io/stream.go's
 * loop through gouv_stream_alloc and gouv_stream_read. */
#include "stream.h"
#include "_cgo_export.h"

#include <errno.h>
#include <unistd.h>

static int is_stream(const uv_stream_t* s) {
  return s != NULL && s->gouv_gen == GOUV_HANDLE_TAG && s->gouv_slot != 0 &&
         (s->type == UV_TCP || s->type == UV_NAMED_PIPE || s->type == UV_TTY);
}

int uv_read_start(uv_stream_t* s, uv_alloc_cb alloc_cb, uv_read_cb read_cb) {
  if (!is_stream(s) || alloc_cb == NULL || read_cb == NULL) return UV_EINVAL;
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
  if (!is_stream(s))
    return s != NULL && (s->flags & GOUV_FLAG_CLOSED) ? 0 : UV_EINVAL;
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

/* Delivers one read and, when Go asks for it and the host still reads,
 * allocates the next buffer: one crossing per read instead of two (IPC
 * pipes). */
int gouv_stream_read(uv_stream_t* s, ssize_t nread, int next) {
  s->read_cb(s, nread, GOUV__STREAM_READ_BUF(s));
  if (!next || (s->flags & GOUV__STREAM_READING) == 0 ||
      (s->flags & GOUV__STREAM_CLOSING_BITS) != 0)
    return 0;
  gouv_stream_alloc(s);
  return 1;
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
void gouv_stream_read_direct(uv_stream_t* s, int max) {
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
    do
      n = read(s->io_watcher.fd, buf->base, len);
    while (n < 0 && errno == EINTR);
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
