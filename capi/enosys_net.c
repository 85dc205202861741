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

int uv_udp_bind(uv_udp_t* handle, const struct sockaddr* addr, unsigned int flags) {
  (void)handle;
  (void)addr;
  (void)flags;
  return gouv_enosys(__func__);
}

int uv_udp_connect(uv_udp_t* handle, const struct sockaddr* addr) {
  (void)handle;
  (void)addr;
  return gouv_enosys(__func__);
}

int uv_udp_getpeername(const uv_udp_t* handle, struct sockaddr* name, int* namelen) {
  (void)handle;
  (void)name;
  (void)namelen;
  return gouv_enosys(__func__);
}

int uv_udp_getsockname(const uv_udp_t* handle, struct sockaddr* name, int* namelen) {
  (void)handle;
  (void)name;
  (void)namelen;
  return gouv_enosys(__func__);
}

int uv_udp_init(uv_loop_t* loop, uv_udp_t* handle) {
  (void)loop;
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_udp_init_ex(uv_loop_t* loop, uv_udp_t* handle, unsigned int flags) {
  (void)loop;
  (void)handle;
  (void)flags;
  return gouv_enosys(__func__);
}

int uv_udp_open(uv_udp_t* handle, uv_os_sock_t sock) {
  (void)handle;
  (void)sock;
  return gouv_enosys(__func__);
}

int uv_udp_recv_start(uv_udp_t* handle, uv_alloc_cb alloc_cb, uv_udp_recv_cb recv_cb) {
  (void)handle;
  (void)alloc_cb;
  (void)recv_cb;
  return gouv_enosys(__func__);
}

int uv_udp_recv_stop(uv_udp_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_udp_send(uv_udp_send_t* req, uv_udp_t* handle, const uv_buf_t bufs[], unsigned int nbufs, const struct sockaddr* addr, uv_udp_send_cb send_cb) {
  (void)req;
  (void)handle;
  (void)bufs;
  (void)nbufs;
  (void)addr;
  (void)send_cb;
  return gouv_enosys(__func__);
}

int uv_udp_set_broadcast(uv_udp_t* handle, int on) {
  (void)handle;
  (void)on;
  return gouv_enosys(__func__);
}

int uv_udp_set_membership(uv_udp_t* handle, const char* multicast_addr, const char* interface_addr, uv_membership membership) {
  (void)handle;
  (void)multicast_addr;
  (void)interface_addr;
  (void)membership;
  return gouv_enosys(__func__);
}

int uv_udp_set_multicast_interface(uv_udp_t* handle, const char* interface_addr) {
  (void)handle;
  (void)interface_addr;
  return gouv_enosys(__func__);
}

int uv_udp_set_multicast_loop(uv_udp_t* handle, int on) {
  (void)handle;
  (void)on;
  return gouv_enosys(__func__);
}

int uv_udp_set_multicast_ttl(uv_udp_t* handle, int ttl) {
  (void)handle;
  (void)ttl;
  return gouv_enosys(__func__);
}

int uv_udp_set_source_membership(uv_udp_t* handle, const char* multicast_addr, const char* interface_addr, const char* source_addr, uv_membership membership) {
  (void)handle;
  (void)multicast_addr;
  (void)interface_addr;
  (void)source_addr;
  (void)membership;
  return gouv_enosys(__func__);
}

int uv_udp_set_ttl(uv_udp_t* handle, int ttl) {
  (void)handle;
  (void)ttl;
  return gouv_enosys(__func__);
}

int uv_udp_try_send(uv_udp_t* handle, const uv_buf_t bufs[], unsigned int nbufs, const struct sockaddr* addr) {
  (void)handle;
  (void)bufs;
  (void)nbufs;
  (void)addr;
  return gouv_enosys(__func__);
}

int uv_udp_using_recvmmsg(const uv_udp_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}
