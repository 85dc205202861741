/* When one loop iteration may block, and how the idle, prepare and check
 * lists are walked while their callbacks stop or close handles of the same
 * phase. These pin down details a program notices only as a hang or a
 * callback that runs once too often: UV_RUN_ONCE decides whether to block
 * before the idle callbacks run, the clock is refreshed after the poll, and
 * a handle stopped by an earlier callback of the same pass is not called. */
#include <uv.h>

#include <signal.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

/* A test that fails by blocking forever would otherwise hold ctest until
 * its timeout; the watchdog turns the hang into a prompt failure. */
static void watchdog_fired(int sig) {
  static const char msg[] = "watchdog: the loop blocked\n";
  (void)sig;
  (void)!write(2, msg, sizeof(msg) - 1);
  _exit(3);
}

static void watchdog(unsigned seconds) {
  signal(SIGALRM, watchdog_fired);
  alarm(seconds);
}

/* ---- UV_RUN_ONCE with handles that stop themselves -------------------- */

static char order[16];
static int order_len;

static void note(char c) {
  if (order_len < (int)sizeof(order) - 1)
    order[order_len++] = c;
  order[order_len] = '\0';
}

static void idle_stops_itself(uv_idle_t* h) {
  note('i');
  CHECK_EQ(uv_idle_stop(h), 0);
}

static void prepare_stops_itself(uv_prepare_t* h) {
  note('p');
  CHECK_EQ(uv_prepare_stop(h), 0);
}

static void check_stops_itself(uv_check_t* h) {
  note('c');
  CHECK_EQ(uv_check_stop(h), 0);
}

static void check_counts(uv_check_t* h) {
  (void)h;
  note('c');
}

/* luv's uv.run("once") with three self-stopping watchers: the idle handle
 * was active when the iteration began, so the poll must not block even
 * though nothing is active any more when the poll is reached. */
TEST(run_once_returns_when_idle_prepare_and_check_stop_themselves) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
  watchdog(10);
  order_len = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_idle_start(&idle, idle_stops_itself), 0);
  CHECK_EQ(uv_prepare_start(&prepare, prepare_stops_itself), 0);
  CHECK_EQ(uv_check_start(&check, check_stops_itself), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK(strcmp(order, "ipc") == 0);
  uv_close((uv_handle_t*)&idle, NULL);
  uv_close((uv_handle_t*)&prepare, NULL);
  uv_close((uv_handle_t*)&check, NULL);
  finish_loop(&loop);
  alarm(0);
}

/* libuv's idle_check: the check handle stays active, so the loop is still
 * alive after the iteration, and UV_RUN_ONCE returns 1 without waiting. */
TEST(run_once_with_a_self_stopping_idle_and_an_active_check_returns_one) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_check_t check;
  watchdog(10);
  order_len = 0;
  close_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_start(&idle, idle_stops_itself), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_check_start(&check, check_counts), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  CHECK(strcmp(order, "ic") == 0);
  CHECK_EQ(close_calls, 0);
  uv_close((uv_handle_t*)&idle, count_close);
  uv_close((uv_handle_t*)&check, count_close);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK_EQ(close_calls, 2);
  CHECK_EQ(uv_loop_close(&loop), 0);
  alarm(0);
}

/* Without an idle handle the same loop does block: a prepare handle that
 * stops itself and an active check handle leave nothing that ends the
 * wait but the timer, which must then have run when UV_RUN_ONCE returns. */
static int once_timer_calls;

static void once_timer_cb(uv_timer_t* t) {
  (void)t;
  once_timer_calls++;
  note('t');
}

TEST(run_once_without_idle_blocks_until_the_timer) {
  uv_loop_t loop;
  uv_prepare_t prepare;
  uv_check_t check;
  uv_timer_t timer;
  uint64_t start;
  watchdog(10);
  order_len = 0;
  once_timer_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prepare), 0);
  CHECK_EQ(uv_prepare_start(&prepare, prepare_stops_itself), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_check_start(&check, check_stops_itself), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, once_timer_cb, 50, 0), 0);
  start = uv_hrtime();
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK(uv_hrtime() - start >= 40 * 1000000ull);
  CHECK_EQ(once_timer_calls, 1);
  /* The poll ended on the timer's timeout; the check ran before the timer
   * that UV_RUN_ONCE runs at the end of its iteration. */
  CHECK(strcmp(order, "pct") == 0);
  uv_close((uv_handle_t*)&prepare, NULL);
  uv_close((uv_handle_t*)&check, NULL);
  uv_close((uv_handle_t*)&timer, NULL);
  finish_loop(&loop);
  alarm(0);
}

/* ---- a timer started from a check callback (libuv's timer_from_check) - */

static uv_prepare_t tfc_prepare;
static uv_check_t tfc_check;
static uv_timer_t tfc_timer;
static uint64_t tfc_start;

static void tfc_prepare_cb(uv_prepare_t* h) {
  CHECK_EQ(uv_prepare_stop(h), 0);
  note('p');
}

static void tfc_timer_cb(uv_timer_t* t) {
  CHECK_EQ(uv_timer_stop(t), 0);
  note('t');
}

static void tfc_check_cb(uv_check_t* h) {
  /* The loop's clock was refreshed after the 50 ms wait. */
  CHECK(uv_now(h->loop) - tfc_start >= 40);
  CHECK_EQ(uv_check_stop(h), 0);
  /* The loop blocked about 50 ms for the timer, which is due now but has
   * not run (timers run at the start of an iteration). Restarting it
   * counts 50 ms from the time after the poll, so the next iteration's
   * prepare callback runs first and the timer fires only later. */
  CHECK_EQ(uv_timer_stop(&tfc_timer), 0);
  CHECK_EQ(uv_timer_start(&tfc_timer, tfc_timer_cb, 50, 0), 0);
  CHECK_EQ(uv_prepare_start(&tfc_prepare, tfc_prepare_cb), 0);
  note('c');
}

TEST(timer_restarted_from_check_counts_from_after_the_poll) {
  uv_loop_t loop;
  watchdog(10);
  order_len = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_prepare_init(&loop, &tfc_prepare), 0);
  CHECK_EQ(uv_check_init(&loop, &tfc_check), 0);
  CHECK_EQ(uv_check_start(&tfc_check, tfc_check_cb), 0);
  CHECK_EQ(uv_timer_init(&loop, &tfc_timer), 0);
  CHECK_EQ(uv_timer_start(&tfc_timer, tfc_timer_cb, 50, 0), 0);
  uv_update_time(&loop);
  tfc_start = uv_now(&loop);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(strcmp(order, "cpt") == 0);
  uv_close((uv_handle_t*)&tfc_prepare, NULL);
  uv_close((uv_handle_t*)&tfc_check, NULL);
  uv_close((uv_handle_t*)&tfc_timer, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  alarm(0);
}

/* ---- stopping and closing handles of the running phase ---------------- */

/* Three handles of one kind are started in order 0, 1, 2. Watchers run
 * most recently started first, so handle 2 runs first and closes itself
 * and handle 1 (libuv's queue_foreach_delete). Handle 1 must not run in
 * that pass, and handle 0 must still run: the walk neither skips a
 * handle nor calls a stopped one. */
union qfd_handle {
  uv_handle_t handle;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
};

static union qfd_handle qfd[3][3]; /* [kind][handle] */
static int qfd_calls[3][3];
static int qfd_closes;

static void qfd_closed(uv_handle_t* h) {
  (void)h;
  qfd_closes++;
}

static void qfd_hit(int kind, uv_handle_t* h) {
  int i;
  for (i = 0; i < 3; i++)
    if (h == &qfd[kind][i].handle)
      break;
  CHECK(i < 3);
  qfd_calls[kind][i]++;
  if (i == 2) {
    uv_close(&qfd[kind][2].handle, qfd_closed);
    uv_close(&qfd[kind][1].handle, qfd_closed);
  }
}

static void qfd_idle_cb(uv_idle_t* h) {
  qfd_hit(0, (uv_handle_t*)h);
}

static void qfd_prepare_cb(uv_prepare_t* h) {
  qfd_hit(1, (uv_handle_t*)h);
}

static void qfd_check_cb(uv_check_t* h) {
  qfd_hit(2, (uv_handle_t*)h);
}

/* The same with uv_*_stop instead of uv_close: handle 2's callback stops
 * itself and handle 1, which has not run yet in this pass. */
static void qfd_stop_hit(int kind, uv_handle_t* h) {
  int i;
  for (i = 0; i < 3; i++)
    if (h == &qfd[kind][i].handle)
      break;
  CHECK(i < 3);
  qfd_calls[kind][i]++;
  if (i != 2)
    return;
  switch (kind) {
  case 0:
    CHECK_EQ(uv_idle_stop(&qfd[0][2].idle), 0);
    CHECK_EQ(uv_idle_stop(&qfd[0][1].idle), 0);
    break;
  case 1:
    CHECK_EQ(uv_prepare_stop(&qfd[1][2].prepare), 0);
    CHECK_EQ(uv_prepare_stop(&qfd[1][1].prepare), 0);
    break;
  default:
    CHECK_EQ(uv_check_stop(&qfd[2][2].check), 0);
    CHECK_EQ(uv_check_stop(&qfd[2][1].check), 0);
    break;
  }
}

static void qfd_stop_idle_cb(uv_idle_t* h) {
  qfd_stop_hit(0, (uv_handle_t*)h);
}

static void qfd_stop_prepare_cb(uv_prepare_t* h) {
  qfd_stop_hit(1, (uv_handle_t*)h);
}

static void qfd_stop_check_cb(uv_check_t* h) {
  qfd_stop_hit(2, (uv_handle_t*)h);
}

static void qfd_start_all(uv_loop_t* loop, int by_stop) {
  int i;
  memset(qfd_calls, 0, sizeof(qfd_calls));
  qfd_closes = 0;
  for (i = 0; i < 3; i++) {
    CHECK_EQ(uv_idle_init(loop, &qfd[0][i].idle), 0);
    CHECK_EQ(uv_idle_start(&qfd[0][i].idle,
                           by_stop ? qfd_stop_idle_cb : qfd_idle_cb), 0);
    CHECK_EQ(uv_prepare_init(loop, &qfd[1][i].prepare), 0);
    CHECK_EQ(uv_prepare_start(&qfd[1][i].prepare,
                              by_stop ? qfd_stop_prepare_cb : qfd_prepare_cb),
             0);
    CHECK_EQ(uv_check_init(loop, &qfd[2][i].check), 0);
    CHECK_EQ(uv_check_start(&qfd[2][i].check,
                            by_stop ? qfd_stop_check_cb : qfd_check_cb), 0);
  }
}

static void qfd_close_all(uv_loop_t* loop) {
  int k, i;
  for (k = 0; k < 3; k++)
    for (i = 0; i < 3; i++)
      if (!uv_is_closing(&qfd[k][i].handle))
        uv_close(&qfd[k][i].handle, NULL);
  finish_loop(loop);
}

TEST(closing_the_next_watcher_from_a_callback_skips_it_and_no_other) {
  uv_loop_t loop;
  int k;
  CHECK_EQ(uv_loop_init(&loop), 0);
  qfd_start_all(&loop, 0);
  /* Handle 0 of each kind is still active after the pass. */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  for (k = 0; k < 3; k++) {
    CHECK_EQ(qfd_calls[k][2], 1);
    CHECK_EQ(qfd_calls[k][1], 0);
    CHECK_EQ(qfd_calls[k][0], 1);
  }
  CHECK_EQ(qfd_closes, 6);
  /* Later passes call only the survivor. */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  for (k = 0; k < 3; k++) {
    CHECK_EQ(qfd_calls[k][0], 2);
    CHECK_EQ(qfd_calls[k][1], 0);
    CHECK_EQ(qfd_calls[k][2], 1);
  }
  qfd_close_all(&loop);
}

TEST(stopping_the_next_watcher_from_a_callback_skips_it_and_no_other) {
  uv_loop_t loop;
  int k;
  CHECK_EQ(uv_loop_init(&loop), 0);
  qfd_start_all(&loop, 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  for (k = 0; k < 3; k++) {
    CHECK_EQ(qfd_calls[k][2], 1);
    CHECK_EQ(qfd_calls[k][1], 0);
    CHECK_EQ(qfd_calls[k][0], 2);
    CHECK(!uv_is_active(&qfd[k][1].handle));
    CHECK(!uv_is_active(&qfd[k][2].handle));
    CHECK(uv_is_active(&qfd[k][0].handle));
  }
  qfd_close_all(&loop);
}

HARNESS_MAIN
