/* The timer, idle and async pages of libuv 1.44's documentation, sentence by
 * sentence, where test_timer.c, test_watcher.c and test_async.c leave a gap:
 * uv_timer_start not updating the loop's time, the repeat measured from the
 * start of the tick, a repeat set inside a repeating callback, and async
 * handles with no callback. See docs/contract.md. */
#include <uv.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static int fired;
static void count_fire(uv_timer_t* t) {
  (void)t;
  fired++;
}

TEST(timer_start_measures_from_the_cached_now_without_updating_it) {
  uv_loop_t loop;
  uv_timer_t t;
  uint64_t now0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  uv_update_time(&loop);
  now0 = uv_now(&loop);
  sleep_ms(60);
  CHECK_EQ(uv_timer_start(&t, count_fire, 20, 0), 0);
  /* The loop's time was not advanced: the timer is due 20 ms after the
   * stale time, which has already passed. */
  CHECK_EQ(uv_now(&loop), now0);
  CHECK_EQ(uv_timer_get_due_in(&t), 20);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(fired, 1);
  contract_finish(&loop);
}

static uint64_t due_after_callback_work;
static void slow_repeat_cb(uv_timer_t* t) {
  sleep_ms(40);
  uv_update_time(t->loop);
  due_after_callback_work = uv_timer_get_due_in(t);
  uv_timer_stop(t);
}

TEST(repeat_interval_counts_from_the_tick_not_from_the_callback_end) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, slow_repeat_cb, 1, 100), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  /* 40 ms of the 100 ms interval were spent in the callback. */
  CHECK(due_after_callback_work <= 60);
  contract_finish(&loop);
}

static uint64_t due_in_cb, repeat_in_cb;
static void change_repeat_cb(uv_timer_t* t) {
  uv_timer_set_repeat(t, 5000);
  due_in_cb = uv_timer_get_due_in(t);
  repeat_in_cb = uv_timer_get_repeat(t);
  CHECK(uv_is_active((uv_handle_t*)t));
  uv_timer_stop(t);
}

TEST(repeat_set_inside_a_repeating_callback_waits_for_the_next_schedule) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, change_repeat_cb, 1, 10), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  /* Already rescheduled with the old repeat of 10 ms. */
  CHECK(due_in_cb <= 10);
  CHECK_EQ(repeat_in_cb, 5000);
  contract_finish(&loop);
}

static int repeat_calls;
static void stop_after_three(uv_timer_t* t) {
  if (++repeat_calls == 3)
    CHECK_EQ(uv_timer_stop(t), 0);
}

TEST(timer_stop_returns_zero_and_the_callback_is_not_called_again) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, stop_after_three, 1, 1), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(repeat_calls, 3);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(repeat_calls, 3);
  contract_finish(&loop);
}

TEST(idle_init_and_stop_always_return_zero) {
  uv_loop_t loop;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_stop(&idle), 0);
  CHECK_EQ(uv_idle_stop(&idle), 0);
  contract_finish(&loop);
}

static void close_async_in_idle(uv_idle_t* idle) {
  uv_close((uv_handle_t*)idle->data, NULL);
  uv_close((uv_handle_t*)idle, NULL);
}

TEST(async_init_accepts_a_null_callback_and_send_still_succeeds) {
  uv_loop_t loop;
  uv_async_t a;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &a, NULL), 0);
  CHECK(uv_is_active((uv_handle_t*)&a));
  CHECK_EQ(uv_async_send(&a), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  idle.data = &a;
  CHECK_EQ(uv_idle_start(&idle, close_async_in_idle), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
