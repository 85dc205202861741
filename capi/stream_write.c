/* The write engine of C hosts' streams (docs/design.md, "Who owns each state
 * machine"): the queue, the writes made on call and on writability,
 * write_queue_size, passing descriptors over IPC pipes, shutdown once the
 * queue drains, and cancellation at close. libuv's contract makes uv_write
 * write before it returns when nothing is queued, so the engine lives where
 * uv_write runs, and a write costs no crossing into Go.
 *
 * The Go loop owns the rest of the stream (its descriptor in epoll, connect,
 * reads, closing) and serves the engine through io.WriteEngine: it calls
 * gouv_stream_write_io when the descriptor is writable, gouv_stream_run_writes
 * in the pending phase, gouv_stream_connect_done after a connect, and
 * gouv_stream_cancel_writes when the stream closes. When a call made here
 * leaves work for the loop (writes waiting for writability, callbacks to
 * run, a shutdown to make), the stream is submitted (GOUV_SUB_OWNER) and the
 * loop reads what it needs from the fields below. Everything here runs on
 * the loop thread, as every stream call must.
 *
 * A stream's private words: gouv_stream_b[2..3] the finished writes whose
 * callbacks have not run, [4..5] the queue of writes not finished, [6] the
 * shutdown request. A request's: gouv_write_a[0] the next request,
 * [1] its status once finished, [2] its buffers (gouv_write_b, or memory
 * from the allocator for more than four), [3] how many (low 32 bits) and
 * the first one not fully written (high 32 bits; gouv_check_bufs allows
 * fewer than 2^20 buffers), [4] the bytes written so far, which
 * uv_write_nwritten answers in the callback. */
#include "stream.h"
#include "internal.h"
#include "_cgo_export.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define REQ_NEXT(r) ((r)->gouv_write_a[0])
#define REQ_STATUS(r) ((r)->gouv_write_a[1])
#define REQ_BUFS(r) ((r)->gouv_write_a[2])
#define REQ_COUNTS(r) ((uintptr_t)(r)->gouv_write_a[3])
#define REQ_NBUFS(r) ((size_t)(REQ_COUNTS(r) & 0xffffffffu))
#define REQ_INDEX(r) ((size_t)(REQ_COUNTS(r) >> 32))
#define SET_REQ_COUNTS(r, n, i) \
  ((r)->gouv_write_a[3] = (void*)((uintptr_t)(n) | ((uintptr_t)(i) << 32)))
#define SET_REQ_INDEX(r, i) SET_REQ_COUNTS(r, REQ_NBUFS(r), i)
#define REQ_WRITTEN(r) ((r)->gouv_write_a[4])

/* The most buffers one writev takes on Linux (UIO_MAXIOV). */
#define MAX_IOV 1024

#define DONE_HEAD(s) GOUV__STREAM_STAGED_HEAD(s)
#define DONE_TAIL(s) GOUV__STREAM_STAGED_TAIL(s)
#define QUEUE_HEAD(s) ((s)->gouv_stream_b[4])
#define QUEUE_TAIL(s) ((s)->gouv_stream_b[5])
#define SHUTDOWN_REQ(s) ((s)->gouv_stream_b[6])

/* How many requests one writability event writes, as libuv bounds it, so
 * that one stream cannot starve the others. */
#define WRITES_PER_EVENT 32

static size_t bufs_len(const uv_buf_t* bufs, size_t nbufs) {
  size_t total = 0;
  size_t i;
  for (i = 0; i < nbufs; i++) total += bufs[i].len;
  return total;
}

/* The descriptor of a handle passed over an IPC pipe, or -1. */
static int send_fd(uv_stream_t* h) {
  if (h == NULL) return -1;
  if (h->type == UV_UDP) return ((uv_udp_t*)h)->io_watcher.fd;
  return h->io_watcher.fd;
}

/* One system call: the bytes written or a negative errno. Sockets use
 * MSG_NOSIGNAL, so a vanished peer is EPIPE, never SIGPIPE; a descriptor
 * that is not a socket (a pipe, a terminal) gets writev from then on. */
static ssize_t write_once(uv_stream_t* s, const uv_buf_t* bufs, size_t nbufs,
                          uv_stream_t* send_handle) {
  int fd = s->io_watcher.fd;
  /* uv_buf_t has iovec's layout on Unix. */
  struct iovec* iov = (struct iovec*)(uintptr_t)bufs;
  struct msghdr msg;
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctrl;
  struct cmsghdr* cmsg;
  ssize_t n;

  if (nbufs > MAX_IOV) nbufs = MAX_IOV; /* the rest goes in the next call */
  for (;;) {
    if (send_handle == NULL && (s->flags & GOUV__STREAM_NOT_SOCKET)) {
      n = writev(fd, iov, (int)nbufs);
    } else if (send_handle == NULL && nbufs == 1) {
      n = send(fd, bufs[0].base, bufs[0].len, MSG_NOSIGNAL);
    } else {
      memset(&msg, 0, sizeof(msg));
      msg.msg_iov = iov;
      msg.msg_iovlen = nbufs;
      if (send_handle != NULL) {
        int passed = send_fd(send_handle);
        memset(&ctrl, 0, sizeof(ctrl));
        msg.msg_control = ctrl.buf;
        msg.msg_controllen = sizeof(ctrl.buf);
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &passed, sizeof(int));
      }
      n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    }
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno == ENOTSOCK && send_handle == NULL &&
        !(s->flags & GOUV__STREAM_NOT_SOCKET)) {
      s->flags |= GOUV__STREAM_NOT_SOCKET;
      continue;
    }
    return errno == ENOBUFS ? UV_EAGAIN : (errno == EWOULDBLOCK ? UV_EAGAIN : -errno);
  }
}

/* Moves a request to the stream's finished list with its status; the
 * bytes it did not write leave the queue's size. */
static void finish(uv_stream_t* s, uv_write_t* req, int status) {
  uv_buf_t* bufs = REQ_BUFS(req);
  size_t i = REQ_INDEX(req);
  size_t left = bufs_len(bufs + i, REQ_NBUFS(req) - i);
  s->write_queue_size -= left;
  if (bufs != req->gouv_write_b) gouv__free(bufs);
  REQ_BUFS(req) = NULL;
  REQ_STATUS(req) = (void*)(intptr_t)status;
  REQ_NEXT(req) = NULL;
  if (DONE_TAIL(s) != NULL)
    REQ_NEXT((uv_write_t*)DONE_TAIL(s)) = req;
  else
    DONE_HEAD(s) = req;
  DONE_TAIL(s) = req;
}

/* Skips n written bytes of the request; reports whether it is done. */
static int advance(uv_stream_t* s, uv_write_t* req, size_t n) {
  uv_buf_t* bufs = REQ_BUFS(req);
  size_t i = REQ_INDEX(req);
  size_t nbufs = REQ_NBUFS(req);
  s->write_queue_size -= n;
  REQ_WRITTEN(req) = (void*)((uintptr_t)REQ_WRITTEN(req) + n);
  while (i < nbufs && n >= bufs[i].len) {
    n -= bufs[i].len;
    i++;
  }
  if (i < nbufs && n > 0) {
    bufs[i].base += n;
    bufs[i].len -= n;
  }
  while (i < nbufs && bufs[i].len == 0) i++;
  SET_REQ_INDEX(req, i);
  return i == nbufs;
}

/* Writes queued requests in order until the descriptor takes no more. */
static void write_queue(uv_stream_t* s) {
  int count = WRITES_PER_EVENT;
  uv_write_t* req;
  ssize_t n;

  while ((req = QUEUE_HEAD(s)) != NULL && s->io_watcher.fd >= 0) {
    n = write_once(s, (uv_buf_t*)REQ_BUFS(req) + REQ_INDEX(req),
                   REQ_NBUFS(req) - REQ_INDEX(req), req->send_handle);
    if (n >= 0) {
      req->send_handle = NULL; /* passed with the first bytes, as libuv */
      if (advance(s, req, (size_t)n)) {
        QUEUE_HEAD(s) = REQ_NEXT(req);
        if (QUEUE_HEAD(s) == NULL) QUEUE_TAIL(s) = NULL;
        finish(s, req, 0);
        if (--count > 0) continue;
        return;
      }
    } else if (n != UV_EAGAIN) {
      /* The request fails; the rest stay queued, as in libuv. */
      QUEUE_HEAD(s) = REQ_NEXT(req);
      if (QUEUE_HEAD(s) == NULL) QUEUE_TAIL(s) = NULL;
      finish(s, req, (int)n);
      return;
    }
    if (s->flags & GOUV__STREAM_BLOCKING_WRITES) continue;
    return;
  }
}

/* Whether the loop has something to do for the stream: watch for
 * writability, or run callbacks or a shutdown in its pending phase. */
static void submit_if_needed(uv_stream_t* s) {
  if (QUEUE_HEAD(s) != NULL || DONE_HEAD(s) != NULL || SHUTDOWN_REQ(s) != NULL)
    gouv_submit(s->loop, GOUV_REC(s), GOUV_SUB_OWNER);
}

int uv_write2(uv_write_t* req, uv_stream_t* s, const uv_buf_t bufs[],
              unsigned int nbufs, uv_stream_t* send_handle, uv_write_cb cb) {
  uv_buf_t* copy;
  int empty;

  if (gouv_check_bufs(bufs, nbufs) != 0 || req == NULL) return UV_EINVAL;
  if (!gouv_is_stream(s)) return gouv_stream_closed(s) ? UV_EBADF : UV_EINVAL;
  if (s->io_watcher.fd < 0) return UV_EBADF;
  if (!(s->flags & GOUV__STREAM_WRITABLE)) return UV_EPIPE;
  if (send_handle != NULL) {
    if (s->type != UV_NAMED_PIPE || !((uv_pipe_t*)s)->ipc) return UV_EINVAL;
    if (send_handle->type != UV_TCP && send_handle->type != UV_NAMED_PIPE &&
        send_handle->type != UV_UDP)
      return UV_EINVAL;
    if (send_fd(send_handle) < 0) return UV_EBADF;
  }
  if (nbufs <= sizeof(req->gouv_write_b) / sizeof(req->gouv_write_b[0])) {
    copy = req->gouv_write_b;
  } else {
    copy = gouv__malloc(nbufs * sizeof(*copy));
    if (copy == NULL) return UV_ENOMEM;
  }
  memcpy(copy, bufs, nbufs * sizeof(*copy));
  req->type = UV_WRITE;
  req->cb = cb;
  req->handle = s;
  req->send_handle = send_handle;
  REQ_BUFS(req) = copy;
  SET_REQ_COUNTS(req, nbufs, 0);
  REQ_WRITTEN(req) = NULL;
  REQ_NEXT(req) = NULL;
  s->loop->active_reqs.count++;
  empty = s->write_queue_size == 0;
  s->write_queue_size += bufs_len(copy, nbufs);
  if (QUEUE_TAIL(s) != NULL)
    REQ_NEXT((uv_write_t*)QUEUE_TAIL(s)) = req;
  else
    QUEUE_HEAD(s) = req;
  QUEUE_TAIL(s) = req;
  /* While connecting, the loop writes once the connection is made. */
  if (empty && !(s->flags & GOUV__STREAM_CONNECTING)) write_queue(s);
  submit_if_needed(s);
  return 0;
}

/* libuv 1.53: the bytes the request wrote; meaningful in its callback
 * (after UV_ECANCELED, what the socket took before the close). */
size_t uv_write_nwritten(const uv_write_t* req) {
  if (req == NULL) return 0;
  return (size_t)(uintptr_t)REQ_WRITTEN(req);
}

int uv_write(uv_write_t* req, uv_stream_t* s, const uv_buf_t bufs[],
             unsigned int nbufs, uv_write_cb cb) {
  return uv_write2(req, s, bufs, nbufs, NULL, cb);
}

int uv_try_write2(uv_stream_t* s, const uv_buf_t bufs[], unsigned int nbufs,
                  uv_stream_t* send_handle) {
  ssize_t n;

  if (gouv_check_bufs(bufs, nbufs) != 0) return UV_EINVAL;
  if (!gouv_is_stream(s)) return gouv_stream_closed(s) ? UV_EBADF : UV_EINVAL;
  /* Connecting, or writes queued ahead. */
  if ((s->flags & GOUV__STREAM_CONNECTING) || s->write_queue_size != 0 ||
      QUEUE_HEAD(s) != NULL)
    return UV_EAGAIN;
  if (s->io_watcher.fd < 0) return UV_EBADF;
  if (!(s->flags & GOUV__STREAM_WRITABLE)) return UV_EPIPE;
  if (send_handle != NULL) {
    if (s->type != UV_NAMED_PIPE || !((uv_pipe_t*)s)->ipc) return UV_EINVAL;
    if (send_fd(send_handle) < 0) return UV_EBADF;
  }
  n = write_once(s, bufs, nbufs, send_handle);
  if (n == 0 && bufs_len(bufs, nbufs) > 0) return UV_EAGAIN;
  if (n < 0) return (int)n;
  return n > INT_MAX ? INT_MAX : (int)n;
}

int uv_try_write(uv_stream_t* s, const uv_buf_t bufs[], unsigned int nbufs) {
  return uv_try_write2(s, bufs, nbufs, NULL);
}

int uv_shutdown(uv_shutdown_t* req, uv_stream_t* s, uv_shutdown_cb cb) {
  if (req == NULL) return UV_EINVAL;
  if (!gouv_is_stream(s)) return gouv_stream_closed(s) ? UV_ENOTCONN : UV_EINVAL;
  if (!(s->flags & GOUV__STREAM_WRITABLE) ||
      (s->flags & (GOUV__STREAM_SHUT | GOUV__STREAM_SHUTTING)) ||
      (s->flags & GOUV__STREAM_CLOSING_BITS) || s->io_watcher.fd < 0)
    return UV_ENOTCONN;
  req->type = UV_SHUTDOWN;
  req->handle = s;
  req->cb = cb;
  s->loop->active_reqs.count++;
  SHUTDOWN_REQ(s) = req;
  s->flags |= GOUV__STREAM_SHUTTING;
  s->flags &= ~GOUV__STREAM_WRITABLE;
  submit_if_needed(s);
  return 0;
}

/* The descriptor is writable (the loop calls this). */
void gouv_stream_write_io(uintptr_t s) { write_queue((uv_stream_t*)s); }

/* Shuts the write side down once nothing is queued; the loop calls this
 * from the pending phase, after the finished writes' callbacks. */
static void maybe_shutdown(uv_stream_t* s) {
  uv_shutdown_t* req = SHUTDOWN_REQ(s);
  int err = 0;

  if (req == NULL || QUEUE_HEAD(s) != NULL || (s->flags & GOUV__STREAM_CONNECTING) ||
      (s->flags & GOUV__STREAM_CLOSING_BITS))
    return;
  SHUTDOWN_REQ(s) = NULL;
  s->flags &= ~GOUV__STREAM_SHUTTING;
  if (shutdown(s->io_watcher.fd, SHUT_WR) != 0) err = -errno;
  s->flags |= GOUV__STREAM_SHUT;
  s->loop->active_reqs.count--;
  if (req->cb != NULL) req->cb(req, err);
}

/* Runs the callbacks of the writes finished so far; writes those callbacks
 * make wait for the next round, as libuv's do. A callback may free its
 * request, or close the stream, so each request is read before its
 * callback and never after. Then a shutdown waiting for the queue. */
void gouv_run_staged_writes(uv_stream_t* s) {
  uv_write_t* req = DONE_HEAD(s);
  uv_loop_t* loop = s->loop;
  DONE_HEAD(s) = NULL;
  DONE_TAIL(s) = NULL;
  while (req != NULL) {
    uv_write_t* next = REQ_NEXT(req);
    int status = (int)(intptr_t)REQ_STATUS(req);
    REQ_NEXT(req) = NULL;
    loop->active_reqs.count--;
    if (req->cb != NULL) req->cb(req, status);
    req = next;
  }
  maybe_shutdown(s);
}

void gouv_stream_run_writes(uintptr_t s) { gouv_run_staged_writes((uv_stream_t*)s); }

/* After a connect's callback: on success the queue is written (the loop
 * keeps watching for writability while it is not empty); on failure the
 * queued writes fail with UV_ECANCELED, as in libuv. */
void gouv_stream_connect_done(uv_stream_t* s, int status) {
  uv_write_t* req;
  if (status == 0) {
    if (QUEUE_HEAD(s) != NULL) write_queue(s);
    return;
  }
  while ((req = QUEUE_HEAD(s)) != NULL) {
    QUEUE_HEAD(s) = REQ_NEXT(req);
    finish(s, req, UV_ECANCELED);
  }
  QUEUE_TAIL(s) = NULL;
  gouv_run_staged_writes(s);
}

/* The stream is closing: queued writes fail with UV_ECANCELED after the
 * finished ones report, then a shutdown not made yet, in libuv's order. */
void gouv_stream_cancel_writes(uv_stream_t* s) {
  uv_write_t* req;
  uv_shutdown_t* sreq;

  while ((req = QUEUE_HEAD(s)) != NULL) {
    QUEUE_HEAD(s) = REQ_NEXT(req);
    finish(s, req, UV_ECANCELED);
  }
  QUEUE_TAIL(s) = NULL;
  sreq = SHUTDOWN_REQ(s);
  SHUTDOWN_REQ(s) = NULL;
  gouv_run_staged_writes(s);
  if (sreq != NULL) {
    s->flags &= ~GOUV__STREAM_SHUTTING;
    s->loop->active_reqs.count--;
    if (sreq->cb != NULL) sreq->cb(sreq, UV_ECANCELED);
  }
}
