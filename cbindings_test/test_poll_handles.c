/* Several poll handles on one descriptor: each may be initialised, but
 * only one may watch it at a time. uv_poll_start on a second handle while
 * another one watches the descriptor says UV_EEXIST; once the first stops,
 * the second may start, and then it alone hears the events. */
#include <uv.h>

#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

static int first_calls, second_calls;

static void first_cb(uv_poll_t* p, int status, int events) {
  (void)p;
  (void)status;
  (void)events;
  first_calls++;
}

static void second_cb(uv_poll_t* p, int status, int events) {
  CHECK_EQ(status, 0);
  CHECK(events & UV_READABLE);
  second_calls++;
  CHECK_EQ(uv_poll_stop(p), 0);
}

TEST(second_poll_handle_on_a_watched_descriptor_gets_eexist_until_the_first_stops) {
  uv_loop_t loop;
  uv_poll_t first, second;
  int sv[2];
  first_calls = second_calls = 0;
  close_calls = 0;
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &first, sv[0]), 0);
  CHECK_EQ(uv_poll_init(&loop, &second, sv[0]), 0);
  CHECK_EQ(uv_poll_start(&first, UV_READABLE, first_cb), 0);
  CHECK_EQ(uv_poll_start(&second, UV_READABLE, second_cb), UV_EEXIST);
  CHECK_EQ(uv_poll_start(&second, UV_WRITABLE, second_cb), UV_EEXIST);
  CHECK(!uv_is_active((uv_handle_t*)&second));
  /* The first may change what it watches. */
  CHECK_EQ(uv_poll_start(&first, UV_READABLE | UV_WRITABLE, first_cb), 0);
  CHECK_EQ(uv_poll_stop(&first), 0);
  CHECK_EQ(uv_poll_start(&second, UV_READABLE, second_cb), 0);
  /* Now the first is the one refused. */
  CHECK_EQ(uv_poll_start(&first, UV_READABLE, first_cb), UV_EEXIST);
  CHECK_EQ(write(sv[1], "x", 1), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(first_calls, 0);
  CHECK_EQ(second_calls, 1);
  uv_close((uv_handle_t*)&first, count_close);
  uv_close((uv_handle_t*)&second, count_close);
  finish_loop(&loop);
  CHECK_EQ(close_calls, 2);
  close(sv[0]);
  close(sv[1]);
}

/* The same after the first handle's watch reached epoll: a loop iteration
 * ran while it watched. Then the second handle, started after the first
 * stopped, must hear the descriptor (the first one's stop must not take
 * the registration away from it). */
TEST(poll_handle_started_after_another_stopped_in_the_same_iteration_hears_events) {
  uv_loop_t loop;
  uv_poll_t first, second;
  int sv[2];
  first_calls = second_calls = 0;
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_poll_init(&loop, &first, sv[0]), 0);
  CHECK_EQ(uv_poll_init(&loop, &second, sv[0]), 0);
  CHECK_EQ(uv_poll_start(&first, UV_READABLE, first_cb), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(first_calls, 0);
  /* In one go: stop the idle second handle, stop the first, start the
   * second. */
  CHECK_EQ(uv_poll_stop(&second), 0);
  CHECK_EQ(uv_poll_stop(&first), 0);
  CHECK_EQ(uv_poll_start(&second, UV_READABLE, second_cb), 0);
  CHECK_EQ(uv_poll_stop(&second), 0);
  CHECK_EQ(uv_poll_start(&second, UV_READABLE, second_cb), 0);
  CHECK_EQ(write(sv[1], "x", 1), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(first_calls, 0);
  CHECK_EQ(second_calls, 1);
  uv_close((uv_handle_t*)&first, NULL);
  uv_close((uv_handle_t*)&second, NULL);
  finish_loop(&loop);
  close(sv[0]);
  close(sv[1]);
}

HARNESS_MAIN
