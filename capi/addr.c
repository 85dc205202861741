/* Address helpers: text to sockaddr and back, and interface names. They
 * wrap libc and touch no loop state, so they stay in C. */
#include "capi.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>

int uv_inet_pton(int af, const char* src, void* dst) {
  char buf[INET6_ADDRSTRLEN + 1];
  const char* zone;
  size_t n;

  if (src == NULL || dst == NULL)
    return UV_EINVAL;
  switch (af) {
  case AF_INET:
    return inet_pton(AF_INET, src, dst) == 1 ? 0 : UV_EINVAL;
  case AF_INET6:
    /* A scope suffix ("fe80::1%eth0") is not part of the address. */
    zone = strchr(src, '%');
    if (zone != NULL) {
      n = (size_t)(zone - src);
      if (n >= sizeof(buf))
        return UV_EINVAL;
      memcpy(buf, src, n);
      buf[n] = '\0';
      src = buf;
    }
    return inet_pton(AF_INET6, src, dst) == 1 ? 0 : UV_EINVAL;
  }
  return UV_EAFNOSUPPORT;
}

int uv_inet_ntop(int af, const void* src, char* dst, size_t size) {
  if (af != AF_INET && af != AF_INET6)
    return UV_EAFNOSUPPORT;
  if (src == NULL || dst == NULL)
    return UV_EINVAL;
  if (inet_ntop(af, src, dst, (socklen_t)size) == NULL)
    return UV_ENOSPC;
  return 0;
}

int uv_ip4_addr(const char* ip, int port, struct sockaddr_in* addr) {
  memset(addr, 0, sizeof(*addr));
  addr->sin_family = AF_INET;
  addr->sin_port = htons((uint16_t)port);
  return uv_inet_pton(AF_INET, ip, &addr->sin_addr);
}

int uv_ip6_addr(const char* ip, int port, struct sockaddr_in6* addr) {
  const char* zone;

  memset(addr, 0, sizeof(*addr));
  addr->sin6_family = AF_INET6;
  addr->sin6_port = htons((uint16_t)port);
  if (ip != NULL && (zone = strchr(ip, '%')) != NULL) {
    /* An unknown interface name gives scope 0, silently, as in libuv. */
    addr->sin6_scope_id = if_nametoindex(zone + 1);
  }
  return uv_inet_pton(AF_INET6, ip, &addr->sin6_addr);
}

int uv_ip4_name(const struct sockaddr_in* src, char* dst, size_t size) {
  return uv_inet_ntop(AF_INET, &src->sin_addr, dst, size);
}

int uv_ip6_name(const struct sockaddr_in6* src, char* dst, size_t size) {
  return uv_inet_ntop(AF_INET6, &src->sin6_addr, dst, size);
}

int uv_ip_name(const struct sockaddr* src, char* dst, size_t size) {
  switch (src->sa_family) {
  case AF_INET:
    return uv_ip4_name((const struct sockaddr_in*)src, dst, size);
  case AF_INET6:
    return uv_ip6_name((const struct sockaddr_in6*)src, dst, size);
  }
  return UV_EAFNOSUPPORT;
}

int uv_if_indextoname(unsigned int ifindex, char* buffer, size_t* size) {
  char name[IF_NAMESIZE + 1];
  size_t len;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  if (if_indextoname(ifindex, name) == NULL)
    return -errno;
  len = strnlen(name, sizeof(name));
  if (*size <= len) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, name, len);
  buffer[len] = '\0';
  *size = len;
  return 0;
}

/* On Unix the interface identifier of a scope is its name. */
int uv_if_indextoiid(unsigned int ifindex, char* buffer, size_t* size) {
  return uv_if_indextoname(ifindex, buffer, size);
}
