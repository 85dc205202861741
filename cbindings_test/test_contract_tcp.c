/* The TCP page of libuv 1.44's documentation, sentence by sentence, where
 * test_stream.c leaves a gap: uv_tcp_init_ex's domain and flags, the socket
 * options behind nodelay, keepalive and IPv6-only binds, the names of both
 * ends, and uv_tcp_close_reset. See docs/contract.md. */
#include <uv.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static int sockopt(uv_tcp_t* t, int level, int name) {
  uv_os_fd_t fd;
  int v = -1;
  socklen_t len = sizeof v;
  CHECK_EQ(uv_fileno((uv_handle_t*)t, &fd), 0);
  CHECK_EQ(getsockopt(fd, level, name, &v, &len), 0);
  return v;
}

TEST(tcp_init_ex_creates_a_socket_of_the_domain_and_none_for_af_unspec) {
  uv_loop_t loop;
  uv_tcp_t a, b, c;
  uv_os_fd_t fd;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init_ex(&loop, &a, AF_INET), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&a, &fd), 0);
  CHECK_EQ(sockopt(&a, SOL_SOCKET, SO_DOMAIN), AF_INET);
  CHECK_EQ(uv_tcp_init_ex(&loop, &b, AF_INET6), 0);
  CHECK_EQ(sockopt(&b, SOL_SOCKET, SO_DOMAIN), AF_INET6);
  CHECK_EQ(sockopt(&b, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  CHECK_EQ(uv_tcp_init_ex(&loop, &c, AF_UNSPEC), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&c, &fd), UV_EBADF);
  contract_finish(&loop);
}

TEST(tcp_init_ex_with_flags_above_the_low_byte_is_einval) {
  uv_loop_t loop;
  uv_tcp_t a;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init_ex(&loop, &a, AF_INET | 0x100), UV_EINVAL);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(tcp_nodelay_sets_and_clears_the_socket_option) {
  uv_loop_t loop;
  uv_tcp_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init_ex(&loop, &t, AF_INET), 0);
  CHECK_EQ(uv_tcp_nodelay(&t, 1), 0);
  CHECK(sockopt(&t, IPPROTO_TCP, TCP_NODELAY) != 0);
  CHECK_EQ(uv_tcp_nodelay(&t, 0), 0);
  CHECK_EQ(sockopt(&t, IPPROTO_TCP, TCP_NODELAY), 0);
  contract_finish(&loop);
}

TEST(tcp_keepalive_sets_the_delay_then_ten_probes_one_second_apart) {
  uv_loop_t loop;
  uv_tcp_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init_ex(&loop, &t, AF_INET), 0);
  CHECK_EQ(uv_tcp_keepalive(&t, 1, 42), 0);
  CHECK(sockopt(&t, SOL_SOCKET, SO_KEEPALIVE) != 0);
  CHECK_EQ(sockopt(&t, IPPROTO_TCP, TCP_KEEPIDLE), 42);
  CHECK_EQ(sockopt(&t, IPPROTO_TCP, TCP_KEEPINTVL), 1);
  CHECK_EQ(sockopt(&t, IPPROTO_TCP, TCP_KEEPCNT), 10);
  /* The delay is ignored when disabling. */
  CHECK_EQ(uv_tcp_keepalive(&t, 0, 7), 0);
  CHECK_EQ(sockopt(&t, SOL_SOCKET, SO_KEEPALIVE), 0);
  CHECK_EQ(sockopt(&t, IPPROTO_TCP, TCP_KEEPIDLE), 42);
  contract_finish(&loop);
}

TEST(tcp_simultaneous_accepts_succeeds_either_way) {
  uv_loop_t loop;
  uv_tcp_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &t), 0);
  CHECK_EQ(uv_tcp_simultaneous_accepts(&t, 0), 0);
  CHECK_EQ(uv_tcp_simultaneous_accepts(&t, 1), 0);
  contract_finish(&loop);
}

TEST(tcp_bind_with_ipv6only_disables_dual_stack) {
  uv_loop_t loop;
  uv_tcp_t a, b;
  struct sockaddr_in6 any6;
  CHECK_EQ(uv_ip6_addr("::", 0, &any6), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &a), 0);
  CHECK_EQ(uv_tcp_bind(&a, (struct sockaddr*)&any6, UV_TCP_IPV6ONLY), 0);
  CHECK(sockopt(&a, IPPROTO_IPV6, IPV6_V6ONLY) != 0);
  CHECK_EQ(uv_tcp_init(&loop, &b), 0);
  CHECK_EQ(uv_tcp_bind(&b, (struct sockaddr*)&any6, 0), 0);
  CHECK_EQ(sockopt(&b, IPPROTO_IPV6, IPV6_V6ONLY), 0);
  contract_finish(&loop);
}

static uv_tcp_t server, client, conn;
static int connected;
static void accept_it(uv_stream_t* s, int status) {
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_tcp_init(s->loop, &conn), 0);
  CHECK_EQ(uv_accept(s, (uv_stream_t*)&conn), 0);
}
static void on_connect(uv_connect_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  connected = 1;
}
/* Connects client to server over IPv4 loopback and returns with both ends,
 * client and conn, established. */
static void connect_pair(uv_loop_t* loop) {
  struct sockaddr_in a = contract_lo4(0);
  struct sockaddr_storage ss;
  static uv_connect_t req;
  int len = sizeof ss;
  memset(&conn, 0, sizeof conn);
  connected = 0;
  CHECK_EQ(uv_tcp_init(loop, &server), 0);
  CHECK_EQ(uv_tcp_bind(&server, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 8, accept_it), 0);
  CHECK_EQ(uv_tcp_getsockname(&server, (struct sockaddr*)&ss, &len), 0);
  CHECK_EQ(uv_tcp_init(loop, &client), 0);
  CHECK_EQ(uv_tcp_connect(&req, &client, (struct sockaddr*)&ss, on_connect), 0);
  while (!connected || conn.type != UV_TCP)
    CHECK(uv_run(loop, UV_RUN_ONCE) != 0);
}

TEST(tcp_getsockname_and_getpeername_name_the_two_ends) {
  uv_loop_t loop;
  uv_tcp_t lone;
  struct sockaddr_storage srv, cpeer, cname, apeer;
  int len;
  CHECK_EQ(uv_loop_init(&loop), 0);
  connect_pair(&loop);
  len = sizeof srv;
  CHECK_EQ(uv_tcp_getsockname(&server, (struct sockaddr*)&srv, &len), 0);
  len = sizeof cpeer;
  CHECK_EQ(uv_tcp_getpeername(&client, (struct sockaddr*)&cpeer, &len), 0);
  CHECK_EQ(len, sizeof(struct sockaddr_in));
  CHECK(memcmp(&srv, &cpeer, sizeof(struct sockaddr_in)) == 0);
  len = sizeof cname;
  CHECK_EQ(uv_tcp_getsockname(&client, (struct sockaddr*)&cname, &len), 0);
  len = sizeof apeer;
  CHECK_EQ(uv_tcp_getpeername(&conn, (struct sockaddr*)&apeer, &len), 0);
  CHECK(memcmp(&cname, &apeer, sizeof(struct sockaddr_in)) == 0);
  /* A listening socket has no peer. */
  len = sizeof apeer;
  CHECK_EQ(uv_tcp_getpeername(&server, (struct sockaddr*)&apeer, &len),
           UV_ENOTCONN);
  CHECK_EQ(uv_tcp_init(&loop, &lone), 0);
  len = sizeof apeer;
  CHECK_EQ(uv_tcp_getsockname(&lone, (struct sockaddr*)&apeer, &len),
           UV_EBADF);
  contract_finish(&loop);
}

static ssize_t reset_nread;
static void read_reset(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  free(buf->base);
  if (n < 0) {
    reset_nread = n;
    uv_close((uv_handle_t*)s, NULL);
  }
}

TEST(tcp_close_reset_makes_the_peer_read_econnreset) {
  uv_loop_t loop;
  CHECK_EQ(uv_loop_init(&loop), 0);
  connect_pair(&loop);
  CHECK_EQ(uv_read_start((uv_stream_t*)&conn, contract_alloc, read_reset), 0);
  CHECK_EQ(uv_tcp_close_reset(&client, NULL), 0);
  CHECK(uv_is_closing((uv_handle_t*)&client));
  uv_close((uv_handle_t*)&server, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(reset_nread, UV_ECONNRESET);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void shut_done(uv_shutdown_t* req, int status) {
  (void)req;
  (void)status;
}

TEST(tcp_close_reset_after_shutdown_is_einval) {
  uv_loop_t loop;
  uv_shutdown_t req;
  CHECK_EQ(uv_loop_init(&loop), 0);
  connect_pair(&loop);
  CHECK_EQ(uv_shutdown(&req, (uv_stream_t*)&client, shut_done), 0);
  CHECK_EQ(uv_tcp_close_reset(&client, NULL), UV_EINVAL);
  CHECK(!uv_is_closing((uv_handle_t*)&client));
  contract_finish(&loop);
}

HARNESS_MAIN
