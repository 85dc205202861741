/* Timers: ordering of equal and different due times, repeat, uv_timer_again,
 * stopping/restarting/closing from inside the callback, the repeat and due-in
 * getters, zero and huge timeouts, argument errors, and liveness. */
#include <uv.h>

#include <errno.h>
#include <time.h>

#include "harness.h"
#include "uvtest.h"

static int calls;

static void count_cb(uv_timer_t* t) {
  (void)t;
  calls++;
}

/* Each timer's data points at its index; fired indexes are appended here. */
static int fired[16];
static int nfired;

static void record_cb(uv_timer_t* t) {
  if (nfired < 16)
    fired[nfired] = *(int*)t->data;
  nfired++;
}

/* ---- ordering -------------------------------------------------------- */

TEST(timers_with_equal_timeout_fire_in_start_order) {
  uv_loop_t loop;
  uv_timer_t timers[5];
  int ids[5];
  int i;
  nfired = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  /* Init in reverse, start in forward order: start order is what counts. */
  for (i = 4; i >= 0; i--) {
    CHECK_EQ(uv_timer_init(&loop, &timers[i]), 0);
    ids[i] = i;
    timers[i].data = &ids[i];
  }
  for (i = 0; i < 5; i++)
    CHECK_EQ(uv_timer_start(&timers[i], record_cb, 10, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(nfired, 5);
  for (i = 0; i < 5; i++)
    CHECK_EQ(fired[i], i);
  for (i = 0; i < 5; i++)
    uv_close((uv_handle_t*)&timers[i], NULL);
  finish_loop(&loop);
}

TEST(restarted_timer_fires_after_timers_started_later_with_same_due_time) {
  uv_loop_t loop;
  uv_timer_t a, b, c;
  int ia = 0, ib = 1, ic = 2;
  nfired = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &a), 0);
  CHECK_EQ(uv_timer_init(&loop, &b), 0);
  CHECK_EQ(uv_timer_init(&loop, &c), 0);
  a.data = &ia;
  b.data = &ib;
  c.data = &ic;
  /* No uv_update_time in between: all three have the same due time, and
   * restarting a counts as starting it last. */
  CHECK_EQ(uv_timer_start(&a, record_cb, 5, 0), 0);
  CHECK_EQ(uv_timer_start(&b, record_cb, 5, 0), 0);
  CHECK_EQ(uv_timer_start(&c, record_cb, 5, 0), 0);
  CHECK_EQ(uv_timer_start(&a, record_cb, 5, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(nfired, 3);
  CHECK_EQ(fired[0], 1);
  CHECK_EQ(fired[1], 2);
  CHECK_EQ(fired[2], 0);
  uv_close((uv_handle_t*)&a, NULL);
  uv_close((uv_handle_t*)&b, NULL);
  uv_close((uv_handle_t*)&c, NULL);
  finish_loop(&loop);
}

TEST(timers_fire_in_due_time_order_not_start_order) {
  uv_loop_t loop;
  uv_timer_t slow, fast;
  int islow = 0, ifast = 1;
  nfired = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &slow), 0);
  CHECK_EQ(uv_timer_init(&loop, &fast), 0);
  slow.data = &islow;
  fast.data = &ifast;
  CHECK_EQ(uv_timer_start(&slow, record_cb, 40, 0), 0);
  CHECK_EQ(uv_timer_start(&fast, record_cb, 5, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(nfired, 2);
  CHECK_EQ(fired[0], 1);
  CHECK_EQ(fired[1], 0);
  uv_close((uv_handle_t*)&slow, NULL);
  uv_close((uv_handle_t*)&fast, NULL);
  finish_loop(&loop);
}

static uint64_t started_at;
static uint64_t fired_at;

static void record_time_cb(uv_timer_t* t) {
  fired_at = uv_now(t->loop);
}

TEST(timer_does_not_fire_before_its_timeout) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t hr0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  uv_update_time(&loop);
  started_at = uv_now(&loop);
  hr0 = uv_hrtime();
  CHECK_EQ(uv_timer_start(&timer, record_time_cb, 30, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(fired_at >= started_at + 30);
  /* Real time too, with slack for the loop clock's millisecond rounding. */
  CHECK(uv_hrtime() - hr0 >= 25ULL * 1000000ULL);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- repeat ------------------------------------------------------------ */

static void close_on_fifth(uv_timer_t* t) {
  calls++;
  if (calls == 5)
    uv_close((uv_handle_t*)t, count_close);
}

TEST(repeating_timer_fires_repeatedly_until_closed) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = close_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, close_on_fifth, 1, 2), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 5);
  CHECK_EQ(close_calls, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int active_in_cb;
static void note_active_cb(uv_timer_t* t) {
  calls++;
  active_in_cb = uv_is_active((uv_handle_t*)t);
  if (uv_timer_get_repeat(t) != 0)
    CHECK_EQ(uv_timer_stop(t), 0);
}

TEST(callback_sees_one_shot_timer_inactive_and_repeating_timer_active) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  active_in_cb = -1;
  CHECK_EQ(uv_timer_start(&timer, note_active_cb, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(active_in_cb, 0);
  active_in_cb = -1;
  CHECK_EQ(uv_timer_start(&timer, note_active_cb, 1, 1000), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(active_in_cb, 1);
  CHECK_EQ(calls, 2);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(timer_set_repeat_and_get_repeat_round_trip) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_get_repeat(&timer), 0);
  uv_timer_set_repeat(&timer, 123);
  CHECK_EQ(uv_timer_get_repeat(&timer), 123);
  /* Setting repeat does not start the timer. */
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 1000, 77), 0);
  CHECK_EQ(uv_timer_get_repeat(&timer), 77);
  uv_timer_set_repeat(&timer, 0);
  CHECK_EQ(uv_timer_get_repeat(&timer), 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static void set_repeat_in_cb(uv_timer_t* t) {
  calls++;
  uv_timer_set_repeat(t, 1);
}

TEST(set_repeat_inside_one_shot_callback_does_not_restart_it) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, set_repeat_in_cb, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(uv_timer_get_repeat(&timer), 1);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- uv_timer_again ------------------------------------------------------ */

TEST(timer_again_restarts_a_repeating_timer_with_its_repeat_value) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 100000, 20), 0);
  CHECK_EQ(uv_timer_get_due_in(&timer), 100000);
  CHECK_EQ(uv_timer_again(&timer), 0);
  /* Now due after `repeat` ms from the loop's current time. */
  CHECK_EQ(uv_timer_get_due_in(&timer), 20);
  CHECK(uv_is_active((uv_handle_t*)&timer));
  CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(timer_again_on_a_never_started_timer_returns_einval) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_again(&timer), UV_EINVAL);
  uv_timer_set_repeat(&timer, 10); /* a repeat value is not enough */
  CHECK_EQ(uv_timer_again(&timer), UV_EINVAL);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(timer_again_on_a_one_shot_timer_changes_nothing) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 5000, 0), 0);
  CHECK_EQ(uv_timer_again(&timer), 0);
  CHECK(uv_is_active((uv_handle_t*)&timer));
  CHECK_EQ(uv_timer_get_due_in(&timer), 5000);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_timer_again(&timer), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(timer_again_starts_a_stopped_repeating_timer) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 5000, 5), 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  CHECK_EQ(uv_timer_again(&timer), 0);
  CHECK(uv_is_active((uv_handle_t*)&timer));
  CHECK_EQ(uv_timer_get_due_in(&timer), 5);
  CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- stop / restart / close from the callback --------------------------- */

static void restart_once_cb(uv_timer_t* t) {
  calls++;
  if (calls == 1) {
    CHECK_EQ(uv_timer_stop(t), 0);
    CHECK_EQ(uv_timer_start(t, restart_once_cb, 2, 0), 0);
    CHECK(uv_is_active((uv_handle_t*)t));
  }
}

TEST(timer_stopped_and_restarted_inside_its_callback_fires_again) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, restart_once_cb, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 2);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static void stop_self_cb(uv_timer_t* t) {
  calls++;
  CHECK_EQ(uv_timer_stop(t), 0);
}

TEST(repeating_timer_stopped_inside_its_callback_fires_once) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, stop_self_cb, 1, 1), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static void close_self_cb(uv_timer_t* t) {
  calls++;
  uv_close((uv_handle_t*)t, count_close);
  CHECK(uv_is_closing((uv_handle_t*)t));
  CHECK_EQ(uv_is_active((uv_handle_t*)t), 0);
}

TEST(timer_closed_inside_its_own_callback_fires_no_more_and_closes_once) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = close_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, close_self_cb, 1, 1), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(close_calls, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static uv_timer_t* victim;
static void stop_other_cb(uv_timer_t* t) {
  (void)t;
  nfired++;
  CHECK_EQ(uv_timer_stop(victim), 0);
}

TEST(timer_stopped_by_an_earlier_callback_in_same_tick_does_not_fire) {
  uv_loop_t loop;
  uv_timer_t first, second;
  calls = 0;
  nfired = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &first), 0);
  CHECK_EQ(uv_timer_init(&loop, &second), 0);
  victim = &second;
  CHECK_EQ(uv_timer_start(&first, stop_other_cb, 5, 0), 0);
  CHECK_EQ(uv_timer_start(&second, count_cb, 5, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(nfired, 1);
  CHECK_EQ(calls, 0);
  uv_close((uv_handle_t*)&first, NULL);
  uv_close((uv_handle_t*)&second, NULL);
  finish_loop(&loop);
}

/* ---- due in ---------------------------------------------------------------- */

TEST(timer_get_due_in_is_the_time_left_and_zero_once_expired) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t left;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_get_due_in(&timer), 0); /* never started */
  CHECK_EQ(uv_timer_start(&timer, count_cb, 250, 0), 0);
  /* The loop's time has not moved since the start: exactly the timeout. */
  CHECK_EQ(uv_timer_get_due_in(&timer), 250);
  sleep_ms(30);
  uv_update_time(&loop);
  left = uv_timer_get_due_in(&timer);
  CHECK(left <= 225);
  CHECK(left > 0);
  /* libuv reports the due time relative to uv_now even for a stopped timer:
   * uv_timer_stop does not reset it. */
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_timer_get_due_in(&timer), left);
  /* A timer that fired (one-shot, so inactive) is due in 0. */
  CHECK_EQ(uv_timer_start(&timer, count_cb, 1, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(uv_timer_get_due_in(&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- zero timeout ----------------------------------------------------------- */

TEST(zero_timeout_timer_fires_in_the_next_run) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 0, 0), 0);
  CHECK_EQ(calls, 0); /* never synchronously */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(calls, 1);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static uv_timer_t zt_timer;
static int zt_iteration;
static int zt_fired_in_iteration;

static void zt_timer_cb(uv_timer_t* t) {
  (void)t;
  zt_fired_in_iteration = zt_iteration;
}

static void zt_check_cb(uv_check_t* h) {
  (void)h;
  if (zt_iteration == 1)
    CHECK_EQ(uv_timer_start(&zt_timer, zt_timer_cb, 0, 0), 0);
}

static void zt_prepare_cb(uv_prepare_t* h) {
  (void)h;
  zt_iteration++;
}

TEST(zero_timeout_timer_started_in_check_phase_fires_in_next_iteration) {
  uv_loop_t loop;
  uv_prepare_t prepare;
  uv_check_t check;
  zt_iteration = 0;
  zt_fired_in_iteration = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &zt_timer), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_prepare_start(&prepare, zt_prepare_cb), 0);
  CHECK_EQ(uv_check_start(&check, zt_check_cb), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(zt_iteration, 1);
  if (timers_run_last()) {
    /* The timers phase follows the check phase in the same iteration. */
    CHECK_EQ(zt_fired_in_iteration, 1);
    CHECK(!uv_is_active((uv_handle_t*)&zt_timer));
  } else {
    /* Timers run before prepare, so the next iteration is still
     * numbered 1 when the timer fires. */
    CHECK_EQ(zt_fired_in_iteration, 0);
    CHECK(uv_is_active((uv_handle_t*)&zt_timer));
  }
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(zt_fired_in_iteration, 1);
  CHECK_EQ(zt_iteration, 2);
  uv_close((uv_handle_t*)&zt_timer, NULL);
  uv_close((uv_handle_t*)&prepare, NULL);
  uv_close((uv_handle_t*)&check, NULL);
  finish_loop(&loop);
}

static uv_timer_t chain_timer;
static int chain_idle_calls;
static char chain_log[16];
static int chain_n;

static void chain_second_cb(uv_timer_t* t) {
  (void)t;
  chain_log[chain_n++] = 'b';
}

static void chain_first_cb(uv_timer_t* t) {
  (void)t;
  chain_log[chain_n++] = 'a';
  CHECK_EQ(uv_timer_start(&chain_timer, chain_second_cb, 0, 0), 0);
}

static void chain_idle_cb(uv_idle_t* h) {
  chain_idle_calls++;
  chain_log[chain_n++] = 'i';
  CHECK_EQ(uv_idle_stop(h), 0);
}

/* A timer started with timeout 0 from a timer callback runs after that
 * callback and before the loop runs out of work. libuv 1.44 runs timers
 * first in an iteration and the new one in the same timer phase ("abi");
 * libuv 1.45 and later, and gouv, run timers last and the new one in the
 * next iteration's timer phase ("iab"), so a timer that keeps restarting
 * itself cannot hold the loop in its timer phase (gouvonly_timers.c checks
 * that part). */
TEST(zero_timeout_timer_started_in_timer_callback_runs_after_it) {
  uv_loop_t loop;
  uv_timer_t first;
  uv_idle_t idle;
  int runs;
  chain_n = 0;
  chain_idle_calls = 0;
  memset(chain_log, 0, sizeof(chain_log));
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &first), 0);
  CHECK_EQ(uv_timer_init(&loop, &chain_timer), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_start(&idle, chain_idle_cb), 0);
  CHECK_EQ(uv_timer_start(&first, chain_first_cb, 0, 0), 0);
  for (runs = 0; runs < 10 && chain_n < 3; runs++)
    uv_run(&loop, UV_RUN_NOWAIT);
  CHECK_EQ(chain_n, 3);
  CHECK(strcmp(chain_log, timers_run_last() ? "iab" : "abi") == 0);
  CHECK_EQ(chain_idle_calls, 1);
  uv_close((uv_handle_t*)&first, NULL);
  uv_close((uv_handle_t*)&chain_timer, NULL);
  uv_close((uv_handle_t*)&idle, NULL);
  finish_loop(&loop);
}

/* ---- huge timeout ------------------------------------------------------------- */

TEST(timer_with_max_timeout_does_not_overflow_and_does_not_fire) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t due;
  int bt;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, UINT64_MAX, 0), 0);
  CHECK(uv_is_active((uv_handle_t*)&timer));
  due = uv_timer_get_due_in(&timer);
  /* Clamped to the far future, never wrapped around to "already due". */
  CHECK(due > UINT64_MAX / 2);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(calls, 0);
  /* The poll timeout is a large positive int (not 0, not negative). */
  bt = uv_backend_timeout(&loop);
  CHECK(bt > 1000000);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
  CHECK_EQ(calls, 0);
}

TEST(timer_with_large_timeout_reports_due_in_without_overflow) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t big = (uint64_t)1 << 40;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, big, 0), 0);
  CHECK_EQ(uv_timer_get_due_in(&timer), big);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- argument errors ----------------------------------------------------------- */

TEST(timer_start_with_null_callback_returns_einval) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, NULL, 10, 0), UV_EINVAL);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(timer_start_on_a_closing_timer_returns_einval) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 0, 0), UV_EINVAL);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  finish_loop(&loop);
  CHECK_EQ(calls, 0);
}

TEST(timer_stop_on_an_inactive_timer_returns_zero) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- liveness and restart ------------------------------------------------------ */

TEST(stopped_timer_does_not_keep_the_loop_alive) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 5000, 0), 0);
  CHECK(uv_loop_alive(&loop));
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(restarting_an_active_timer_with_a_shorter_timeout_moves_it_earlier) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t t0;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 60000, 0), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 5, 0), 0);
  CHECK_EQ(uv_timer_get_due_in(&timer), 5);
  t0 = uv_hrtime();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 1);
  /* Far below the first timeout (60 s): the earlier due time was used. */
  CHECK(uv_hrtime() - t0 < 30ULL * 1000000000ULL);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(restarting_an_active_timer_with_a_longer_timeout_moves_it_later) {
  uv_loop_t loop;
  uv_timer_t timer;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 1, 0), 0);
  CHECK_EQ(uv_timer_start(&timer, count_cb, 60000, 0), 0);
  CHECK_EQ(uv_timer_get_due_in(&timer), 60000);
  sleep_ms(20);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(calls, 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

HARNESS_MAIN
