/* TCP answers taken from newer libuv (1.53): the UV_TCP_REUSEPORT bind
 * flag, connecting to a link-local IPv6 address, and the buffer arrays a
 * write refuses up front. Where libuv 1.44 answers otherwise the test
 * checks 1.44's answer on the reference build (docs/differences.md). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "harness.h"

/* gouv takes newer libuv's answer in the cases below (docs/differences.md,
 * "Behaviour taken from newer libuv"): so does libuv 1.53, which the same
 * programs also run on (scripts/ref153.sh), while Debian 12's libuv 1.44
 * gives its own. */
static int newer_answers(void) {
  return strstr(uv_version_string(), "gouv") != NULL || uv_version() >= 0x013500;
}

static void close_walk_cb(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h))
    uv_close(h, NULL);
}

static void teardown(uv_loop_t* loop) {
  uv_walk(loop, close_walk_cb, NULL);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(loop), 0);
}

static int reuseport_of(uv_tcp_t* h) {
  uv_os_fd_t fd;
  int on = -1;
  socklen_t len = sizeof(on);

  CHECK_EQ(uv_fileno((uv_handle_t*)h, &fd), 0);
  CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, &len), 0);
  return on;
}

/* Newer libuv's UV_TCP_REUSEPORT; 1.44's header has no such name and its
 * uv_tcp_bind ignores the bit. */
#define TEST_TCP_REUSEPORT 2

static void no_connection_cb(uv_stream_t* s, int status) {
  (void)s;
  (void)status;
}

TEST(tcp_bind_with_reuseport_lets_two_listeners_share_a_port) {
  uv_loop_t loop;
  uv_tcp_t a, b, c;
  struct sockaddr_in addr;
  struct sockaddr_storage ss;
  int len = sizeof(ss);

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &a), 0);
  CHECK_EQ(uv_tcp_init(&loop, &b), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &addr), 0);
  CHECK_EQ(uv_tcp_bind(&a, (struct sockaddr*)&addr, TEST_TCP_REUSEPORT), 0);
  if (!newer_answers()) {
    CHECK_EQ(reuseport_of(&a), 0);
    teardown(&loop);
    return;
  }
  CHECK_EQ(reuseport_of(&a), 1);
  CHECK_EQ(uv_listen((uv_stream_t*)&a, 8, no_connection_cb), 0);
  CHECK_EQ(uv_tcp_getsockname(&a, (struct sockaddr*)&ss, &len), 0);
  addr.sin_port = ((struct sockaddr_in*)&ss)->sin_port;
  CHECK_EQ(uv_tcp_bind(&b, (struct sockaddr*)&addr, TEST_TCP_REUSEPORT), 0);
  CHECK_EQ(reuseport_of(&b), 1);
  CHECK_EQ(uv_listen((uv_stream_t*)&b, 8, no_connection_cb), 0);
  /* Without the flag the port stays taken: bind keeps EADDRINUSE for
   * listen to report, as libuv does. */
  CHECK_EQ(uv_tcp_init(&loop, &c), 0);
  CHECK_EQ(uv_tcp_bind(&c, (struct sockaddr*)&addr, 0), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&c, 8, no_connection_cb), UV_EADDRINUSE);
  teardown(&loop);
}

/* ------------------------------------------------------------------------
 * A link-local address needs an interface. Newer libuv gives one without
 * a zone the first interface that has a link-local address (libuv's
 * tcp_connect6_link_local); 1.44 passes it to connect(2) as it is, which
 * refuses it. With a zone both connect. */

static int ll_status = 1;

static void ll_connect_cb(uv_connect_t* req, int status) {
  (void)req;
  ll_status = status;
}

static unsigned link_local_index(void) {
  uv_interface_address_t* ifs;
  int n, i;
  unsigned index = 0;
  const unsigned char* b;

  CHECK_EQ(uv_interface_addresses(&ifs, &n), 0);
  for (i = 0; i < n && index == 0; i++) {
    if (ifs[i].address.address6.sin6_family != AF_INET6)
      continue;
    b = (const unsigned char*)&ifs[i].address.address6.sin6_addr;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
      index = ifs[i].address.address6.sin6_scope_id;
  }
  uv_free_interface_addresses(ifs, n);
  return index;
}

static void link_local_case(unsigned zone, int expect) {
  uv_loop_t loop;
  uv_tcp_t h;
  uv_connect_t req;
  struct sockaddr_in6 addr;

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &h), 0);
  CHECK_EQ(uv_ip6_addr("fe80::bad:babe", 9, &addr), 0);
  addr.sin6_scope_id = zone;
  ll_status = 1;
  CHECK_EQ(uv_tcp_connect(&req, &h, (struct sockaddr*)&addr, ll_connect_cb),
           expect);
  /* No one answers there: closing cancels the attempt. */
  uv_close((uv_handle_t*)&h, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  if (expect == 0)
    CHECK_EQ(ll_status, UV_ECANCELED);
  else
    CHECK_EQ(ll_status, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(tcp_connect_to_a_link_local_address_with_or_without_a_zone) {
  unsigned index = link_local_index();

  if (index == 0) {
    fprintf(stderr, "no interface with an IPv6 link-local address: skipped\n");
    return;
  }
  link_local_case(index, 0);
  link_local_case(0, newer_answers() ? 0 : UV_EINVAL);
}

/* ------------------------------------------------------------------------
 * Buffer arrays uv_write and uv_try_write refuse before anything else, as
 * newer libuv does (tcp_write_fail, io_64_safe): no buffers, a negative
 * count converted to unsigned, and more than one system call moves
 * (0x7ffff000 bytes). 1.44 asserts on a count of 0, and otherwise first
 * sees that the handle has no socket (UV_EBADF); on a connected stream it
 * queues the others. */

static void never_write_cb(uv_write_t* req, int status) {
  (void)req;
  (void)status;
  CHECK(0 && "a refused write has no callback");
}

TEST(tcp_write_refuses_empty_negative_and_oversized_buffer_arrays) {
  uv_loop_t loop;
  uv_tcp_t h;
  uv_pipe_t p;
  uv_write_t req;
  uv_buf_t b = uv_buf_init("x", 1);
  uv_buf_t huge = uv_buf_init(NULL, INT32_MAX);
  uv_buf_t two[2];
  int expect, fds[2];
  char got;

  two[0] = uv_buf_init(NULL, 0x40000001u);
  two[1] = uv_buf_init(NULL, 0x40000001u);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &h), 0);
  expect = newer_answers() ? UV_EINVAL : UV_EBADF;
  /* 1.44 asserts on a count of 0. */
  if (newer_answers())
    CHECK_EQ(uv_write(&req, (uv_stream_t*)&h, &b, 0, never_write_cb), expect);
  CHECK_EQ(uv_write(&req, (uv_stream_t*)&h, &b, (unsigned)-42, never_write_cb),
           expect);
  CHECK_EQ(uv_write(&req, (uv_stream_t*)&h, &huge, 1, never_write_cb), expect);
  CHECK_EQ(uv_write(&req, (uv_stream_t*)&h, two, 2, never_write_cb), expect);
  CHECK_EQ(uv_try_write((uv_stream_t*)&h, &huge, 1), expect);
  CHECK_EQ(uv_try_write((uv_stream_t*)&h, two, 2), expect);

  if (newer_answers()) {
    /* On a stream that could write, the same answers, and nothing is
     * queued: the stream still writes afterwards. */
    CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
    CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
    CHECK_EQ(uv_write(&req, (uv_stream_t*)&p, &b, 0, never_write_cb),
             UV_EINVAL);
    CHECK_EQ(uv_write(&req, (uv_stream_t*)&p, &b, (unsigned)-1,
                      never_write_cb),
             UV_EINVAL);
    CHECK_EQ(uv_write(&req, (uv_stream_t*)&p, two, 2, never_write_cb),
             UV_EINVAL);
    CHECK_EQ(uv_try_write((uv_stream_t*)&p, &b, 0), UV_EINVAL);
    CHECK_EQ(uv_try_write((uv_stream_t*)&p, &huge, 1), UV_EINVAL);
    CHECK_EQ(p.write_queue_size, 0);
    CHECK_EQ(uv_try_write((uv_stream_t*)&p, &b, 1), 1);
    CHECK_EQ(read(fds[1], &got, 1), 1);
    CHECK_EQ(got, 'x');
    close(fds[1]);
  }
  teardown(&loop);
}

HARNESS_MAIN
