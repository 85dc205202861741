/* The handle page of libuv 1.44's documentation, sentence by sentence: when
 * close callbacks run, what closing does to descriptors and requests in
 * flight, when i/o handles are active, and uv_fileno's errors. See
 * docs/contract.md. */
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static int closed_here;
static void mark_closed(uv_handle_t* h) {
  (void)h;
  closed_here++;
}

TEST(close_callback_runs_later_never_inside_uv_close) {
  uv_loop_t loop;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  closed_here = 0;
  uv_close((uv_handle_t*)&idle, mark_closed);
  CHECK_EQ(closed_here, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(closed_here, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(closing_a_handle_that_wraps_a_descriptor_closes_it_at_once) {
  uv_loop_t loop;
  uv_pipe_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  closed_here = 0;
  uv_close((uv_handle_t*)&p, mark_closed);
  /* The descriptor is gone before the loop runs; the callback is not. */
  CHECK(!contract_fd_open(fds[0]));
  CHECK_EQ(closed_here, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(closed_here, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(fds[1]);
}

static int connect_status = 1;
static int connect_calls;
static void record_connect(uv_connect_t* req, int status) {
  (void)req;
  connect_status = status;
  connect_calls++;
}

TEST(closing_a_connecting_tcp_handle_calls_the_connect_back_with_ecanceled) {
  uv_loop_t loop;
  uv_tcp_t server, client;
  uv_connect_t req;
  struct sockaddr_storage ss;
  int len = sizeof ss;
  struct sockaddr_in a = contract_lo4(0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &server), 0);
  CHECK_EQ(uv_tcp_bind(&server, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 8, NULL), 0);
  CHECK_EQ(uv_tcp_getsockname(&server, (struct sockaddr*)&ss, &len), 0);
  CHECK_EQ(uv_tcp_init(&loop, &client), 0);
  CHECK_EQ(uv_tcp_connect(&req, &client, (struct sockaddr*)&ss, record_connect),
           0);
  uv_close((uv_handle_t*)&client, NULL);
  CHECK_EQ(connect_calls, 0);
  uv_close((uv_handle_t*)&server, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(connect_calls, 1);
  CHECK_EQ(connect_status, UV_ECANCELED);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void ignore_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)n;
  free(buf->base);
}

TEST(a_stream_is_active_while_reading_and_inactive_after_read_stop) {
  uv_loop_t loop;
  uv_pipe_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&p), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&p, contract_alloc, ignore_read), 0);
  CHECK(uv_is_active((uv_handle_t*)&p) != 0);
  CHECK_EQ(uv_read_stop((uv_stream_t*)&p), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&p), 0);
  contract_finish(&loop);
  close(fds[1]);
}

static void ignore_connection(uv_stream_t* s, int status) {
  (void)s;
  (void)status;
}

TEST(a_tcp_server_is_active_once_listening) {
  uv_loop_t loop;
  uv_tcp_t server;
  struct sockaddr_in a = contract_lo4(0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &server), 0);
  CHECK_EQ(uv_tcp_bind(&server, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&server), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 8, ignore_connection), 0);
  CHECK(uv_is_active((uv_handle_t*)&server) != 0);
  contract_finish(&loop);
}

TEST(handles_are_referenced_from_init) {
  uv_loop_t loop;
  uv_timer_t t;
  uv_tcp_t tcp;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_tcp_init(&loop, &tcp), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK(uv_has_ref((uv_handle_t*)&t));
  CHECK(uv_has_ref((uv_handle_t*)&tcp));
  CHECK(uv_has_ref((uv_handle_t*)&idle));
  contract_finish(&loop);
}

TEST(fileno_of_a_handle_without_a_descriptor_kind_is_einval) {
  uv_loop_t loop;
  uv_timer_t t;
  uv_idle_t idle;
  uv_os_fd_t fd = -7;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&t, &fd), UV_EINVAL);
  CHECK_EQ(uv_fileno((uv_handle_t*)&idle, &fd), UV_EINVAL);
  contract_finish(&loop);
}

TEST(fileno_before_a_descriptor_is_attached_is_ebadf) {
  uv_loop_t loop;
  uv_tcp_t tcp;
  uv_pipe_t pipe;
  uv_udp_t udp;
  uv_os_fd_t fd = -7;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &tcp), 0);
  CHECK_EQ(uv_pipe_init(&loop, &pipe, 0), 0);
  CHECK_EQ(uv_udp_init(&loop, &udp), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&tcp, &fd), UV_EBADF);
  CHECK_EQ(uv_fileno((uv_handle_t*)&pipe, &fd), UV_EBADF);
  CHECK_EQ(uv_fileno((uv_handle_t*)&udp, &fd), UV_EBADF);
  contract_finish(&loop);
}

TEST(fileno_of_a_closing_handle_is_ebadf) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_os_fd_t fd = -7;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&p, &fd), 0);
  CHECK_EQ(fd, fds[0]);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_fileno((uv_handle_t*)&p, &fd), UV_EBADF);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(fds[1]);
}

TEST(fileno_of_a_poll_handle_is_its_descriptor) {
  uv_loop_t loop;
  uv_poll_t p;
  uv_os_fd_t fd = -7;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &p, fds[0]), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&p, &fd), 0);
  CHECK_EQ(fd, fds[0]);
  contract_finish(&loop);
  close(fds[0]);
  close(fds[1]);
}

TEST(buffer_size_zero_reads_and_a_positive_value_sets_the_doubled_size) {
  uv_loop_t loop;
  uv_udp_t u;
  struct sockaddr_in a = contract_lo4(0);
  int v = 0, set;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &u), 0);
  CHECK_EQ(uv_udp_bind(&u, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_send_buffer_size((uv_handle_t*)&u, &v), 0);
  CHECK(v > 0);
  set = 32768;
  CHECK_EQ(uv_send_buffer_size((uv_handle_t*)&u, &set), 0);
  v = 0;
  CHECK_EQ(uv_send_buffer_size((uv_handle_t*)&u, &v), 0);
  CHECK_EQ(v, 2 * 32768);
  set = 32768;
  CHECK_EQ(uv_recv_buffer_size((uv_handle_t*)&u, &set), 0);
  v = 0;
  CHECK_EQ(uv_recv_buffer_size((uv_handle_t*)&u, &v), 0);
  CHECK_EQ(v, 2 * 32768);
  contract_finish(&loop);
}

static size_t suggested_seen;
static void record_suggested(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  suggested_seen = suggested;
  contract_alloc(h, suggested, buf);
}
static void stop_on_data(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  free(buf->base);
  if (n > 0)
    uv_read_stop(s);
}
static void stop_on_datagram(uv_udp_t* u, ssize_t n, const uv_buf_t* buf,
                             const struct sockaddr* addr, unsigned flags) {
  (void)flags;
  free(buf->base);
  if (n > 0 && addr != NULL)
    uv_udp_recv_stop(u);
}

TEST(alloc_callbacks_are_offered_a_suggested_size_of_64_kib) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_udp_t u;
  struct sockaddr_in a = contract_lo4(0);
  int len = sizeof a;
  int fds[2], s;
  contract_socketpair(fds);
  CHECK_EQ(write(fds[1], "x", 1), 1);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&p, record_suggested, stop_on_data), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(suggested_seen, 65536);
  suggested_seen = 0;
  CHECK_EQ(uv_udp_init(&loop, &u), 0);
  CHECK_EQ(uv_udp_bind(&u, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_udp_getsockname(&u, (struct sockaddr*)&a, &len), 0);
  s = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr*)&a, sizeof a), 1);
  CHECK_EQ(uv_udp_recv_start(&u, record_suggested, stop_on_datagram), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(suggested_seen, 65536);
  close(s);
  contract_finish(&loop);
  close(fds[1]);
}

TEST(is_closing_stays_true_after_the_close_callback_ran) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_is_closing((uv_handle_t*)&t), 0);
  closed_here = 0;
  uv_close((uv_handle_t*)&t, mark_closed);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(closed_here, 1);
  /* Closed, not just closing, and still reported. */
  CHECK(uv_is_closing((uv_handle_t*)&t) != 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&t), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static char cancel_order[8];
static int cancel_n;
static void cancelled_write(uv_write_t* req, int status) {
  (void)req;
  CHECK_EQ(status, UV_ECANCELED);
  cancel_order[cancel_n++] = 'w';
}
static void cancelled_shutdown(uv_shutdown_t* req, int status) {
  (void)req;
  CHECK_EQ(status, UV_ECANCELED);
  cancel_order[cancel_n++] = 's';
}
static void closed_last(uv_handle_t* h) {
  (void)h;
  cancel_order[cancel_n++] = 'c';
}

TEST(closing_a_stream_cancels_its_write_then_its_shutdown_then_calls_close_back) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_write_t w;
  uv_shutdown_t s;
  size_t big = 8 << 20;
  char* data = calloc(1, big);
  uv_buf_t b = uv_buf_init(data, (unsigned)big);
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  /* Far more than the socket holds: the write stays queued. */
  CHECK_EQ(uv_write(&w, (uv_stream_t*)&p, &b, 1, cancelled_write), 0);
  CHECK_EQ(uv_shutdown(&s, (uv_stream_t*)&p, cancelled_shutdown), 0);
  uv_close((uv_handle_t*)&p, closed_last);
  CHECK_EQ(cancel_n, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  cancel_order[cancel_n] = '\0';
  CHECK(strcmp(cancel_order, "wsc") == 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(fds[1]);
  free(data);
}

TEST(buffer_sizes_work_on_socket_pipes_and_not_on_other_handle_kinds) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_timer_t t;
  int fds[2], v;
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  v = 0;
  CHECK_EQ(uv_send_buffer_size((uv_handle_t*)&p, &v), 0);
  CHECK(v > 0);
  v = 0;
  CHECK_EQ(uv_recv_buffer_size((uv_handle_t*)&p, &v), 0);
  CHECK(v > 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  v = 0;
  CHECK_EQ(uv_send_buffer_size((uv_handle_t*)&t, &v), UV_ENOTSUP);
  CHECK_EQ(uv_recv_buffer_size((uv_handle_t*)&t, &v), UV_ENOTSUP);
  contract_finish(&loop);
  close(fds[1]);
}

HARNESS_MAIN
