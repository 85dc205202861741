/* What a closed loop looks like and how calls on it answer. Debian's libuv
 * is built with assertions enabled, and then uv_loop_close fills the loop
 * with 0xff bytes, keeping only the data pointer. Programs come to depend
 * on what follows from that: a second uv_loop_close says UV_EBUSY (so a
 * "close until UV_EBUSY" shutdown loop ends), uv_loop_alive says alive,
 * and uv_loop_init on the same memory starts a fresh loop. */
#include <uv.h>

#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "harness.h"
#include "uvtest.h"

/* Every byte of the loop but those of its data pointer is 0xff. */
static void check_closed_pattern(const uv_loop_t* loop) {
  const unsigned char* p = (const unsigned char*)loop;
  size_t data_at = offsetof(uv_loop_t, data);
  size_t i;
  for (i = 0; i < sizeof(*loop); i++) {
    if (i >= data_at && i < data_at + sizeof(loop->data))
      continue;
    if (p[i] != 0xff) {
      fprintf(stderr, "byte %zu of the closed loop is 0x%02x\n", i, p[i]);
      CHECK(p[i] == 0xff);
    }
  }
}

static void noop_timer(uv_timer_t* t) { (void)t; }

static int default_fired;

static void default_timer_cb(uv_timer_t* t) {
  (void)t;
  default_fired++;
}

TEST(closed_loop_is_all_0xff_bytes_except_data) {
  uv_loop_t loop;
  int marker;
  memset(&loop, 0, sizeof(loop));
  loop.data = &marker;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  check_closed_pattern(&loop);
  CHECK(loop.data == &marker);
  CHECK(uv_loop_get_data(&loop) == &marker);
}

TEST(a_loop_that_ran_handles_is_also_all_0xff_after_close) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  loop.data = NULL;
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, noop_timer, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
  check_closed_pattern(&loop);
  CHECK(loop.data == NULL);
}

TEST(closing_a_closed_loop_again_says_ebusy_and_it_reads_alive) {
  uv_loop_t loop;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  CHECK(uv_loop_alive(&loop) != 0);
  /* The fields a host reads directly hold what the pattern gives them. */
  CHECK_EQ(uv_backend_fd(&loop), -1);
  CHECK_EQ(uv_backend_timeout(&loop), 0);
  CHECK(uv_now(&loop) == UINT64_MAX);
  CHECK(loop.active_handles == UINT_MAX);
  CHECK(loop.stop_flag == UINT_MAX);
  /* None of these calls changed a byte. */
  check_closed_pattern(&loop);
}

/* The shutdown idiom some bindings use: close until the library says the
 * loop is busy, which on a closed loop it always does. */
TEST(close_until_ebusy_shutdown_loop_ends) {
  uv_loop_t loop;
  uv_idle_t idle;
  int calls = 0;
  int rc;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  close_calls = 0;
  uv_close((uv_handle_t*)&idle, count_close);
  do {
    rc = uv_loop_close(&loop);
    if (rc == 0)
      break;
    CHECK_EQ(rc, UV_EBUSY);
    CHECK(uv_run(&loop, UV_RUN_ONCE) >= 0);
    CHECK(++calls < 100);
  } while (1);
  CHECK_EQ(close_calls, 1);
  calls = 0;
  do {
    rc = uv_loop_close(&loop);
    CHECK(++calls < 100);
  } while (rc != UV_EBUSY);
  CHECK_EQ(calls, 1);
}

TEST(loop_init_on_a_closed_loop_makes_a_fresh_open_loop) {
  uv_loop_t loop;
  uv_timer_t timer;
  int marker;
  CHECK_EQ(uv_loop_init(&loop), 0);
  loop.data = &marker;
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK(loop.data == &marker);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(loop.stop_flag, 0);
  CHECK(uv_backend_fd(&loop) >= 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  default_fired = 0;
  CHECK_EQ(uv_timer_start(&timer, default_timer_cb, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(default_fired, 1);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
  /* And it closes like any other loop. */
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
}

/* After the default loop is closed, uv_default_loop() opens a new one (in
 * the same static storage, in both libraries) that works like the first. */
TEST(default_loop_after_close_is_a_new_working_loop) {
  uv_loop_t* first = uv_default_loop();
  uv_loop_t* second;
  uv_timer_t timer;
  int round;
  CHECK(first != NULL);
  for (round = 0; round < 3; round++) {
    uv_loop_t* loop = uv_default_loop();
    default_fired = 0;
    CHECK(loop != NULL);
    CHECK_EQ(uv_loop_alive(loop), 0);
    CHECK_EQ(uv_timer_init(loop, &timer), 0);
    CHECK_EQ(uv_timer_start(&timer, default_timer_cb, 1, 0), 0);
    CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
    CHECK_EQ(default_fired, 1);
    uv_close((uv_handle_t*)&timer, NULL);
    CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
    CHECK_EQ(uv_loop_close(loop), 0);
    check_closed_pattern(loop);
    CHECK_EQ(uv_loop_close(loop), UV_EBUSY);
  }
  second = uv_default_loop();
  CHECK(second == first);
  CHECK_EQ(uv_loop_alive(second), 0);
  CHECK_EQ(uv_loop_close(second), 0);
}

HARNESS_MAIN
