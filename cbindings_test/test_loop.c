/* The event loop itself: uv_run's modes and return values, the order of the
 * phases inside one iteration, uv_stop, liveness (ref/unref, closing
 * handles), uv_loop_close, the default loop, the cached clock, the backend
 * fd and timeout an embedder polls on, uv_walk, the public active_handles
 * counter, and uv_loop_configure with the idle-time metric. */
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

/* Runs the loop until every handle has finished closing, then closes it. */
/* A loop's epoll set is only brought up to date inside an iteration, so
 * uv_backend_timeout is meaningful once the loop has run one. This runs one
 * non-blocking iteration with a throwaway idle handle. */
static void priming_idle_cb(uv_idle_t* h) {
  (void)h;
}

static void priming_close_cb(uv_handle_t* h) {
  *(int*)h->data = 1;
}

static void run_one_priming_iteration(uv_loop_t* loop) {
  uv_idle_t idle;
  int closed = 0;
  CHECK_EQ(uv_idle_init(loop, &idle), 0);
  idle.data = &closed;
  CHECK_EQ(uv_idle_start(&idle, priming_idle_cb), 0);
  (void)uv_run(loop, UV_RUN_NOWAIT);
  uv_close((uv_handle_t*)&idle, priming_close_cb);
  (void)uv_run(loop, UV_RUN_NOWAIT);
  CHECK_EQ(closed, 1);
}

/* ---- shared counters ------------------------------------------------- */

static int timer_calls;
static int idle_calls;
static int check_calls;
static int prepare_calls;

static void reset_counters(void) {
  timer_calls = idle_calls = check_calls = prepare_calls = close_calls = 0;
}

static void count_timer(uv_timer_t* t) {
  (void)t;
  timer_calls++;
}

/* ---- uv_run modes and return values ---------------------------------- */

TEST(run_default_returns_zero_at_once_when_loop_has_no_handles) {
  uv_loop_t loop;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(run_default_returns_zero_after_last_timer_fired) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 10, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timer_calls, 1);
  CHECK_EQ(uv_is_active((uv_handle_t*)&timer), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(run_once_waits_for_a_timer_and_returns_nonzero_while_it_repeats) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 5, 5), 0);
  /* ONCE blocks in poll until the timer is due and runs it afterwards. */
  CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  CHECK_EQ(timer_calls, 1);
  CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  CHECK_EQ(timer_calls, 2);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK_EQ(timer_calls, 2);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(run_once_returns_zero_when_the_last_timer_fired) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 5, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK_EQ(timer_calls, 1);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(run_nowait_does_not_block_and_returns_nonzero_while_alive) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t before;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 5000, 0), 0);
  before = uv_hrtime();
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  /* Generous: two non-blocking iterations finish far before the timer. */
  CHECK(uv_hrtime() - before < 2000000000ULL);
  CHECK_EQ(timer_calls, 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- phase order ------------------------------------------------------ */

static char phases[64];
static int nphases;

static void record_phase(char c) {
  if (nphases < (int)sizeof(phases) - 1)
    phases[nphases++] = c;
  phases[nphases] = '\0';
}

static uv_timer_t po_timer;
static uv_idle_t po_idle;
static uv_prepare_t po_prepare;
static uv_check_t po_check;
static uv_async_t po_async;
static uv_pipe_t po_pipe;
static int po_with_pipe;

static void po_close_cb(uv_handle_t* h) {
  (void)h;
  record_phase('x');
}

static void po_timer_cb(uv_timer_t* t) {
  (void)t;
  record_phase('t');
}
static void po_idle_cb(uv_idle_t* h) {
  (void)h;
  record_phase('i');
}
static void po_prepare_cb(uv_prepare_t* h) {
  (void)h;
  record_phase('r');
}
static void po_async_cb(uv_async_t* h) {
  (void)h;
  record_phase('a');
}
static void po_check_cb(uv_check_t* h) {
  (void)h;
  record_phase('c');
  /* Close everything: each close callback must come after this, in the
   * closing phase of this same iteration. */
  uv_close((uv_handle_t*)&po_timer, po_close_cb);
  uv_close((uv_handle_t*)&po_idle, po_close_cb);
  uv_close((uv_handle_t*)&po_prepare, po_close_cb);
  uv_close((uv_handle_t*)&po_check, po_close_cb);
  uv_close((uv_handle_t*)&po_async, po_close_cb);
  if (po_with_pipe)
    uv_close((uv_handle_t*)&po_pipe, po_close_cb);
}

TEST(one_iteration_runs_timers_idle_prepare_poll_check_then_close_callbacks) {
  uv_loop_t loop;
  nphases = 0;
  phases[0] = '\0';
  po_with_pipe = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &po_timer), 0);
  CHECK_EQ(uv_idle_init(&loop, &po_idle), 0);
  CHECK_EQ(uv_prepare_init(&loop, &po_prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &po_check), 0);
  CHECK_EQ(uv_async_init(&loop, &po_async, po_async_cb), 0);
  /* Started in an order unlike the phase order, so start order cannot
   * explain the result. */
  CHECK_EQ(uv_check_start(&po_check, po_check_cb), 0);
  CHECK_EQ(uv_prepare_start(&po_prepare, po_prepare_cb), 0);
  CHECK_EQ(uv_async_send(&po_async), 0); /* delivered by the poll phase */
  CHECK_EQ(uv_idle_start(&po_idle, po_idle_cb), 0);
  CHECK_EQ(uv_timer_start(&po_timer, po_timer_cb, 0, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  if (strcmp(phases, "tiracxxxxx") != 0)
    fprintf(stderr, "phases: %s\n", phases);
  CHECK(strcmp(phases, "tiracxxxxx") == 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void po_write_cb(uv_write_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  record_phase('w');
}

TEST(write_callback_runs_in_pending_phase_between_timers_and_idle) {
  uv_loop_t loop;
  uv_write_t req;
  uv_buf_t buf = uv_buf_init("ping", 4);
  int sv[2];
  nphases = 0;
  phases[0] = '\0';
  po_with_pipe = 1;
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &po_timer), 0);
  CHECK_EQ(uv_idle_init(&loop, &po_idle), 0);
  CHECK_EQ(uv_prepare_init(&loop, &po_prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &po_check), 0);
  CHECK_EQ(uv_async_init(&loop, &po_async, po_async_cb), 0);
  CHECK_EQ(uv_pipe_init(&loop, &po_pipe, 0), 0);
  CHECK_EQ(uv_pipe_open(&po_pipe, sv[0]), 0);
  CHECK_EQ(uv_check_start(&po_check, po_check_cb), 0);
  CHECK_EQ(uv_prepare_start(&po_prepare, po_prepare_cb), 0);
  CHECK_EQ(uv_idle_start(&po_idle, po_idle_cb), 0);
  CHECK_EQ(uv_async_send(&po_async), 0);
  /* The socket has room, so the write completes at once; its callback is
   * still deferred to the loop (never called from inside uv_write). */
  CHECK_EQ(uv_write(&req, (uv_stream_t*)&po_pipe, &buf, 1, po_write_cb), 0);
  CHECK_EQ(nphases, 0);
  CHECK_EQ(uv_timer_start(&po_timer, po_timer_cb, 0, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  if (strcmp(phases, "twiracxxxxxx") != 0)
    fprintf(stderr, "phases: %s\n", phases);
  CHECK(strcmp(phases, "twiracxxxxxx") == 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(close(sv[1]), 0);
}

/* ---- uv_stop ---------------------------------------------------------- */

static uv_loop_t* stop_loop;

static void stop_idle_cb(uv_idle_t* h) {
  (void)h;
  idle_calls++;
  record_phase('i');
  if (idle_calls == 1) {
    uv_stop(stop_loop);
    CHECK(stop_loop->stop_flag != 0);
    /* A stopped loop does not block for i/o this iteration. */
    CHECK_EQ(uv_backend_timeout(stop_loop), 0);
  }
}

static void stop_prepare_cb(uv_prepare_t* h) {
  (void)h;
  prepare_calls++;
  record_phase('r');
}

static void stop_check_cb(uv_check_t* h) {
  (void)h;
  check_calls++;
  record_phase('c');
}

TEST(stop_in_a_callback_finishes_the_current_iteration_and_returns_nonzero) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
  reset_counters();
  nphases = 0;
  phases[0] = '\0';
  stop_loop = &loop;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_idle_start(&idle, stop_idle_cb), 0);
  CHECK_EQ(uv_prepare_start(&prepare, stop_prepare_cb), 0);
  CHECK_EQ(uv_check_start(&check, stop_check_cb), 0);
  /* DEFAULT would spin forever on an idle handle; uv_stop ends it. */
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) != 0);
  CHECK(strcmp(phases, "irc") == 0);
  CHECK_EQ(loop.stop_flag, 0);
  /* The loop is usable again afterwards. */
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(idle_calls, 2);
  CHECK_EQ(check_calls, 2);
  uv_close((uv_handle_t*)&idle, NULL);
  uv_close((uv_handle_t*)&prepare, NULL);
  uv_close((uv_handle_t*)&check, NULL);
  finish_loop(&loop);
}

static void stop_from_timer_cb(uv_timer_t* t) {
  timer_calls++;
  uv_stop(t->loop);
}

TEST(stop_from_a_repeating_timer_returns_nonzero_after_one_call) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, stop_from_timer_cb, 1, 1), 0);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) != 0);
  CHECK_EQ(timer_calls, 1);
  CHECK(uv_is_active((uv_handle_t*)&timer));
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static void count_idle(uv_idle_t* h) {
  (void)h;
  idle_calls++;
}

TEST(stop_before_run_makes_run_return_without_running_callbacks) {
  uv_loop_t loop;
  uv_idle_t idle;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_start(&idle, count_idle), 0);
  uv_stop(&loop);
  CHECK(loop.stop_flag != 0);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) != 0);
  CHECK_EQ(idle_calls, 0);
  CHECK_EQ(loop.stop_flag, 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(idle_calls, 1);
  uv_close((uv_handle_t*)&idle, NULL);
  finish_loop(&loop);
}

/* ---- liveness ---------------------------------------------------------- */

TEST(loop_alive_follows_active_referenced_and_closing_handles) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0); /* initialized but not active */
  CHECK_EQ(uv_timer_start(&timer, count_timer, 1000, 0), 0);
  CHECK(uv_loop_alive(&loop) != 0);
  uv_unref((uv_handle_t*)&timer);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  uv_ref((uv_handle_t*)&timer);
  CHECK(uv_loop_alive(&loop) != 0);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  /* A handle whose close callback is still to come keeps the loop alive. */
  uv_close((uv_handle_t*)&timer, count_close);
  CHECK(uv_loop_alive(&loop) != 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(close_calls, 1);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(unreferenced_timer_does_not_keep_run_going) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 5000, 0), 0);
  uv_unref((uv_handle_t*)&timer);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timer_calls, 0);
  CHECK(uv_is_active((uv_handle_t*)&timer));
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static int unref_timer_calls;
static void count_unref_timer(uv_timer_t* t) {
  (void)t;
  unref_timer_calls++;
}

TEST(unreferenced_timer_still_fires_while_a_referenced_one_keeps_loop_running) {
  uv_loop_t loop;
  uv_timer_t weak, strong;
  reset_counters();
  unref_timer_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &weak), 0);
  CHECK_EQ(uv_timer_init(&loop, &strong), 0);
  CHECK_EQ(uv_timer_start(&weak, count_unref_timer, 1, 1), 0);
  uv_unref((uv_handle_t*)&weak);
  CHECK_EQ(uv_timer_start(&strong, count_timer, 30, 0), 0);
  /* Returns once the referenced timer is done, though the unreferenced one
   * is still active. */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timer_calls, 1);
  CHECK(unref_timer_calls >= 1);
  CHECK(uv_is_active((uv_handle_t*)&weak));
  uv_close((uv_handle_t*)&weak, NULL);
  uv_close((uv_handle_t*)&strong, NULL);
  finish_loop(&loop);
}

TEST(active_handles_counts_active_referenced_handles) {
  uv_loop_t loop;
  uv_timer_t t1, t2;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(uv_timer_init(&loop, &t1), 0);
  CHECK_EQ(uv_timer_init(&loop, &t2), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(uv_timer_start(&t1, count_timer, 1000, 0), 0);
  CHECK_EQ(loop.active_handles, 1);
  CHECK_EQ(uv_timer_start(&t2, count_timer, 1000, 0), 0);
  CHECK_EQ(uv_idle_start(&idle, count_idle), 0);
  CHECK_EQ(loop.active_handles, 3);
  /* Restarting an active handle does not count it twice. */
  CHECK_EQ(uv_timer_start(&t1, count_timer, 2000, 0), 0);
  CHECK_EQ(uv_idle_start(&idle, count_idle), 0);
  CHECK_EQ(loop.active_handles, 3);
  uv_unref((uv_handle_t*)&t2);
  CHECK_EQ(loop.active_handles, 2);
  uv_unref((uv_handle_t*)&t2);
  CHECK_EQ(loop.active_handles, 2);
  uv_ref((uv_handle_t*)&t2);
  CHECK_EQ(loop.active_handles, 3);
  CHECK_EQ(uv_timer_stop(&t1), 0);
  CHECK_EQ(loop.active_handles, 2);
  CHECK_EQ(uv_idle_stop(&idle), 0);
  CHECK_EQ(loop.active_handles, 1);
  uv_close((uv_handle_t*)&t2, NULL); /* closing deactivates */
  CHECK_EQ(loop.active_handles, 0);
  uv_close((uv_handle_t*)&t1, NULL);
  uv_close((uv_handle_t*)&idle, NULL);
  finish_loop(&loop);
}

/* ---- uv_loop_init / close / new / delete / default -------------------- */

TEST(loop_close_returns_ebusy_until_every_handle_finished_closing) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  /* Even an inactive handle that was never started. */
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  uv_close((uv_handle_t*)&timer, count_close);
  /* Closing but its close callback has not run yet. */
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(close_calls, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(fresh_loop_inits_and_closes_and_can_be_initialized_again) {
  uv_loop_t loop;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(loop.stop_flag, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(loop_init_and_close_keep_the_data_field) {
  uv_loop_t loop;
  int marker;
  loop.data = &marker;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK(loop.data == &marker);
  CHECK(uv_loop_get_data(&loop) == &marker);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK(loop.data == &marker);
}

TEST(loop_new_returns_a_usable_loop_and_delete_frees_it) {
  uv_loop_t* loop = uv_loop_new();
  uv_timer_t timer;
  reset_counters();
  CHECK(loop != NULL);
  CHECK(loop != uv_default_loop());
  CHECK_EQ(uv_timer_init(loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 1, 0), 0);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timer_calls, 1);
  uv_close((uv_handle_t*)&timer, NULL);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  uv_loop_delete(loop);
}

TEST(default_loop_is_the_same_pointer_every_time) {
  uv_loop_t* a = uv_default_loop();
  uv_loop_t* b = uv_default_loop();
  uv_timer_t timer;
  reset_counters();
  CHECK(a != NULL);
  CHECK(a == b);
  CHECK_EQ(uv_timer_init(a, &timer), 0);
  CHECK(timer.loop == b);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 1, 0), 0);
  CHECK_EQ(uv_run(b, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timer_calls, 1);
  uv_close((uv_handle_t*)&timer, NULL);
  CHECK_EQ(uv_run(a, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(a), 0);
}

TEST(loop_size_is_sizeof_loop_t) {
  CHECK_EQ(uv_loop_size(), sizeof(uv_loop_t));
}

TEST(loop_get_data_and_set_data_use_the_data_field) {
  uv_loop_t loop;
  int x, y;
  CHECK_EQ(uv_loop_init(&loop), 0);
  uv_loop_set_data(&loop, &x);
  CHECK(loop.data == &x);
  CHECK(uv_loop_get_data(&loop) == &x);
  loop.data = &y;
  CHECK(uv_loop_get_data(&loop) == &y);
  uv_loop_set_data(&loop, NULL);
  CHECK(uv_loop_get_data(&loop) == NULL);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* ---- time ---------------------------------------------------------------- */

TEST(now_is_cached_until_update_time_and_then_advances) {
  uv_loop_t loop;
  uint64_t t0, t1;
  CHECK_EQ(uv_loop_init(&loop), 0);
  uv_update_time(&loop);
  t0 = uv_now(&loop);
  sleep_ms(30);
  /* uv_now reads the loop's cached time: unchanged without an update. */
  CHECK_EQ(uv_now(&loop), t0);
  uv_update_time(&loop);
  t1 = uv_now(&loop);
  CHECK(t1 >= t0 + 25);
  /* It is milliseconds of the same clock as uv_hrtime. */
  CHECK(t1 <= uv_hrtime() / 1000000 + 1);
  CHECK(t1 + 1000 >= uv_hrtime() / 1000000);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static uint64_t seen_now;
static void record_now(uv_timer_t* t) {
  seen_now = uv_now(t->loop);
}

TEST(run_updates_now_before_calling_timers) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t start;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  start = uv_now(&loop);
  CHECK_EQ(uv_timer_start(&timer, record_now, 40, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(seen_now >= start + 40);
  /* The loop refreshes its clock after polling, so a later uv_now may
   * have moved on (by a millisecond or more on a busy machine). */
  CHECK(uv_now(&loop) >= seen_now);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

/* ---- backend fd and timeout --------------------------------------------- */

TEST(backend_fd_is_an_open_close_on_exec_descriptor_per_loop) {
  uv_loop_t a, b;
  int fa, fb, flags;
  CHECK_EQ(uv_loop_init(&a), 0);
  CHECK_EQ(uv_loop_init(&b), 0);
  fa = uv_backend_fd(&a);
  fb = uv_backend_fd(&b);
  CHECK(fa >= 0);
  CHECK(fb >= 0);
  CHECK(fa != fb);
  flags = fcntl(fa, F_GETFD);
  CHECK(flags != -1);
  CHECK(flags & FD_CLOEXEC);
  CHECK_EQ(uv_backend_fd(&a), fa); /* stable */
  CHECK_EQ(uv_loop_close(&a), 0);
  CHECK_EQ(uv_loop_close(&b), 0);
}

static int bfd_async_calls;
static void bfd_async_cb(uv_async_t* h) {
  (void)h;
  bfd_async_calls++;
}

TEST(backend_fd_becomes_readable_when_an_async_handle_is_sent) {
  /* How embedders drive a loop from their own poller: wait for the backend
   * fd to be readable, then uv_run(UV_RUN_NOWAIT). */
  uv_loop_t loop;
  uv_async_t async;
  struct pollfd pfd;
  bfd_async_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &async, bfd_async_cb), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(bfd_async_calls, 0);
  pfd.fd = uv_backend_fd(&loop);
  pfd.events = POLLIN;
  pfd.revents = 0;
  CHECK_EQ(poll(&pfd, 1, 0), 0);
  CHECK_EQ(uv_async_send(&async), 0);
  pfd.revents = 0;
  CHECK_EQ(poll(&pfd, 1, 5000), 1);
  CHECK(pfd.revents & POLLIN);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(bfd_async_calls, 1);
  pfd.revents = 0;
  CHECK_EQ(poll(&pfd, 1, 0), 0);
  uv_close((uv_handle_t*)&async, NULL);
  finish_loop(&loop);
}

TEST(backend_timeout_is_zero_when_nothing_keeps_the_loop_alive) {
  uv_loop_t loop;
  uv_timer_t timer;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_backend_timeout(&loop), 0);
  run_one_priming_iteration(&loop);
  CHECK_EQ(uv_backend_timeout(&loop), 0);
  /* An unreferenced timer does not count either. */
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 1000, 0), 0);
  uv_unref((uv_handle_t*)&timer);
  CHECK_EQ(uv_backend_timeout(&loop), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static void noop_async(uv_async_t* h) {
  (void)h;
}

TEST(backend_timeout_is_minus_one_with_only_an_async_handle) {
  uv_loop_t loop;
  uv_async_t async;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &async, noop_async), 0);
  run_one_priming_iteration(&loop);
  CHECK_EQ(uv_backend_timeout(&loop), -1);
  uv_close((uv_handle_t*)&async, NULL);
  finish_loop(&loop);
}

TEST(backend_timeout_is_zero_with_an_active_idle_handle) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  run_one_priming_iteration(&loop);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 1000, 0), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_start(&idle, count_idle), 0);
  CHECK_EQ(uv_backend_timeout(&loop), 0);
  CHECK_EQ(uv_idle_stop(&idle), 0);
  CHECK(uv_backend_timeout(&loop) > 0);
  uv_close((uv_handle_t*)&timer, NULL);
  uv_close((uv_handle_t*)&idle, NULL);
  finish_loop(&loop);
}

TEST(backend_timeout_is_time_until_the_nearest_timer) {
  uv_loop_t loop;
  uv_timer_t far, near;
  int t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  run_one_priming_iteration(&loop);
  CHECK_EQ(uv_timer_init(&loop, &far), 0);
  CHECK_EQ(uv_timer_init(&loop, &near), 0);
  CHECK_EQ(uv_timer_start(&far, count_timer, 5000, 0), 0);
  t = uv_backend_timeout(&loop);
  CHECK(t > 4000 && t <= 5000);
  CHECK_EQ(uv_timer_start(&near, count_timer, 700, 0), 0);
  t = uv_backend_timeout(&loop);
  CHECK(t > 500 && t <= 700);
  CHECK_EQ(uv_timer_stop(&near), 0);
  t = uv_backend_timeout(&loop);
  CHECK(t > 4000 && t <= 5000);
  uv_close((uv_handle_t*)&far, NULL);
  uv_close((uv_handle_t*)&near, NULL);
  /* Closing handles make the loop not block. */
  CHECK_EQ(uv_backend_timeout(&loop), 0);
  finish_loop(&loop);
}

/* ---- uv_walk -------------------------------------------------------------- */

struct walk_seen {
  uv_handle_t* handles[16];
  int n;
};

static void walk_record(uv_handle_t* h, void* arg) {
  struct walk_seen* seen = arg;
  if (seen->n < 16)
    seen->handles[seen->n] = h;
  seen->n++;
}

static int walk_saw(const struct walk_seen* seen, const void* h) {
  int i, count = 0;
  for (i = 0; i < seen->n && i < 16; i++)
    if (seen->handles[i] == (const uv_handle_t*)h)
      count++;
  return count;
}

TEST(walk_visits_every_open_handle_once_and_not_closed_ones) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  uv_async_t async;
  struct walk_seen seen;
  CHECK_EQ(uv_loop_init(&loop), 0);

  memset(&seen, 0, sizeof(seen));
  uv_walk(&loop, walk_record, &seen);
  CHECK_EQ(seen.n, 0); /* a fresh loop shows no handles of its own */

  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_async_init(&loop, &async, noop_async), 0);
  CHECK_EQ(uv_idle_start(&idle, count_idle), 0);
  uv_unref((uv_handle_t*)&async);

  /* Active or not, referenced or not: all are visited, with the arg. */
  memset(&seen, 0, sizeof(seen));
  uv_walk(&loop, walk_record, &seen);
  CHECK_EQ(seen.n, 3);
  CHECK_EQ(walk_saw(&seen, &timer), 1);
  CHECK_EQ(walk_saw(&seen, &idle), 1);
  CHECK_EQ(walk_saw(&seen, &async), 1);

  /* A closing handle is still visited until its close callback ran. */
  uv_close((uv_handle_t*)&idle, NULL);
  memset(&seen, 0, sizeof(seen));
  uv_walk(&loop, walk_record, &seen);
  CHECK_EQ(seen.n, 3);
  CHECK_EQ(walk_saw(&seen, &idle), 1);

  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  memset(&seen, 0, sizeof(seen));
  uv_walk(&loop, walk_record, &seen);
  CHECK_EQ(seen.n, 2);
  CHECK_EQ(walk_saw(&seen, &timer), 1);
  CHECK_EQ(walk_saw(&seen, &async), 1);
  CHECK_EQ(walk_saw(&seen, &idle), 0);

  uv_close((uv_handle_t*)&timer, NULL);
  uv_close((uv_handle_t*)&async, NULL);
  finish_loop(&loop);
}

static void walk_close_all(uv_handle_t* h, void* arg) {
  int* n = arg;
  (*n)++;
  if (!uv_is_closing(h))
    uv_close(h, count_close);
}

TEST(walk_callback_may_close_the_handles_it_visits) {
  uv_loop_t loop;
  uv_timer_t t1, t2, t3;
  int visited = 0;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t1), 0);
  CHECK_EQ(uv_timer_init(&loop, &t2), 0);
  CHECK_EQ(uv_timer_init(&loop, &t3), 0);
  CHECK_EQ(uv_timer_start(&t2, count_timer, 1000, 0), 0);
  uv_walk(&loop, walk_close_all, &visited);
  CHECK_EQ(visited, 3);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(close_calls, 3);
  CHECK_EQ(timer_calls, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* ---- uv_loop_configure and metrics ---------------------------------------- */

TEST(idle_time_metric_grows_while_loop_blocks_on_a_timer) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);
  CHECK_EQ(uv_metrics_idle_time(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 50, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timer_calls, 1);
  /* Nanoseconds; the loop slept in poll for about 50 ms of them. */
  CHECK(uv_metrics_idle_time(&loop) >= 40ULL * 1000000ULL);
  CHECK(uv_metrics_idle_time(&loop) < 60ULL * 1000000000ULL);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

static uint64_t now_in_poll_cb;

static void record_now_poll_cb(uv_poll_t* p, int status, int events) {
  CHECK_EQ(status, 0);
  CHECK(events & UV_READABLE);
  now_in_poll_cb = uv_now(p->loop);
  uv_poll_stop(p);
}

/* With the idle-time metric on, the poll first looks without waiting; the
 * clock is refreshed after that look too, so a callback of an event that
 * was already waiting sees the time after the poll, not the time the loop
 * last read before it. */
TEST(idle_time_metric_poll_refreshes_the_clock_before_waiting_events) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];
  uint64_t before;
  struct timespec pause = {0, 60 * 1000 * 1000};
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(write(sv[1], "x", 1), 1);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);
  CHECK_EQ(uv_poll_init(&loop, &poll, sv[0]), 0);
  CHECK_EQ(uv_poll_start(&poll, UV_READABLE, record_now_poll_cb), 0);
  uv_update_time(&loop);
  before = uv_now(&loop);
  nanosleep(&pause, NULL);
  now_in_poll_cb = 0;
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK(now_in_poll_cb >= before + 50);
  uv_close((uv_handle_t*)&poll, NULL);
  finish_loop(&loop);
  close(sv[0]);
  close(sv[1]);
}

TEST(idle_time_metric_stays_zero_unless_configured) {
  uv_loop_t loop;
  uv_timer_t timer;
  reset_counters();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, count_timer, 30, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(timer_calls, 1);
  CHECK_EQ(uv_metrics_idle_time(&loop), 0);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
}

TEST(loop_configure_block_signal_accepts_only_sigprof) {
  uv_loop_t loop;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGPROF), 0);
  CHECK_EQ(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGUSR1), UV_EINVAL);
  CHECK_EQ(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGINT), UV_EINVAL);
  /* The loop still runs normally afterwards. */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* Context switches so far of every thread of this process but the calling
 * one (from /proc/self/task). */
static long other_threads_switches(void) {
  long total = 0, self = (long)syscall(SYS_gettid);
  DIR* d = opendir("/proc/self/task");
  struct dirent* e;
  CHECK(d != NULL);
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || atol(e->d_name) == self)
      continue;
    total += (long)(task_status(e->d_name, "voluntary_ctxt_switches", 10) +
                    task_status(e->d_name, "nonvoluntary_ctxt_switches", 10));
  }
  closedir(d);
  return total;
}

static uint64_t busy_until;

/* 50 us of work in C per iteration, as a host's script would do, until
 * busy_until (uv_hrtime). */
static void busy_idle_cb(uv_idle_t* h) {
  uint64_t t0 = uv_hrtime();
  while (uv_hrtime() - t0 < 50000) {
  }
  if (uv_hrtime() >= busy_until)
    uv_idle_stop(h);
}

/* A loop that never waits keeps its thread busy; the library must not keep
 * other threads of the host waking up meanwhile. libuv has none to wake
 * (its pool starts with the first request). gouv's Go runtime has a
 * monitor thread that would otherwise wake thousands of times a second
 * (docs/design.md, "Threads"). */
TEST(busy_loop_does_not_keep_other_threads_waking) {
  uv_loop_t loop;
  uv_idle_t idle;
  long before, woken;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  /* 50 ms to settle (the runtime's threads start), then 500 ms counted. */
  busy_until = uv_hrtime() + 50000000;
  CHECK_EQ(uv_idle_start(&idle, busy_idle_cb), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  before = other_threads_switches();
  busy_until = uv_hrtime() + 500000000;
  CHECK_EQ(uv_idle_start(&idle, busy_idle_cb), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  woken = other_threads_switches() - before;
  fprintf(stderr, "other threads switched %ld times in 500 ms\n", woken);
  CHECK(woken < 750);
  uv_close((uv_handle_t*)&idle, NULL);
  finish_loop(&loop);
}

HARNESS_MAIN
