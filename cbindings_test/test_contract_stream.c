/* The stream page of libuv 1.44's documentation, sentence by sentence, where
 * test_stream.c leaves a gap: accepting twice, uv_read_start on a closing
 * stream, uv_read_stop's idempotence, uv_write2 on a pipe without ipc, the
 * handle member of each request, readable and writable ends, blocking mode,
 * and uv_try_write while connecting. See docs/contract.md. */
#include <uv.h>

#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static uv_tcp_t server, client, accepted, extra;
static uv_connect_t conn_req;
static int first_accept = 1, second_accept = 1;

static void accept_twice(uv_stream_t* s, int status) {
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_tcp_init(s->loop, &accepted), 0);
  CHECK_EQ(uv_tcp_init(s->loop, &extra), 0);
  first_accept = uv_accept(s, (uv_stream_t*)&accepted);
  second_accept = uv_accept(s, (uv_stream_t*)&extra);
  uv_close((uv_handle_t*)s, NULL);
}

static void connected_ok(uv_connect_t* req, int status) {
  CHECK_EQ(status, 0);
  CHECK(req->handle == (uv_stream_t*)&client);
}

static int listen_on_loopback(uv_loop_t* loop, uv_tcp_t* s, uv_connection_cb cb,
                              struct sockaddr_storage* ss) {
  struct sockaddr_in a = contract_lo4(0);
  int len = sizeof *ss;
  CHECK_EQ(uv_tcp_init(loop, s), 0);
  CHECK_EQ(uv_tcp_bind(s, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)s, 16, cb), 0);
  CHECK_EQ(uv_tcp_getsockname(s, (struct sockaddr*)ss, &len), 0);
  return 0;
}

TEST(first_accept_in_a_connection_callback_succeeds_and_a_second_fails) {
  uv_loop_t loop;
  struct sockaddr_storage ss;
  CHECK_EQ(uv_loop_init(&loop), 0);
  listen_on_loopback(&loop, &server, accept_twice, &ss);
  CHECK_EQ(uv_tcp_init(&loop, &client), 0);
  CHECK_EQ(uv_tcp_connect(&conn_req, &client, (struct sockaddr*)&ss,
                          connected_ok),
           0);
  CHECK(conn_req.handle == (uv_stream_t*)&client);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(first_accept, 0);
  CHECK_EQ(second_accept, UV_EAGAIN);
  contract_finish(&loop);
}

static void never_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)n;
  (void)buf;
  CHECK(0);
}

TEST(read_start_on_a_closing_stream_is_einval) {
  uv_loop_t loop;
  uv_pipe_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_read_start((uv_stream_t*)&p, contract_alloc, never_read),
           UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(fds[1]);
}

TEST(read_stop_on_a_stream_not_reading_returns_zero_every_time) {
  uv_loop_t loop;
  uv_pipe_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_read_stop((uv_stream_t*)&p), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&p, contract_alloc, never_read), 0);
  CHECK_EQ(uv_read_stop((uv_stream_t*)&p), 0);
  CHECK_EQ(uv_read_stop((uv_stream_t*)&p), 0);
  CHECK_EQ(write(fds[1], "x", 1), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  contract_finish(&loop);
  close(fds[1]);
}

static void never_written(uv_write_t* req, int status) {
  (void)req;
  (void)status;
  CHECK(0);
}

TEST(write2_with_a_handle_on_a_pipe_without_ipc_is_einval) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_tcp_t t;
  uv_write_t w;
  uv_buf_t b = uv_buf_init("x", 1);
  struct sockaddr_in a = contract_lo4(0);
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_tcp_init(&loop, &t), 0);
  CHECK_EQ(uv_tcp_bind(&t, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_write2(&w, (uv_stream_t*)&p, &b, 1, (uv_stream_t*)&t,
                     never_written),
           UV_EINVAL);
  contract_finish(&loop);
  close(fds[1]);
}

static int write_status = 1;
static void record_write(uv_write_t* req, int status) {
  write_status = status;
  CHECK(req->send_handle == NULL);
}
static int shutdown_status = 1;
static uv_pipe_t* shutdown_stream;
static void record_shutdown(uv_shutdown_t* req, int status) {
  shutdown_status = status;
  CHECK(req->handle == (uv_stream_t*)shutdown_stream);
}

TEST(write_and_shutdown_requests_point_at_their_stream) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_write_t w;
  uv_shutdown_t s;
  uv_buf_t b = uv_buf_init("hello", 5);
  char got[8];
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  shutdown_stream = &p;
  CHECK_EQ(uv_write(&w, (uv_stream_t*)&p, &b, 1, record_write), 0);
  CHECK(w.handle == (uv_stream_t*)&p);
  CHECK_EQ(uv_shutdown(&s, (uv_stream_t*)&p, record_shutdown), 0);
  CHECK(s.handle == (uv_stream_t*)&p);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(write_status, 0);
  CHECK_EQ(shutdown_status, 0);
  CHECK_EQ(read(fds[1], got, sizeof got), 5);
  CHECK_EQ(read(fds[1], got, sizeof got), 0);
  contract_finish(&loop);
  close(fds[1]);
}

TEST(shutdown_makes_the_stream_unwritable_and_leaves_it_readable) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_shutdown_t s;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_is_readable((uv_stream_t*)&p), 1);
  CHECK_EQ(uv_is_writable((uv_stream_t*)&p), 1);
  shutdown_stream = &p;
  CHECK_EQ(uv_shutdown(&s, (uv_stream_t*)&p, record_shutdown), 0);
  CHECK_EQ(uv_is_writable((uv_stream_t*)&p), 0);
  CHECK_EQ(uv_is_readable((uv_stream_t*)&p), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(shutdown_status, 0);
  contract_finish(&loop);
  close(fds[1]);
}

TEST(pipe_ends_are_readable_or_writable_by_their_open_mode) {
  uv_loop_t loop;
  uv_pipe_t r, w;
  int fds[2];
  CHECK_EQ(pipe(fds), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &r, 0), 0);
  CHECK_EQ(uv_pipe_init(&loop, &w, 0), 0);
  CHECK_EQ(uv_pipe_open(&r, fds[0]), 0);
  CHECK_EQ(uv_pipe_open(&w, fds[1]), 0);
  CHECK_EQ(uv_is_readable((uv_stream_t*)&r), 1);
  CHECK_EQ(uv_is_writable((uv_stream_t*)&r), 0);
  CHECK_EQ(uv_is_readable((uv_stream_t*)&w), 0);
  CHECK_EQ(uv_is_writable((uv_stream_t*)&w), 1);
  contract_finish(&loop);
}

#define BLOCKING_TOTAL (1024 * 1024)
static int drain_fd;
static size_t drained;
static void* drain_thread(void* arg) {
  char buf[65536];
  ssize_t n;
  (void)arg;
  while ((n = read(drain_fd, buf, sizeof buf)) > 0)
    drained += (size_t)n;
  return NULL;
}

static int blocking_write_calls;
static void blocking_written(uv_write_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  blocking_write_calls++;
}

TEST(blocking_stream_writes_complete_before_uv_write_returns_but_call_back_later) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_write_t w;
  uv_buf_t b;
  pthread_t th;
  char* data = calloc(1, BLOCKING_TOTAL);
  int fds[2];
  CHECK(data != NULL);
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  drain_fd = fds[1];
  CHECK_EQ(pthread_create(&th, NULL, drain_thread, NULL), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_stream_set_blocking((uv_stream_t*)&p, 1), 0);
  b = uv_buf_init(data, BLOCKING_TOTAL);
  CHECK_EQ(uv_write(&w, (uv_stream_t*)&p, &b, 1, blocking_written), 0);
  /* Far more than a socket buffer holds, and none of it left queued. */
  CHECK_EQ(uv_stream_get_write_queue_size((uv_stream_t*)&p), 0);
  CHECK_EQ(blocking_write_calls, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(blocking_write_calls, 1);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(pthread_join(th, NULL), 0);
  CHECK_EQ(drained, BLOCKING_TOTAL);
  close(fds[1]);
  CHECK_EQ(uv_loop_close(&loop), 0);
  free(data);
}

static void ignore_conn(uv_stream_t* s, int status) {
  (void)s;
  (void)status;
}

static void connect_done(uv_connect_t* req, int status) {
  (void)req;
  (void)status;
}

TEST(try_write_on_a_connecting_stream_is_eagain) {
  uv_loop_t loop;
  uv_tcp_t s, c;
  uv_connect_t req;
  struct sockaddr_storage ss;
  uv_buf_t b = uv_buf_init("x", 1);
  CHECK_EQ(uv_loop_init(&loop), 0);
  listen_on_loopback(&loop, &s, ignore_conn, &ss);
  CHECK_EQ(uv_tcp_init(&loop, &c), 0);
  CHECK_EQ(uv_tcp_connect(&req, &c, (struct sockaddr*)&ss, connect_done), 0);
  CHECK_EQ(uv_try_write((uv_stream_t*)&c, &b, 1), UV_EAGAIN);
  contract_finish(&loop);
}

/* Two ipc pipes over a socketpair, a and b; the handle written on a is
 * accepted from b into *into, of the type uv_pipe_pending_type reports. */
static uv_pipe_t ipc_a, ipc_b;
static uv_handle_type pending_type_seen = UV_UNKNOWN_HANDLE;
static int pending_count_seen = -1;
static uv_handle_t* accept_into;
static int accept_result = 1;

static void ipc_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  free(buf->base);
  if (n <= 0)
    return;
  pending_count_seen = uv_pipe_pending_count((uv_pipe_t*)s);
  if (pending_count_seen > 0) {
    pending_type_seen = uv_pipe_pending_type((uv_pipe_t*)s);
    accept_result = uv_accept(s, (uv_stream_t*)accept_into);
  }
  uv_read_stop(s);
}

static void open_ipc_pair(uv_loop_t* loop) {
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_pipe_init(loop, &ipc_a, 1), 0);
  CHECK_EQ(uv_pipe_init(loop, &ipc_b, 1), 0);
  CHECK_EQ(uv_pipe_open(&ipc_a, fds[0]), 0);
  CHECK_EQ(uv_pipe_open(&ipc_b, fds[1]), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&ipc_b, contract_alloc, ipc_read), 0);
}

static int sent_status = 1;
static void record_sent(uv_write_t* req, int status) {
  (void)req;
  sent_status = status;
}

static int udp_port_of(uv_udp_t* u) {
  struct sockaddr_in a;
  int len = sizeof a;
  CHECK_EQ(uv_udp_getsockname(u, (struct sockaddr*)&a, &len), 0);
  return a.sin_port;
}

TEST(write2_sends_a_udp_handle_over_an_ipc_pipe) {
  uv_loop_t loop;
  uv_udp_t sent, got;
  uv_write_t w;
  uv_buf_t b = uv_buf_init("u", 1);
  struct sockaddr_in a = contract_lo4(0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  open_ipc_pair(&loop);
  CHECK_EQ(uv_udp_init(&loop, &sent), 0);
  CHECK_EQ(uv_udp_bind(&sent, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_udp_init(&loop, &got), 0);
  accept_into = (uv_handle_t*)&got;
  CHECK_EQ(uv_write2(&w, (uv_stream_t*)&ipc_a, &b, 1, (uv_stream_t*)&sent,
                     record_sent),
           0);
  while ((pending_count_seen < 0 || sent_status == 1) &&
         uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  CHECK_EQ(sent_status, 0);
  CHECK_EQ(pending_count_seen, 1);
  CHECK_EQ(pending_type_seen, UV_UDP);
  CHECK_EQ(accept_result, 0);
  CHECK_EQ(udp_port_of(&got), udp_port_of(&sent));
  contract_finish(&loop);
}

TEST(try_write2_sends_a_handle_at_once_over_an_ipc_pipe) {
  uv_loop_t loop;
  uv_tcp_t sent, got;
  uv_buf_t b = uv_buf_init("t", 1);
  struct sockaddr_in a = contract_lo4(0);
  struct sockaddr_storage s1, s2;
  int l1 = sizeof s1, l2 = sizeof s2;
  CHECK_EQ(uv_loop_init(&loop), 0);
  open_ipc_pair(&loop);
  CHECK_EQ(uv_tcp_init(&loop, &sent), 0);
  CHECK_EQ(uv_tcp_bind(&sent, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&sent, 4, ignore_conn), 0);
  CHECK_EQ(uv_tcp_init(&loop, &got), 0);
  accept_into = (uv_handle_t*)&got;
  CHECK_EQ(uv_try_write2((uv_stream_t*)&ipc_a, &b, 1, (uv_stream_t*)&sent), 1);
  while (pending_count_seen < 0 && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  CHECK_EQ(pending_count_seen, 1);
  CHECK_EQ(pending_type_seen, UV_TCP);
  CHECK_EQ(accept_result, 0);
  CHECK_EQ(uv_tcp_getsockname(&sent, (struct sockaddr*)&s1, &l1), 0);
  CHECK_EQ(uv_tcp_getsockname(&got, (struct sockaddr*)&s2, &l2), 0);
  CHECK(memcmp(&s1, &s2, sizeof(struct sockaddr_in)) == 0);
  contract_finish(&loop);
}

static int eof_reads;
static void count_eof(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  free(buf->base);
  if (n == UV_EOF)
    eof_reads++;
}

TEST(reading_stops_by_itself_at_eof_so_the_loop_can_end) {
  uv_loop_t loop;
  uv_pipe_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&p, contract_alloc, count_eof), 0);
  close(fds[1]);
  /* The stream is neither stopped nor closed by the callback. */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(eof_reads, 1);
  CHECK_EQ(uv_is_active((uv_handle_t*)&p), 0);
  contract_finish(&loop);
}

HARNESS_MAIN
