/* Network interfaces and the host name: thin wrappers over getifaddrs(3)
 * and gethostname(2), in C because they only reshape libc's answers. */
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

#include "capi.h"
#include "internal.h"

/* gouv_ifaddr_listed says whether an entry becomes an address in the list:
 * up and running, with an address that is not the link layer's. */
static int gouv_ifaddr_listed(const struct ifaddrs* ent) {
  if (!(ent->ifa_flags & IFF_UP) || !(ent->ifa_flags & IFF_RUNNING))
    return 0;
  if (ent->ifa_addr == NULL)
    return 0;
  return ent->ifa_addr->sa_family == AF_INET ||
         ent->ifa_addr->sa_family == AF_INET6;
}

void uv_free_interface_addresses(uv_interface_address_t* addresses,
                                 int count) {
  int i;

  if (addresses == NULL)
    return;
  for (i = 0; i < count; i++)
    gouv__free(addresses[i].name);
  gouv__free(addresses);
}

int uv_interface_addresses(uv_interface_address_t** addresses, int* count) {
  struct ifaddrs* addrs;
  struct ifaddrs* ent;
  uv_interface_address_t* out;
  int n, i;

  if (addresses == NULL || count == NULL)
    return UV_EINVAL;
  *addresses = NULL;
  *count = 0;
  if (getifaddrs(&addrs) != 0)
    return -errno;

  n = 0;
  for (ent = addrs; ent != NULL; ent = ent->ifa_next)
    n += gouv_ifaddr_listed(ent);
  if (n == 0) {
    freeifaddrs(addrs);
    return 0;
  }
  out = gouv__calloc(n, sizeof(*out));
  if (out == NULL) {
    freeifaddrs(addrs);
    return UV_ENOMEM;
  }

  i = 0;
  for (ent = addrs; ent != NULL; ent = ent->ifa_next) {
    if (!gouv_ifaddr_listed(ent))
      continue;
    out[i].name = gouv__strdup(ent->ifa_name);
    if (out[i].name == NULL) {
      uv_free_interface_addresses(out, i);
      freeifaddrs(addrs);
      return UV_ENOMEM;
    }
    if (ent->ifa_addr->sa_family == AF_INET6) {
      memcpy(&out[i].address.address6, ent->ifa_addr,
             sizeof(struct sockaddr_in6));
      if (ent->ifa_netmask != NULL)
        memcpy(&out[i].netmask.netmask6, ent->ifa_netmask,
               sizeof(struct sockaddr_in6));
    } else {
      memcpy(&out[i].address.address4, ent->ifa_addr,
             sizeof(struct sockaddr_in));
      if (ent->ifa_netmask != NULL)
        memcpy(&out[i].netmask.netmask4, ent->ifa_netmask,
               sizeof(struct sockaddr_in));
    }
    out[i].is_internal = (ent->ifa_flags & IFF_LOOPBACK) != 0;
    i++;
  }

  /* The hardware addresses come in the link-layer (AF_PACKET) entries. */
  for (ent = addrs; ent != NULL; ent = ent->ifa_next) {
    const struct sockaddr_ll* ll;
    if (ent->ifa_addr == NULL || ent->ifa_addr->sa_family != AF_PACKET)
      continue;
    ll = (const struct sockaddr_ll*)ent->ifa_addr;
    for (i = 0; i < n; i++)
      if (strcmp(out[i].name, ent->ifa_name) == 0)
        memcpy(out[i].phys_addr, ll->sll_addr, sizeof(out[i].phys_addr));
  }

  freeifaddrs(addrs);
  *addresses = out;
  *count = n;
  return 0;
}

int uv_os_gethostname(char* buffer, size_t* size) {
  char name[UV_MAXHOSTNAMESIZE];
  size_t len;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  if (gethostname(name, sizeof(name)) != 0)
    return -errno;
  name[sizeof(name) - 1] = '\0';
  len = strlen(name);
  if (len >= *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, name, len + 1);
  *size = len;
  return 0;
}
