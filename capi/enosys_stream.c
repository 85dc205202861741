/* Functions of the stream area not implemented yet: each reports UV_ENOSYS
 * (or the documented failure value) until its area lands. scripts/test.sh
 * counts the gouv_enosys calls in these files. */
#include "capi.h"

int uv_accept(uv_stream_t* server, uv_stream_t* client) {
  (void)server;
  (void)client;
  return gouv_enosys(__func__);
}

int uv_fileno(const uv_handle_t* handle, uv_os_fd_t* fd) {
  (void)handle;
  (void)fd;
  return gouv_enosys(__func__);
}

uv_os_fd_t uv_get_osfhandle(int fd) {
  (void)fd;
  return (gouv_enosys(__func__), -1);
}

uv_handle_type uv_guess_handle(uv_file file) {
  (void)file;
  return (gouv_enosys(__func__), UV_UNKNOWN_HANDLE);
}










int uv_is_readable(const uv_stream_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_is_writable(const uv_stream_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_listen(uv_stream_t* stream, int backlog, uv_connection_cb cb) {
  (void)stream;
  (void)backlog;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_open_osfhandle(uv_os_fd_t os_fd) {
  (void)os_fd;
  return gouv_enosys(__func__);
}

int uv_pipe(uv_file fds[2], int read_flags, int write_flags) {
  (void)fds;
  (void)read_flags;
  (void)write_flags;
  return gouv_enosys(__func__);
}

int uv_pipe_bind(uv_pipe_t* handle, const char* name) {
  (void)handle;
  (void)name;
  return gouv_enosys(__func__);
}

int uv_pipe_chmod(uv_pipe_t* handle, int flags) {
  (void)handle;
  (void)flags;
  return gouv_enosys(__func__);
}

void uv_pipe_connect(uv_connect_t* req, uv_pipe_t* handle, const char* name, uv_connect_cb cb) {
  (void)req;
  (void)handle;
  (void)name;
  (void)cb;
  gouv_enosys(__func__);
}

int uv_pipe_getpeername(const uv_pipe_t* handle, char* buffer, size_t* size) {
  (void)handle;
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_pipe_getsockname(const uv_pipe_t* handle, char* buffer, size_t* size) {
  (void)handle;
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_pipe_init(uv_loop_t* loop, uv_pipe_t* handle, int ipc) {
  (void)loop;
  (void)handle;
  (void)ipc;
  return gouv_enosys(__func__);
}

int uv_pipe_open(uv_pipe_t* handle, uv_file file) {
  (void)handle;
  (void)file;
  return gouv_enosys(__func__);
}

int uv_pipe_pending_count(uv_pipe_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

void uv_pipe_pending_instances(uv_pipe_t* handle, int count) {
  (void)handle;
  (void)count;
  gouv_enosys(__func__);
}

uv_handle_type uv_pipe_pending_type(uv_pipe_t* handle) {
  (void)handle;
  return (gouv_enosys(__func__), UV_UNKNOWN_HANDLE);
}

int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd) {
  (void)loop;
  (void)handle;
  (void)fd;
  return gouv_enosys(__func__);
}

int uv_poll_init_socket(uv_loop_t* loop, uv_poll_t* handle, uv_os_sock_t socket) {
  (void)loop;
  (void)handle;
  (void)socket;
  return gouv_enosys(__func__);
}

int uv_poll_start(uv_poll_t* handle, int events, uv_poll_cb cb) {
  (void)handle;
  (void)events;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_poll_stop(uv_poll_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_read_start(uv_stream_t* stream, uv_alloc_cb alloc_cb, uv_read_cb read_cb) {
  (void)stream;
  (void)alloc_cb;
  (void)read_cb;
  return gouv_enosys(__func__);
}

int uv_read_stop(uv_stream_t* stream) {
  (void)stream;
  return gouv_enosys(__func__);
}

int uv_recv_buffer_size(uv_handle_t* handle, int* value) {
  (void)handle;
  (void)value;
  return gouv_enosys(__func__);
}

int uv_send_buffer_size(uv_handle_t* handle, int* value) {
  (void)handle;
  (void)value;
  return gouv_enosys(__func__);
}

int uv_shutdown(uv_shutdown_t* req, uv_stream_t* handle, uv_shutdown_cb cb) {
  (void)req;
  (void)handle;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_socketpair(int type, int protocol, uv_os_sock_t socket_vector[2], int flags0, int flags1) {
  (void)type;
  (void)protocol;
  (void)socket_vector;
  (void)flags0;
  (void)flags1;
  return gouv_enosys(__func__);
}

int uv_stream_set_blocking(uv_stream_t* handle, int blocking) {
  (void)handle;
  (void)blocking;
  return gouv_enosys(__func__);
}

int uv_tcp_bind(uv_tcp_t* handle, const struct sockaddr* addr, unsigned int flags) {
  (void)handle;
  (void)addr;
  (void)flags;
  return gouv_enosys(__func__);
}

int uv_tcp_close_reset(uv_tcp_t* handle, uv_close_cb close_cb) {
  (void)handle;
  (void)close_cb;
  return gouv_enosys(__func__);
}

int uv_tcp_connect(uv_connect_t* req, uv_tcp_t* handle, const struct sockaddr* addr, uv_connect_cb cb) {
  (void)req;
  (void)handle;
  (void)addr;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_tcp_getpeername(const uv_tcp_t* handle, struct sockaddr* name, int* namelen) {
  (void)handle;
  (void)name;
  (void)namelen;
  return gouv_enosys(__func__);
}

int uv_tcp_getsockname(const uv_tcp_t* handle, struct sockaddr* name, int* namelen) {
  (void)handle;
  (void)name;
  (void)namelen;
  return gouv_enosys(__func__);
}

int uv_tcp_init(uv_loop_t* loop, uv_tcp_t* handle) {
  (void)loop;
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_tcp_init_ex(uv_loop_t* loop, uv_tcp_t* handle, unsigned int flags) {
  (void)loop;
  (void)handle;
  (void)flags;
  return gouv_enosys(__func__);
}

int uv_tcp_keepalive(uv_tcp_t* handle, int enable, unsigned int delay) {
  (void)handle;
  (void)enable;
  (void)delay;
  return gouv_enosys(__func__);
}

int uv_tcp_nodelay(uv_tcp_t* handle, int enable) {
  (void)handle;
  (void)enable;
  return gouv_enosys(__func__);
}

int uv_tcp_open(uv_tcp_t* handle, uv_os_sock_t sock) {
  (void)handle;
  (void)sock;
  return gouv_enosys(__func__);
}

int uv_tcp_simultaneous_accepts(uv_tcp_t* handle, int enable) {
  (void)handle;
  (void)enable;
  return gouv_enosys(__func__);
}

int uv_try_write(uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs) {
  (void)handle;
  (void)bufs;
  (void)nbufs;
  return gouv_enosys(__func__);
}

int uv_try_write2(uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs, uv_stream_t* send_handle) {
  (void)handle;
  (void)bufs;
  (void)nbufs;
  (void)send_handle;
  return gouv_enosys(__func__);
}

int uv_tty_get_vterm_state(uv_tty_vtermstate_t* state) {
  (void)state;
  return gouv_enosys(__func__);
}

int uv_tty_get_winsize(uv_tty_t* handle, int* width, int* height) {
  (void)handle;
  (void)width;
  (void)height;
  return gouv_enosys(__func__);
}

int uv_tty_init(uv_loop_t* loop, uv_tty_t* handle, uv_file fd, int readable) {
  (void)loop;
  (void)handle;
  (void)fd;
  (void)readable;
  return gouv_enosys(__func__);
}

int uv_tty_reset_mode(void) {
  return gouv_enosys(__func__);
}

int uv_tty_set_mode(uv_tty_t* handle, uv_tty_mode_t mode) {
  (void)handle;
  (void)mode;
  return gouv_enosys(__func__);
}

void uv_tty_set_vterm_state(uv_tty_vtermstate_t state) {
  (void)state;
  gouv_enosys(__func__);
}

int uv_write(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs, uv_write_cb cb) {
  (void)req;
  (void)handle;
  (void)bufs;
  (void)nbufs;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_write2(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs, uv_stream_t* send_handle, uv_write_cb cb) {
  (void)req;
  (void)handle;
  (void)bufs;
  (void)nbufs;
  (void)send_handle;
  (void)cb;
  return gouv_enosys(__func__);
}
