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
#include <sys/un.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- trampolines ---------------------------------------------------- */

void gouv_call_connect(uintptr_t r, int status) {
  uv_connect_t* req = (uv_connect_t*)r;
  if (req->cb != NULL)
    req->cb(req, status);
}

void gouv_call_connection(uintptr_t h, int status) {
  uv_stream_t* s = (uv_stream_t*)h;
  uv_connection_cb cb = (uv_connection_cb)GOUV__STREAM_CONNECTION_CB(s);
  if (cb != NULL)
    cb(s, status);
}

void gouv_call_poll(uintptr_t h, int status, int events) {
  uv_poll_t* p = (uv_poll_t*)h;
  if (p->poll_cb != NULL)
    p->poll_cb(p, status, events);
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

/* uv_pipe_bind2 and uv_pipe_connect2 (libuv 1.46) take the name with its
 * length: one that starts with a NUL byte is abstract and may hold more NUL
 * bytes; a path may not. A name longer than sun_path is cut to its size,
 * or refused with UV_PIPE_NO_TRUNCATE. */
static int pipe_name_check(const char* name, size_t* namelen, unsigned int flags) {
  size_t max = sizeof(((struct sockaddr_un*)0)->sun_path);
  if ((flags & ~(unsigned int)UV_PIPE_NO_TRUNCATE) != 0 || name == NULL)
    return UV_EINVAL;
  if (*namelen > 0 && name[0] != '\0' && memchr(name, '\0', *namelen) != NULL)
    return UV_EINVAL;
  if (*namelen > max) {
    if (flags & UV_PIPE_NO_TRUNCATE)
      return UV_EINVAL;
    *namelen = max;
  }
  return 0;
}

int uv_pipe_bind2(uv_pipe_t* handle, const char* name, size_t namelen,
                  unsigned int flags) {
  int r = pipe_name_check(name, &namelen, flags);
  if (r != 0)
    return r;
  /* An empty name: Linux picks an abstract one (autobind). */
  return gouv_pipe_bind2(handle, (char*)name, namelen);
}

int uv_pipe_connect2(uv_connect_t* req, uv_pipe_t* handle, const char* name,
                     size_t namelen, unsigned int flags, uv_connect_cb cb) {
  int r = pipe_name_check(name, &namelen, flags);
  if (r != 0)
    return r;
  if (namelen == 0)
    return UV_EINVAL;
  return gouv_pipe_connect2(req, handle, (char*)name, namelen, cb);
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
