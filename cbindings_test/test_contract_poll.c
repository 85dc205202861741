/* The poll page of libuv 1.44's documentation, sentence by sentence: level
 * triggering, changing the event mask of an active handle, uv_poll_stop
 * cancelling a pending callback, disconnection and out-of-band data, and
 * uv_poll_init_socket being uv_poll_init. See docs/contract.md. */
#include <uv.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static int poll_calls;
static int last_status = 1;
static int last_events;

static void stop_after_five(uv_poll_t* p, int status, int events) {
  last_status = status;
  last_events = events;
  if (++poll_calls == 5)
    uv_poll_stop(p);
}

TEST(poll_callback_repeats_while_the_data_stays_unread) {
  uv_loop_t loop;
  uv_poll_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(write(fds[1], "x", 1), 1);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &p, fds[0]), 0);
  /* Readable before the start: reported all the same. */
  CHECK_EQ(uv_poll_start(&p, UV_READABLE, stop_after_five), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(poll_calls, 5);
  CHECK_EQ(last_status, 0);
  CHECK_EQ(last_events, UV_READABLE);
  contract_finish(&loop);
  close(fds[0]);
  close(fds[1]);
}

static int seen_events;
static void record_and_stop(uv_poll_t* p, int status, int events) {
  CHECK_EQ(status, 0);
  seen_events = events;
  uv_poll_stop(p);
}

TEST(poll_start_on_an_active_handle_replaces_the_event_mask) {
  uv_loop_t loop;
  uv_poll_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &p, fds[0]), 0);
  /* Nothing to read yet, but always writable. */
  CHECK_EQ(uv_poll_start(&p, UV_READABLE, record_and_stop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(seen_events, 0);
  CHECK_EQ(uv_poll_start(&p, UV_WRITABLE, record_and_stop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(seen_events, UV_WRITABLE);
  contract_finish(&loop);
  close(fds[0]);
  close(fds[1]);
}

static uv_poll_t pa, pb;
static int pa_calls, pb_calls;
static void stop_other(uv_poll_t* p, int status, int events) {
  (void)status;
  (void)events;
  if (p == &pa) {
    pa_calls++;
    uv_poll_stop(&pb);
  } else {
    pb_calls++;
    uv_poll_stop(&pa);
  }
  uv_poll_stop(p);
}

TEST(poll_stop_cancels_a_callback_already_pending_in_the_same_iteration) {
  uv_loop_t loop;
  int a[2], b[2];
  contract_socketpair(a);
  contract_socketpair(b);
  CHECK_EQ(write(a[1], "x", 1), 1);
  CHECK_EQ(write(b[1], "x", 1), 1);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &pa, a[0]), 0);
  CHECK_EQ(uv_poll_init(&loop, &pb, b[0]), 0);
  CHECK_EQ(uv_poll_start(&pa, UV_READABLE, stop_other), 0);
  CHECK_EQ(uv_poll_start(&pb, UV_READABLE, stop_other), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  /* Both were readable in one poll; whichever ran first stopped the other. */
  CHECK_EQ(pa_calls + pb_calls, 1);
  contract_finish(&loop);
  close(a[0]);
  close(a[1]);
  close(b[0]);
  close(b[1]);
}

static void record_disconnect(uv_poll_t* p, int status, int events) {
  CHECK_EQ(status, 0);
  seen_events = events;
  uv_poll_stop(p);
}

TEST(poll_reports_disconnect_when_the_peer_closes) {
  uv_loop_t loop;
  uv_poll_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &p, fds[0]), 0);
  CHECK_EQ(uv_poll_start(&p, UV_READABLE | UV_DISCONNECT, record_disconnect),
           0);
  close(fds[1]);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(seen_events & UV_READABLE);
  CHECK(seen_events & UV_DISCONNECT);
  contract_finish(&loop);
  close(fds[0]);
}

static void record_prioritized(uv_poll_t* p, int status, int events) {
  CHECK_EQ(status, 0);
  if (events & UV_PRIORITIZED) {
    seen_events = events;
    uv_poll_stop(p);
  }
}

TEST(poll_prioritized_reports_tcp_out_of_band_data) {
  uv_loop_t loop;
  uv_poll_t p;
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  int lfd, cfd, sfd, one = 1;
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(lfd >= 0);
  a = contract_lo4(0);
  CHECK_EQ(bind(lfd, (struct sockaddr*)&a, sizeof a), 0);
  CHECK_EQ(listen(lfd, 1), 0);
  CHECK_EQ(getsockname(lfd, (struct sockaddr*)&a, &len), 0);
  cfd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK_EQ(connect(cfd, (struct sockaddr*)&a, sizeof a), 0);
  sfd = accept(lfd, NULL, NULL);
  CHECK(sfd >= 0);
  CHECK_EQ(setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init_socket(&loop, &p, sfd), 0);
  seen_events = 0;
  CHECK_EQ(uv_poll_start(&p, UV_PRIORITIZED, record_prioritized), 0);
  CHECK_EQ(send(cfd, "!", 1, MSG_OOB), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(seen_events & UV_PRIORITIZED);
  contract_finish(&loop);
  close(sfd);
  close(cfd);
  close(lfd);
}

TEST(poll_init_socket_behaves_as_poll_init_on_unix) {
  uv_loop_t loop;
  uv_poll_t p;
  uv_os_fd_t fd;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init_socket(&loop, &p, fds[0]), 0);
  CHECK_EQ(uv_handle_get_type((uv_handle_t*)&p), UV_POLL);
  CHECK_EQ(uv_fileno((uv_handle_t*)&p, &fd), 0);
  CHECK_EQ(fd, fds[0]);
  CHECK_EQ(uv_poll_start(&p, UV_WRITABLE, record_and_stop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(seen_events, UV_WRITABLE);
  contract_finish(&loop);
  close(fds[0]);
  close(fds[1]);
}

TEST(poll_stop_returns_zero_and_the_descriptor_may_be_closed_at_once) {
  uv_loop_t loop;
  uv_poll_t p;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &p, fds[0]), 0);
  CHECK_EQ(uv_poll_start(&p, UV_READABLE, record_and_stop), 0);
  CHECK_EQ(uv_poll_stop(&p), 0);
  close(fds[0]);
  CHECK_EQ(uv_is_active((uv_handle_t*)&p), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  contract_finish(&loop);
  close(fds[1]);
}

HARNESS_MAIN
