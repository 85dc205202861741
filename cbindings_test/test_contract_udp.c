/* The UDP page of libuv 1.44's documentation, sentence by sentence, where
 * test_udp.c leaves a gap: the socket made by uv_udp_init_ex, uv_udp_open
 * making the socket non-blocking, UV_UDP_REUSEADDR, the implicit bind of
 * uv_udp_send, empty datagrams against the "nothing more to read" call, the
 * handle member of send requests, and uv_udp_recv_stop. See
 * docs/contract.md. */
#include <uv.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static int udp_port(uv_udp_t* u) {
  struct sockaddr_in a;
  int len = sizeof a;
  CHECK_EQ(uv_udp_getsockname(u, (struct sockaddr*)&a, &len), 0);
  return ntohs(a.sin_port);
}

TEST(udp_init_ex_with_a_domain_creates_the_socket_at_once) {
  uv_loop_t loop;
  uv_udp_t a, b;
  uv_os_fd_t fd;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init_ex(&loop, &a, AF_INET), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&a, &fd), 0);
  CHECK(fd >= 0);
  CHECK_EQ(uv_udp_init_ex(&loop, &b, AF_UNSPEC), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&b, &fd), UV_EBADF);
  contract_finish(&loop);
}

TEST(udp_open_puts_the_socket_in_non_blocking_mode) {
  uv_loop_t loop;
  uv_udp_t u;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(s >= 0);
  CHECK_EQ(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &u), 0);
  CHECK_EQ(uv_udp_open(&u, s), 0);
  CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
  contract_finish(&loop);
}

TEST(udp_reuseaddr_lets_two_handles_bind_the_same_port) {
  uv_loop_t loop;
  uv_udp_t a, b, c;
  struct sockaddr_in addr = contract_lo4(0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &a), 0);
  CHECK_EQ(uv_udp_bind(&a, (struct sockaddr*)&addr, UV_UDP_REUSEADDR), 0);
  addr = contract_lo4(udp_port(&a));
  CHECK_EQ(uv_udp_init(&loop, &b), 0);
  CHECK_EQ(uv_udp_bind(&b, (struct sockaddr*)&addr, UV_UDP_REUSEADDR), 0);
  CHECK_EQ(udp_port(&b), udp_port(&a));
  /* Without the flag the port is taken. */
  CHECK_EQ(uv_udp_init(&loop, &c), 0);
  CHECK_EQ(uv_udp_bind(&c, (struct sockaddr*)&addr, 0), UV_EADDRINUSE);
  contract_finish(&loop);
}

static int send_status = 1;
static uv_udp_t* send_handle_expected;
static void record_send(uv_udp_send_t* req, int status) {
  CHECK(req->handle == send_handle_expected);
  send_status = status;
}

TEST(udp_send_on_an_unbound_handle_binds_it_to_the_any_address) {
  uv_loop_t loop;
  uv_udp_t rx, tx;
  uv_udp_send_t req;
  struct sockaddr_in addr = contract_lo4(0), name;
  int len = sizeof name;
  uv_buf_t b = uv_buf_init("ping", 4);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &rx), 0);
  CHECK_EQ(uv_udp_bind(&rx, (struct sockaddr*)&addr, 0), 0);
  addr = contract_lo4(udp_port(&rx));
  CHECK_EQ(uv_udp_init(&loop, &tx), 0);
  send_handle_expected = &tx;
  CHECK_EQ(uv_udp_send(&req, &tx, &b, 1, (struct sockaddr*)&addr, record_send),
           0);
  CHECK(req.handle == &tx);
  CHECK_EQ(uv_udp_getsockname(&tx, (struct sockaddr*)&name, &len), 0);
  CHECK_EQ(name.sin_family, AF_INET);
  CHECK_EQ(name.sin_addr.s_addr, htonl(INADDR_ANY));
  CHECK(ntohs(name.sin_port) != 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(send_status, 0);
  contract_finish(&loop);
}

/* Each receive callback appends one record: 'E' for an empty datagram with an
 * address, 'D' for data, 'N' for nread 0 without an address. */
static char seen[64];
static int nseen;
static void record_recv(uv_udp_t* h, ssize_t n, const uv_buf_t* buf,
                        const struct sockaddr* addr, unsigned flags) {
  (void)flags;
  free(buf->base);
  CHECK(n >= 0);
  if (nseen < 63)
    seen[nseen++] = n > 0 ? 'D' : (addr != NULL ? 'E' : 'N');
  if (n > 0)
    uv_udp_recv_stop(h);
}

TEST(udp_empty_datagram_has_nread_zero_with_an_address_unlike_nothing_to_read) {
  uv_loop_t loop;
  uv_udp_t rx;
  struct sockaddr_in addr = contract_lo4(0);
  int s;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &rx), 0);
  CHECK_EQ(uv_udp_bind(&rx, (struct sockaddr*)&addr, 0), 0);
  addr = contract_lo4(udp_port(&rx));
  s = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK_EQ(sendto(s, "", 0, 0, (struct sockaddr*)&addr, sizeof addr), 0);
  CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr*)&addr, sizeof addr), 1);
  CHECK_EQ(uv_udp_recv_start(&rx, contract_alloc, record_recv), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  seen[nseen] = '\0';
  /* The empty datagram first, then the data; no 'N' between them. */
  CHECK(strcmp(seen, "ED") == 0);
  close(s);
  contract_finish(&loop);
}

static void record_until_drained(uv_udp_t* h, ssize_t n, const uv_buf_t* buf,
                                 const struct sockaddr* addr, unsigned flags) {
  (void)flags;
  free(buf->base);
  CHECK(n >= 0);
  if (nseen < 63)
    seen[nseen++] = n > 0 ? 'D' : (addr != NULL ? 'E' : 'N');
  if (n == 0 && addr == NULL)
    uv_udp_recv_stop(h);
}

TEST(udp_reports_nread_zero_without_an_address_once_drained) {
  uv_loop_t loop;
  uv_udp_t rx;
  struct sockaddr_in addr = contract_lo4(0);
  int s;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &rx), 0);
  CHECK_EQ(uv_udp_bind(&rx, (struct sockaddr*)&addr, 0), 0);
  addr = contract_lo4(udp_port(&rx));
  s = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr*)&addr, sizeof addr), 1);
  nseen = 0;
  CHECK_EQ(uv_udp_recv_start(&rx, contract_alloc, record_until_drained), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  seen[nseen] = '\0';
  CHECK(strcmp(seen, "DN") == 0);
  close(s);
  contract_finish(&loop);
}

static int late_calls;
static void count_recv(uv_udp_t* h, ssize_t n, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void)h;
  (void)n;
  (void)addr;
  (void)flags;
  free(buf->base);
  late_calls++;
}

TEST(udp_recv_stop_returns_zero_and_later_datagrams_are_not_delivered) {
  uv_loop_t loop;
  uv_udp_t rx;
  struct sockaddr_in addr = contract_lo4(0);
  int s;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &rx), 0);
  CHECK_EQ(uv_udp_bind(&rx, (struct sockaddr*)&addr, 0), 0);
  addr = contract_lo4(udp_port(&rx));
  CHECK_EQ(uv_udp_recv_start(&rx, contract_alloc, count_recv), 0);
  CHECK_EQ(uv_udp_recv_stop(&rx), 0);
  CHECK_EQ(uv_udp_recv_stop(&rx), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&rx), 0);
  s = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr*)&addr, sizeof addr), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(late_calls, 0);
  close(s);
  contract_finish(&loop);
}

TEST(udp_bind_with_linux_recverr_turns_on_ip_recverr) {
  uv_loop_t loop;
  uv_udp_t a, b;
  struct sockaddr_in addr = contract_lo4(0);
  uv_os_fd_t fd;
  int v = -1;
  socklen_t len = sizeof v;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &a), 0);
  CHECK_EQ(uv_udp_bind(&a, (struct sockaddr*)&addr, UV_UDP_LINUX_RECVERR), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&a, &fd), 0);
  CHECK_EQ(getsockopt(fd, IPPROTO_IP, IP_RECVERR, &v, &len), 0);
  CHECK_EQ(v, 1);
  CHECK_EQ(uv_udp_init(&loop, &b), 0);
  CHECK_EQ(uv_udp_bind(&b, (struct sockaddr*)&addr, 0), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&b, &fd), 0);
  v = -1;
  CHECK_EQ(getsockopt(fd, IPPROTO_IP, IP_RECVERR, &v, &len), 0);
  CHECK_EQ(v, 0);
  contract_finish(&loop);
}

HARNESS_MAIN
