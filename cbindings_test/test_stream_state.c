/* What uv_is_readable and uv_is_writable say at the end of reading. In
 * libuv 1.44 the end of file leaves a stream readable and writable (the
 * host may start reading again and gets UV_EOF again, and may still
 * write), a read error makes it neither, and uv_close makes it neither. */
#include <uv.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

/* A listening socket of our own on 127.0.0.1, and its port. */
static int listener(int* port) {
  struct sockaddr_in sa;
  socklen_t len = sizeof(sa);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK_EQ(bind(fd, (struct sockaddr*)&sa, sizeof(sa)), 0);
  CHECK_EQ(listen(fd, 8), 0);
  CHECK_EQ(getsockname(fd, (struct sockaddr*)&sa, &len), 0);
  *port = ntohs(sa.sin_port);
  return fd;
}

static uv_tcp_t client;
static uv_connect_t connect_req;
static int server_fd;
static int peer_fd;
static int reads;
static int closed;
static int reset_peer;

static void alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char slab[64];
  (void)h;
  (void)size;
  buf->base = slab;
  buf->len = sizeof(slab);
}

static void close_cb(uv_handle_t* h) {
  (void)h;
  closed++;
}

static void eof_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  CHECK_EQ(nread, UV_EOF);
  reads++;
  /* The end of file changes neither: the stream may still be written,
   * and reading may start again. */
  CHECK_EQ(uv_is_readable(s), 1);
  CHECK_EQ(uv_is_writable(s), 1);
  if (reads < 3) {
    /* Reading again finds the end of file again. */
    CHECK_EQ(uv_read_start(s, alloc_cb, eof_read_cb), 0);
    return;
  }
  uv_close((uv_handle_t*)s, close_cb);
  CHECK_EQ(uv_is_readable(s), 0);
  CHECK_EQ(uv_is_writable(s), 0);
}

static void error_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  reads++;
  CHECK(nread < 0);
  CHECK(nread != UV_EOF);
  /* A read error leaves the stream neither readable nor writable. */
  CHECK_EQ(uv_is_readable(s), 0);
  CHECK_EQ(uv_is_writable(s), 0);
  uv_close((uv_handle_t*)s, close_cb);
}

static void connected(uv_connect_t* req, int status) {
  struct linger lg;
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_is_readable(req->handle), 1);
  CHECK_EQ(uv_is_writable(req->handle), 1);
  peer_fd = accept(server_fd, NULL, NULL);
  CHECK(peer_fd >= 0);
  if (reset_peer) {
    /* Closing with a zero linger time sends a reset. */
    lg.l_onoff = 1;
    lg.l_linger = 0;
    CHECK_EQ(setsockopt(peer_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
  }
  CHECK_EQ(close(peer_fd), 0);
  CHECK_EQ(uv_read_start(req->handle, alloc_cb,
                         reset_peer ? error_read_cb : eof_read_cb), 0);
}

static void run_client(int reset) {
  uv_loop_t loop;
  struct sockaddr_in sa;
  int port;
  reads = closed = 0;
  reset_peer = reset;
  server_fd = listener(&port);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &client), 0);
  /* Not yet connected: neither. */
  CHECK_EQ(uv_is_readable((uv_stream_t*)&client), 0);
  CHECK_EQ(uv_is_writable((uv_stream_t*)&client), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", port, &sa), 0);
  CHECK_EQ(uv_tcp_connect(&connect_req, &client, (struct sockaddr*)&sa,
                          connected), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(closed, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(server_fd);
}

TEST(stream_stays_readable_and_writable_after_eof_until_closed) {
  run_client(0);
  CHECK_EQ(reads, 3);
}

TEST(read_error_makes_stream_neither_readable_nor_writable) {
  run_client(1);
  CHECK_EQ(reads, 1);
}

HARNESS_MAIN
