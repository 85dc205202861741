/* The C half of UDP: wrappers for the functions whose signatures Go cannot
 * export (const parameters), string parsing of multicast addresses, and the
 * two engines of a C host's handle: the receives of a readiness event
 * (alloc_cb, recvmsg or recvmmsg, recv_cb, without a crossing per datagram)
 * and the sends (uv_udp_send, uv_udp_try_send and their callbacks). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* recvmmsg */
#endif
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/errqueue.h>
#include <netinet/in.h>

#include "capi.h"
#include "internal.h"
#include "udp.h"
#include "_cgo_export.h"

/* The receives of one readiness event (uvio.UDPReader): up to budget
 * datagrams, each into a buffer from alloc_cb and handed to recv_cb with the
 * sender's address, as libuv reads them; "nothing now" is a recv_cb with
 * nread 0 and no address, an empty buffer is UV_ENOBUFS. It stops as soon as
 * a callback stops receiving (recv_cb cleared) or closes the handle (its
 * descriptor gone); as in libuv, the chunks of a recvmmsg batch read
 * before a close still reach recv_cb, and so does the buffer's release. */
static int udp_receiving(const uv_udp_t* h) {
  return GOUV_UDP_RECV_CB(h) != NULL && h->io_watcher.fd >= 0;
}

static void udp_recv(uv_udp_t* h, ssize_t n, const uv_buf_t* buf,
                     const struct sockaddr* addr, unsigned flags) {
  ((uv_udp_recv_cb)GOUV_UDP_RECV_CB(h))(h, n, buf, addr, flags);
}

#define UDP_DGRAM_MAX (64 * 1024)
#define UDP_MMSG_WIDTH 20

/* recvmmsg into 64 KiB chunks of buf: each datagram is its own callback
 * with UV_UDP_MMSG_CHUNK, then one with UV_UDP_MMSG_FREE hands the buffer
 * back. Returns the datagrams read; 0 ends the event. */
static int udp_recv_batch(uv_udp_t* h, uv_buf_t* buf) {
  struct sockaddr_storage peers[UDP_MMSG_WIDTH];
  struct iovec iov[UDP_MMSG_WIDTH];
  struct mmsghdr msgs[UDP_MMSG_WIDTH];
  size_t chunks = buf->len / UDP_DGRAM_MAX;
  int n, k;

  if (chunks > UDP_MMSG_WIDTH) chunks = UDP_MMSG_WIDTH;
  memset(msgs, 0, chunks * sizeof msgs[0]);
  for (k = 0; k < (int)chunks; k++) {
    iov[k].iov_base = buf->base + (size_t)k * UDP_DGRAM_MAX;
    iov[k].iov_len = UDP_DGRAM_MAX;
    msgs[k].msg_hdr.msg_name = &peers[k];
    msgs[k].msg_hdr.msg_namelen = sizeof peers[k];
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
  }
  do
    n = recvmmsg(h->io_watcher.fd, msgs, (unsigned)chunks, 0, NULL);
  while (n == -1 && errno == EINTR);
  if (n <= 0) {
    udp_recv(h, n == 0 || errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno,
             buf, NULL, 0);
    return 0;
  }
  for (k = 0; k < n && GOUV_UDP_RECV_CB(h) != NULL; k++) {
    uv_buf_t chunk = uv_buf_init(iov[k].iov_base, UDP_DGRAM_MAX);
    unsigned flags = UV_UDP_MMSG_CHUNK;
    if (msgs[k].msg_hdr.msg_flags & MSG_TRUNC) flags |= UV_UDP_PARTIAL;
    udp_recv(h, (ssize_t)msgs[k].msg_len, &chunk,
             (const struct sockaddr*)&peers[k], flags);
  }
  if (GOUV_UDP_RECV_CB(h) != NULL) udp_recv(h, 0, buf, NULL, UV_UDP_MMSG_FREE);
  return n;
}

/* Asks alloc_cb for a buffer. 0 means the event's reads end: the callback
 * stopped or closed the handle, or gave no memory (UV_ENOBUFS to recv_cb). */
static int udp_alloc(uv_udp_t* h, uv_buf_t* buf) {
  *buf = uv_buf_init(NULL, 0);
  ((uv_alloc_cb)GOUV_UDP_ALLOC_CB(h))((uv_handle_t*)h, UDP_DGRAM_MAX, buf);
  if (!udp_receiving(h)) return 0;
  if (buf->base == NULL || buf->len == 0) {
    udp_recv(h, UV_ENOBUFS, buf, NULL, 0);
    return 0;
  }
  return 1;
}

/* One recvmsg into buf, the sender's address into a zeroed *peer. On a
 * failure recv_cb hears it ("nothing now" is nread 0) and -1 is returned. */
static ssize_t udp_recvmsg(uv_udp_t* h, uv_buf_t* buf, struct sockaddr_storage* peer,
                           struct msghdr* msg, void* control, size_t controllen,
                           int flags) {
  struct iovec iov;
  ssize_t n;
  memset(peer, 0, sizeof *peer);
  memset(msg, 0, sizeof *msg);
  iov.iov_base = buf->base;
  iov.iov_len = buf->len;
  msg->msg_name = peer;
  msg->msg_namelen = sizeof *peer;
  msg->msg_iov = &iov;
  msg->msg_iovlen = 1;
  msg->msg_control = control;
  msg->msg_controllen = controllen;
  do
    n = recvmsg(h->io_watcher.fd, msg, flags);
  while (n == -1 && errno == EINTR);
  msg->msg_iov = NULL; /* iov dies here */
  if (n == -1)
    udp_recv(h, errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno, buf, NULL, 0);
  return n;
}

/* The error queue of a UV_UDP_LINUX_RECVERR socket, read as libuv 1.45+
 * does: each queued ICMP error reaches recv_cb as its errno with
 * UV_UDP_LINUX_RECVERR and the address of the host that reported it (the
 * "offender" after the struct sock_extended_err); the drained queue ends
 * with the usual nread 0 call. */
static void udp_read_errqueue(uv_udp_t* h, int budget) {
  struct sockaddr_storage peer;
  struct msghdr msg;
  struct cmsghdr* cm;
  union {
    char bytes[256];
    struct cmsghdr align;
  } control;
  ssize_t n;

  for (; budget > 0 && udp_receiving(h); budget--) {
    uv_buf_t buf;
    unsigned flags;
    int queued = 0;
    if (!udp_alloc(h, &buf)) return;
    n = udp_recvmsg(h, &buf, &peer, &msg, control.bytes, sizeof control.bytes,
                    MSG_ERRQUEUE);
    if (n == -1) return;
    flags = (msg.msg_flags & MSG_TRUNC) ? UV_UDP_PARTIAL : 0;
    if (msg.msg_flags & MSG_ERRQUEUE) {
      for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
        struct sock_extended_err ee;
        size_t off_len;
        if (!(cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) &&
            !(cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_RECVERR))
          continue;
        if (cm->cmsg_len < CMSG_LEN(sizeof ee)) continue;
        memcpy(&ee, CMSG_DATA(cm), sizeof ee);
        off_len = cm->cmsg_len - CMSG_LEN(sizeof ee);
        if (off_len > sizeof peer) off_len = sizeof peer;
        memset(&peer, 0, sizeof peer);
        memcpy(&peer, CMSG_DATA(cm) + sizeof ee, off_len);
        udp_recv(h, -(ssize_t)ee.ee_errno, &buf, (const struct sockaddr*)&peer,
                 flags | UV_UDP_LINUX_RECVERR);
        queued = 1;
        break;
      }
      if (queued) continue;
    }
    udp_recv(h, n, &buf, (const struct sockaddr*)&peer, flags);
  }
}

void gouv_udp_read_direct(uintptr_t handle, int budget, int errqueue) {
  uv_udp_t* h = (uv_udp_t*)handle;
  struct sockaddr_storage peer;
  struct msghdr msg;
  ssize_t n;

  if (errqueue) {
    udp_read_errqueue(h, budget);
    return;
  }
  while (budget > 0 && udp_receiving(h)) {
    uv_buf_t buf;
    if (!udp_alloc(h, &buf)) return;
    if (h->flags & GOUV_UDP_RECVMMSG) { /* uv_udp_init_ex's mode */
      int got;
      /* A buffer smaller than one chunk holds no datagram: newer libuv
       * reports a bad argument (1.44 spun on empty batches). */
      if (buf.len < UDP_DGRAM_MAX) {
        udp_recv(h, UV_EINVAL, &buf, NULL, 0);
        return;
      }
      got = udp_recv_batch(h, &buf);
      if (got == 0) return;
      budget -= got;
      continue;
    }
    n = udp_recvmsg(h, &buf, &peer, &msg, NULL, 0, 0);
    if (n == -1) return;
    udp_recv(h, n, &buf, (const struct sockaddr*)&peer,
             (msg.msg_flags & MSG_TRUNC) ? UV_UDP_PARTIAL : 0);
    budget--;
  }
}

/* gouv_udp_addrlen is the length of a destination address: its family's
 * size (sockaddr_un for a Unix datagram socket given to uv_udp_open), or
 * just the family field for families UDP does not send to (they are
 * refused). */
unsigned gouv_udp_addrlen(const struct sockaddr* addr) {
  if (addr == NULL)
    return 0;
  if (addr->sa_family == AF_INET)
    return sizeof(struct sockaddr_in);
  if (addr->sa_family == AF_INET6)
    return sizeof(struct sockaddr_in6);
  if (addr->sa_family == AF_UNIX)
    return sizeof(struct sockaddr_un);
  return sizeof(addr->sa_family);
}

/* The send engine of C hosts' UDP handles (uvio.UDPSender): uv_udp_send
 * sends at once when nothing is queued, as libuv does, and otherwise queues;
 * the loop watches for writability while the queue is not empty and calls
 * gouv_udp_send_io then, and in the pending phase while finished sends wait
 * for their callbacks; gouv_udp_cancel_sends fails the queue at close. A
 * call that leaves the loop work submits the handle (GOUV_SUB_OWNER).
 *
 * A handle's words: gouv_udp_b[0..1] the queue, [2..3] the finished sends
 * (udp.go's SendState reads them too); a request's: gouv_send_a[0] the next request, [1] its
 * status, gouv_send_b[0] its buffers (gouv_send_c, or allocator memory for
 * more than four), [1] how many, [2] the address length (0: none), [3] the
 * bytes. */
#define UDP_QUEUE_HEAD(h) ((h)->gouv_udp_b[0])
#define UDP_QUEUE_TAIL(h) ((h)->gouv_udp_b[1])
#define UDP_DONE_HEAD(h) ((h)->gouv_udp_b[2])
#define UDP_DONE_TAIL(h) ((h)->gouv_udp_b[3])
#define SEND_NEXT(r) ((r)->gouv_send_a[0])
#define SEND_STATUS(r) ((r)->gouv_send_a[1])
#define SEND_BUFS(r) ((uv_buf_t*)(r)->gouv_send_b[0])
#define SEND_NBUFS(r) ((size_t)(uintptr_t)(r)->gouv_send_b[1])
#define SEND_ADDRLEN(r) ((socklen_t)(uintptr_t)(r)->gouv_send_b[2])
#define SEND_SIZE(r) ((size_t)(uintptr_t)(r)->gouv_send_b[3])

/* libuv's flag while the finished sends' callbacks run: a send made from
 * one of them queues, so that a callback cannot recurse. */
#define GOUV_UDP_PROCESSING 0x01000000u

static int udp_open(const uv_udp_t* h) {
  return h != NULL && h->gouv_gen == GOUV_HANDLE_TAG && h->type == UV_UDP &&
         !(h->flags & (GOUV_FLAG_CLOSING | GOUV_FLAG_CLOSED));
}

/* libuv's rules on addressed and unaddressed sends. */
static int udp_check_dest(const uv_udp_t* h, const struct sockaddr* addr,
                          unsigned addrlen) {
  int connected = (h->flags & GOUV_UDP_CONNECTED) != 0;
  if (addr == NULL) return connected ? 0 : UV_EDESTADDRREQ;
  if (connected) return UV_EISCONN;
  if (addrlen < sizeof(addr->sa_family)) return UV_EINVAL;
  if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6 &&
      addr->sa_family != AF_UNIX)
    return UV_EINVAL;
  return 0;
}

/* A handle without a socket gets one bound to the wildcard address of the
 * destination's family before its first send (Go's bind, once). */
static int udp_prepare(uv_udp_t* h, const struct sockaddr* addr) {
  if (addr == NULL || h->io_watcher.fd >= 0) return 0;
  return gouv_udp_prepare_send(h, addr->sa_family);
}

static void udp_msg(struct msghdr* m, uv_udp_send_t* req) {
  memset(m, 0, sizeof *m);
  if (SEND_ADDRLEN(req) != 0) {
    m->msg_name = &req->gouv_addr;
    m->msg_namelen = SEND_ADDRLEN(req);
  }
  m->msg_iov = (struct iovec*)SEND_BUFS(req);
  m->msg_iovlen = SEND_NBUFS(req);
}

static void udp_done(uv_udp_t* h, uv_udp_send_t* req, int status) {
  UDP_QUEUE_HEAD(h) = SEND_NEXT(req);
  if (UDP_QUEUE_HEAD(h) == NULL) UDP_QUEUE_TAIL(h) = NULL;
  SEND_NEXT(req) = NULL;
  SEND_STATUS(req) = (void*)(intptr_t)status;
  if (UDP_DONE_TAIL(h) != NULL)
    SEND_NEXT((uv_udp_send_t*)UDP_DONE_TAIL(h)) = req;
  else
    UDP_DONE_HEAD(h) = req;
  UDP_DONE_TAIL(h) = req;
}

/* Sends queued datagrams until the queue is empty or the socket is full:
 * one with sendmsg, several with sendmmsg. */
static void udp_flush(uv_udp_t* h) {
  struct mmsghdr msgs[UDP_MMSG_WIDTH];
  while (UDP_QUEUE_HEAD(h) != NULL && h->io_watcher.fd >= 0) {
    uv_udp_send_t* req = UDP_QUEUE_HEAD(h);
    int n, k = 0;
    if (SEND_NEXT(req) == NULL) {
      ssize_t r;
      udp_msg(&msgs[0].msg_hdr, req);
      do
        r = sendmsg(h->io_watcher.fd, &msgs[0].msg_hdr, 0);
      while (r == -1 && errno == EINTR);
      if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS))
        return;
      udp_done(h, req, r == -1 ? -errno : 0);
      continue;
    }
    for (; req != NULL && k < UDP_MMSG_WIDTH; req = SEND_NEXT(req), k++) {
      udp_msg(&msgs[k].msg_hdr, req);
      msgs[k].msg_len = 0;
    }
    do
      n = sendmmsg(h->io_watcher.fd, msgs, (unsigned)k, 0);
    while (n == -1 && errno == EINTR);
    if (n == -1) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return;
      /* The first datagram of the batch is the one that failed. */
      udp_done(h, UDP_QUEUE_HEAD(h), -errno);
      continue;
    }
    for (; n > 0; n--) udp_done(h, UDP_QUEUE_HEAD(h), 0);
  }
}

/* Runs the finished sends' callbacks; with the queue empty the handle stops
 * being active unless it receives. */
static void udp_run_done(uv_udp_t* h) {
  uv_udp_send_t* req;
  h->flags |= GOUV_UDP_PROCESSING;
  while ((req = UDP_DONE_HEAD(h)) != NULL) {
    UDP_DONE_HEAD(h) = SEND_NEXT(req);
    if (UDP_DONE_HEAD(h) == NULL) UDP_DONE_TAIL(h) = NULL;
    SEND_NEXT(req) = NULL;
    h->send_queue_size -= SEND_SIZE(req);
    h->send_queue_count--;
    h->loop->active_reqs.count--;
    if (SEND_BUFS(req) != req->gouv_send_c) gouv__free(SEND_BUFS(req));
    if (req->cb != NULL) req->cb(req, (int)(intptr_t)SEND_STATUS(req));
  }
  if (UDP_QUEUE_HEAD(h) == NULL && GOUV_UDP_RECV_CB(h) == NULL)
    gouv_light_deactivate((uv_handle_t*)h);
  h->flags &= ~GOUV_UDP_PROCESSING;
}

void gouv_udp_send_io(uintptr_t handle) {
  uv_udp_t* h = (uv_udp_t*)handle;
  udp_flush(h);
  udp_run_done(h);
}

void gouv_udp_cancel_sends(uv_udp_t* h) {
  while (UDP_QUEUE_HEAD(h) != NULL)
    udp_done(h, UDP_QUEUE_HEAD(h), UV_ECANCELED);
  udp_run_done(h);
}

int uv_udp_send(uv_udp_send_t* req, uv_udp_t* handle, const uv_buf_t bufs[],
                unsigned int nbufs, const struct sockaddr* addr,
                uv_udp_send_cb send_cb) {
  uv_buf_t* copy;
  unsigned addrlen, i;
  size_t size = 0;
  int empty, r;

  if (req == NULL || !udp_open(handle))
    return UV_EINVAL;
  r = gouv_check_bufs(bufs, nbufs);
  if (r != 0)
    return r;
  addrlen = gouv_udp_addrlen(addr);
  r = udp_check_dest(handle, addr, addrlen);
  if (r == 0) r = udp_prepare(handle, addr);
  if (r != 0)
    return r;
  /* libuv copies the buffer array (not the data) and the address into the
   * request: the host may reuse both as soon as this returns. */
  copy = req->gouv_send_c;
  if (nbufs > sizeof(req->gouv_send_c) / sizeof(req->gouv_send_c[0])) {
    copy = gouv__malloc((size_t)nbufs * sizeof(*bufs));
    if (copy == NULL)
      return UV_ENOMEM;
  }
  for (i = 0; i < nbufs; i++) {
    copy[i] = bufs[i];
    size += bufs[i].len;
  }
  if (addr != NULL)
    memcpy(&req->gouv_addr, addr, addrlen);
  req->type = UV_UDP_SEND;
  req->handle = handle;
  req->cb = send_cb;
  SEND_NEXT(req) = NULL;
  SEND_STATUS(req) = NULL;
  req->gouv_send_b[0] = copy;
  req->gouv_send_b[1] = (void*)(uintptr_t)nbufs;
  req->gouv_send_b[2] = (void*)(uintptr_t)(addr != NULL ? addrlen : 0);
  req->gouv_send_b[3] = (void*)(uintptr_t)size;

  empty = handle->send_queue_count == 0;
  handle->send_queue_size += size;
  handle->send_queue_count++;
  if (UDP_QUEUE_TAIL(handle) != NULL)
    SEND_NEXT((uv_udp_send_t*)UDP_QUEUE_TAIL(handle)) = req;
  else
    UDP_QUEUE_HEAD(handle) = req;
  UDP_QUEUE_TAIL(handle) = req;
  handle->loop->active_reqs.count++;
  gouv_light_activate((uv_handle_t*)handle);
  if (empty && !(handle->flags & GOUV_UDP_PROCESSING)) udp_flush(handle);
  /* What is left (a queue, or callbacks to run) is the loop's to serve. */
  gouv_submit(handle->loop, GOUV_REC(handle), GOUV_SUB_OWNER);
  return 0;
}

/* One datagram now or not at all: the bytes sent, or -errno. */
static ssize_t udp_send_now(uv_udp_t* h, const uv_buf_t bufs[], unsigned nbufs,
                            const struct sockaddr* addr, unsigned addrlen) {
  struct msghdr m;
  ssize_t n;
  memset(&m, 0, sizeof m);
  if (addr != NULL) {
    m.msg_name = (void*)addr;
    m.msg_namelen = addrlen;
  }
  m.msg_iov = (struct iovec*)bufs;
  m.msg_iovlen = nbufs;
  do
    n = sendmsg(h->io_watcher.fd, &m, 0);
  while (n == -1 && errno == EINTR);
  return n == -1 ? -errno : n;
}

/* A try-send's failure: "later" for a full socket, the errno otherwise. */
static int udp_try_status(ssize_t n) {
  return n == -EAGAIN || n == -EWOULDBLOCK || n == -ENOBUFS ? UV_EAGAIN : (int)n;
}

int uv_udp_try_send(uv_udp_t* handle, const uv_buf_t bufs[],
                    unsigned int nbufs, const struct sockaddr* addr) {
  unsigned addrlen;
  ssize_t n;
  int r;

  if (!udp_open(handle))
    return UV_EINVAL;
  r = gouv_check_bufs(bufs, nbufs);
  if (r != 0)
    return r;
  addrlen = gouv_udp_addrlen(addr);
  r = udp_check_dest(handle, addr, addrlen);
  if (r != 0)
    return r;
  if (handle->send_queue_count != 0)
    return UV_EAGAIN;
  r = udp_prepare(handle, addr);
  if (r != 0)
    return r;
  n = udp_send_now(handle, bufs, nbufs, addr, addrlen);
  return n < 0 ? udp_try_status(n) : (int)n;
}

/* libuv 1.50: several datagrams without queueing; count >= 1, no flags.
 * Every destination is checked first, the socket must exist already (no
 * implicit bind), and only a failure of the first datagram is an error:
 * after that, the count sent so far. */
int uv_udp_try_send2(uv_udp_t* handle, unsigned int count, uv_buf_t* bufs[],
                     unsigned int nbufs[], struct sockaddr* addrs[],
                     unsigned int flags) {
  unsigned int i;
  ssize_t n;
  int r;

  if (handle == NULL || count < 1 || flags != 0 || bufs == NULL || nbufs == NULL)
    return UV_EINVAL;
  for (i = 0; i < count; i++) {
    if (nbufs[i] < 1)
      return UV_EINVAL;
    r = gouv_check_bufs(bufs[i], nbufs[i]);
    if (r != 0)
      return r;
  }
  if (!udp_open(handle))
    return UV_EINVAL;
  for (i = 0; i < count; i++) {
    const struct sockaddr* a = addrs != NULL ? addrs[i] : NULL;
    r = udp_check_dest(handle, a, gouv_udp_addrlen(a));
    if (r != 0)
      return r;
  }
  if (handle->send_queue_count != 0)
    return UV_EAGAIN;
  if (handle->io_watcher.fd < 0)
    return UV_EINVAL;
  for (i = 0; i < count; i++) {
    const struct sockaddr* a = addrs != NULL ? addrs[i] : NULL;
    n = udp_send_now(handle, bufs[i], nbufs[i], a, gouv_udp_addrlen(a));
    if (n < 0)
      return i > 0 ? (int)i : udp_try_status(n);
  }
  return (int)count;
}

int uv_udp_bind(uv_udp_t* handle, const struct sockaddr* addr,
                unsigned int flags) {
  return gouv_udp_bind(handle, (struct sockaddr*)addr, flags);
}

int uv_udp_connect(uv_udp_t* handle, const struct sockaddr* addr) {
  return gouv_udp_connect(handle, (struct sockaddr*)addr);
}

int uv_udp_getpeername(const uv_udp_t* handle, struct sockaddr* name,
                       int* namelen) {
  return gouv_udp_getname((uv_udp_t*)handle, name, namelen, 1);
}

int uv_udp_getsockname(const uv_udp_t* handle, struct sockaddr* name,
                       int* namelen) {
  return gouv_udp_getname((uv_udp_t*)handle, name, namelen, 0);
}

/* Read from the handle's flags, so that the answer outlives the close, as
 * libuv's does. */
int uv_udp_using_recvmmsg(const uv_udp_t* handle) {
  return handle != NULL && (handle->flags & GOUV_UDP_RECVMMSG) != 0;
}

/* gouv_udp_ifindex reads an IPv6 interface given as an address with an
 * optional zone ("::1%lo"): the zone's index names the interface. */
static int gouv_udp_ifindex(const char* interface_addr, unsigned* index) {
  struct sockaddr_in6 a6;

  *index = 0;
  if (interface_addr == NULL)
    return 0;
  if (uv_ip6_addr(interface_addr, 0, &a6) != 0)
    return UV_EINVAL;
  *index = a6.sin6_scope_id;
  return 0;
}

static int gouv_udp_join(uv_membership membership) {
  if (membership == UV_JOIN_GROUP)
    return 1;
  if (membership == UV_LEAVE_GROUP)
    return 0;
  return -1;
}

int uv_udp_set_membership(uv_udp_t* handle, const char* multicast_addr,
                          const char* interface_addr,
                          uv_membership membership) {
  struct sockaddr_in g4;
  struct sockaddr_in6 g6;
  struct in_addr if4;
  unsigned ifindex;
  int join, r;

  join = gouv_udp_join(membership);
  if (multicast_addr == NULL || join < 0)
    return UV_EINVAL;
  if (uv_ip4_addr(multicast_addr, 0, &g4) == 0) {
    if4.s_addr = htonl(INADDR_ANY);
    if (interface_addr != NULL) {
      r = uv_inet_pton(AF_INET, interface_addr, &if4);
      if (r != 0)
        return r;
    }
    return gouv_udp_membership4(handle, g4.sin_addr.s_addr, if4.s_addr, 0,
                                join, 0);
  }
  if (uv_ip6_addr(multicast_addr, 0, &g6) == 0) {
    r = gouv_udp_ifindex(interface_addr, &ifindex);
    if (r != 0)
      return r;
    return gouv_udp_membership6(handle, (char*)&g6.sin6_addr, NULL, ifindex,
                                join);
  }
  return UV_EINVAL;
}

int uv_udp_set_source_membership(uv_udp_t* handle, const char* multicast_addr,
                                 const char* interface_addr,
                                 const char* source_addr,
                                 uv_membership membership) {
  struct sockaddr_in g4, s4;
  struct sockaddr_in6 g6, s6;
  struct in_addr if4;
  unsigned ifindex;
  int join, r;

  join = gouv_udp_join(membership);
  if (multicast_addr == NULL || source_addr == NULL || join < 0)
    return UV_EINVAL;
  if (uv_ip4_addr(multicast_addr, 0, &g4) == 0) {
    r = uv_ip4_addr(source_addr, 0, &s4);
    if (r != 0)
      return r;
    if4.s_addr = htonl(INADDR_ANY);
    if (interface_addr != NULL) {
      r = uv_inet_pton(AF_INET, interface_addr, &if4);
      if (r != 0)
        return r;
    }
    return gouv_udp_membership4(handle, g4.sin_addr.s_addr, if4.s_addr,
                                s4.sin_addr.s_addr, join, 1);
  }
  r = uv_ip6_addr(multicast_addr, 0, &g6);
  if (r != 0)
    return r;
  r = uv_ip6_addr(source_addr, 0, &s6);
  if (r != 0)
    return r;
  r = gouv_udp_ifindex(interface_addr, &ifindex);
  if (r != 0)
    return r;
  return gouv_udp_membership6(handle, (char*)&g6.sin6_addr,
                              (char*)&s6.sin6_addr, ifindex, join);
}

int uv_udp_set_multicast_interface(uv_udp_t* handle,
                                   const char* interface_addr) {
  struct sockaddr_in a4;
  struct sockaddr_in6 a6;

  if (interface_addr == NULL)
    return gouv_udp_multicast_if(handle, AF_UNSPEC, 0, 0);
  if (uv_ip4_addr(interface_addr, 0, &a4) == 0)
    return gouv_udp_multicast_if(handle, AF_INET, a4.sin_addr.s_addr, 0);
  if (uv_ip6_addr(interface_addr, 0, &a6) == 0)
    return gouv_udp_multicast_if(handle, AF_INET6, 0, a6.sin6_scope_id);
  return UV_EINVAL;
}
