/* Functions of the net area not implemented yet: each reports UV_ENOSYS
 * (or the documented failure value) until its area lands. scripts/test.sh
 * counts the gouv_enosys calls in these files. */
#include "capi.h"

void uv_free_interface_addresses(uv_interface_address_t* addresses, int count) {
  (void)addresses;
  (void)count;
  gouv_enosys(__func__);
}

void uv_freeaddrinfo(struct addrinfo* ai) {
  (void)ai;
  gouv_enosys(__func__);
}

int uv_getaddrinfo(uv_loop_t* loop, uv_getaddrinfo_t* req, uv_getaddrinfo_cb getaddrinfo_cb, const char* node, const char* service, const struct addrinfo* hints) {
  (void)loop;
  (void)req;
  (void)getaddrinfo_cb;
  (void)node;
  (void)service;
  (void)hints;
  return gouv_enosys(__func__);
}

int uv_getnameinfo(uv_loop_t* loop, uv_getnameinfo_t* req, uv_getnameinfo_cb getnameinfo_cb, const struct sockaddr* addr, int flags) {
  (void)loop;
  (void)req;
  (void)getnameinfo_cb;
  (void)addr;
  (void)flags;
  return gouv_enosys(__func__);
}

int uv_interface_addresses(uv_interface_address_t** addresses, int* count) {
  (void)addresses;
  (void)count;
  return gouv_enosys(__func__);
}

int uv_os_gethostname(char* buffer, size_t* size) {
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}
