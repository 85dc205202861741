/* The C half of UDP: wrappers for the functions whose signatures Go cannot
 * export (const parameters), string parsing of multicast addresses, and
 * the trampolines that call the host's UDP callbacks. */
#include <string.h>
#include <sys/un.h>

#include "capi.h"
#include "internal.h"
#include "udp.h"
#include "_cgo_export.h"

uv_buf_t gouv_udp_call_alloc(uv_udp_t* handle, size_t suggested) {
  uv_buf_t buf = {NULL, 0};
  ((uv_alloc_cb)GOUV_UDP_ALLOC_CB(handle))((uv_handle_t*)handle, suggested,
                                           &buf);
  return buf;
}

void gouv_udp_call_recv(uv_udp_t* handle, ssize_t nread, char* base,
                        size_t len, const struct sockaddr* addr,
                        unsigned flags) {
  uv_buf_t buf = {base, len};
  ((uv_udp_recv_cb)GOUV_UDP_RECV_CB(handle))(handle, nread, &buf, addr, flags);
}

void gouv_udp_call_send(uv_udp_send_t* req, int status) {
  if (req->cb != NULL)
    req->cb(req, status);
}

/* gouv_udp_addrlen is the length of a destination address: its family's
 * size (sockaddr_un for a Unix datagram socket given to uv_udp_open), or
 * just the family field for families UDP does not send to (Go reads the
 * family and refuses them). */
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

int uv_udp_send(uv_udp_send_t* req, uv_udp_t* handle, const uv_buf_t bufs[],
                unsigned int nbufs, const struct sockaddr* addr,
                uv_udp_send_cb send_cb) {
  uv_buf_t* copy;
  unsigned addrlen;
  int r;

  if (req == NULL || handle == NULL)
    return UV_EINVAL;
  r = gouv_check_bufs(bufs, nbufs);
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
  if (nbufs != 0)
    memcpy(copy, bufs, (size_t)nbufs * sizeof(*bufs));
  addrlen = gouv_udp_addrlen(addr);
  if (addr != NULL)
    memcpy(&req->gouv_addr, addr, addrlen);
  r = gouv_udp_send(req, handle, copy, nbufs,
                    addr != NULL ? &req->gouv_addr : NULL, addrlen, send_cb);
  if (r != 0 && copy != req->gouv_send_c)
    gouv__free(copy);
  return r;
}

int uv_udp_try_send(uv_udp_t* handle, const uv_buf_t bufs[],
                    unsigned int nbufs, const struct sockaddr* addr) {
  int r;

  if (handle == NULL)
    return UV_EINVAL;
  r = gouv_check_bufs(bufs, nbufs);
  if (r != 0)
    return r;
  /* Synchronous: the host's own array and address serve as they are. */
  return gouv_udp_try_send(handle, (uv_buf_t*)bufs, nbufs,
                           (struct sockaddr*)addr, gouv_udp_addrlen(addr));
}

/* libuv 1.50: several datagrams without queueing; count >= 1, no flags. */
int uv_udp_try_send2(uv_udp_t* handle, unsigned int count, uv_buf_t* bufs[],
                     unsigned int nbufs[], struct sockaddr* addrs[],
                     unsigned int flags) {
  unsigned int i;
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
  return gouv_udp_try_send2(handle, count, bufs, nbufs, addrs);
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

/* Read from the mark uv_udp_init_ex leaves in the struct, so that the
 * answer outlives the close, as libuv's does. */
int uv_udp_using_recvmmsg(const uv_udp_t* handle) {
  return handle != NULL && handle->gouv_udp_b[0] == (const void*)handle;
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
