/* The loop watchers: idle, prepare and check handles. Each is started and
 * stopped, called once per loop iteration while active, and closed through
 * the loop's closing phase. Most behaviours are checked for all three kinds
 * through a small wrapper that dispatches on the kind. */
#include <uv.h>

#include "harness.h"
#include "uvtest.h"

enum kind { IDLE, PREPARE, CHECKW };

union watcher {
  uv_handle_t handle;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
};

/* What a watcher's callback does, kept per handle in handle.data. */
struct probe {
  enum kind kind;
  int calls;
  int stop_at;  /* stop itself on this call (0: never) */
  int close_at; /* close itself on this call (0: never) */
  int closes;
  char tag;     /* appended to the log on each call */
};

static char log_buf[128];
static int log_len;

static void log_reset(void) {
  log_len = 0;
  log_buf[0] = '\0';
}

static void log_add(char c) {
  if (log_len < (int)sizeof(log_buf) - 1)
    log_buf[log_len++] = c;
  log_buf[log_len] = '\0';
}

static void probe_close_cb(uv_handle_t* h) {
  struct probe* p = h->data;
  p->closes++;
  log_add('x');
}

static int w_stop(union watcher* w, enum kind k);

static void on_call(uv_handle_t* h) {
  struct probe* p = h->data;
  p->calls++;
  if (p->tag)
    log_add(p->tag);
  if (p->stop_at == p->calls)
    CHECK_EQ(w_stop((union watcher*)h, p->kind), 0);
  if (p->close_at == p->calls)
    uv_close(h, probe_close_cb);
}

static void idle_cb(uv_idle_t* h) {
  on_call((uv_handle_t*)h);
}
static void prepare_cb(uv_prepare_t* h) {
  on_call((uv_handle_t*)h);
}
static void check_cb(uv_check_t* h) {
  on_call((uv_handle_t*)h);
}

static int w_init(uv_loop_t* loop, union watcher* w, enum kind k,
                  struct probe* p) {
  int r = -1;
  memset(p, 0, sizeof(*p));
  p->kind = k;
  switch (k) {
    case IDLE: r = uv_idle_init(loop, &w->idle); break;
    case PREPARE: r = uv_prepare_init(loop, &w->prepare); break;
    case CHECKW: r = uv_check_init(loop, &w->check); break;
  }
  w->handle.data = p;
  return r;
}

static int w_start(union watcher* w, enum kind k) {
  switch (k) {
    case IDLE: return uv_idle_start(&w->idle, idle_cb);
    case PREPARE: return uv_prepare_start(&w->prepare, prepare_cb);
    case CHECKW: return uv_check_start(&w->check, check_cb);
  }
  return -1;
}

static int w_start_null(union watcher* w, enum kind k) {
  switch (k) {
    case IDLE: return uv_idle_start(&w->idle, NULL);
    case PREPARE: return uv_prepare_start(&w->prepare, NULL);
    case CHECKW: return uv_check_start(&w->check, NULL);
  }
  return -1;
}

static int w_stop(union watcher* w, enum kind k) {
  switch (k) {
    case IDLE: return uv_idle_stop(&w->idle);
    case PREPARE: return uv_prepare_stop(&w->prepare);
    case CHECKW: return uv_check_stop(&w->check);
  }
  return -1;
}

static uv_handle_type w_type(enum kind k) {
  switch (k) {
    case IDLE: return UV_IDLE;
    case PREPARE: return UV_PREPARE;
    case CHECKW: return UV_CHECK;
  }
  return UV_UNKNOWN_HANDLE;
}

/* ---- shared scenarios ------------------------------------------------- */

static void runs_once_per_iteration(enum kind k) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, k, &p), 0);
  CHECK_EQ(w.handle.type, w_type(k));
  CHECK_EQ(w_start(&w, k), 0);
  CHECK_EQ(p.calls, 0); /* never called from start */
  for (i = 1; i <= 4; i++) {
    CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
    CHECK_EQ(p.calls, i);
  }
  CHECK_EQ(w_stop(&w, k), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(p.calls, 4);
  uv_close(&w.handle, NULL);
  finish_loop(&loop);
}

static void start_twice_is_harmless(enum kind k) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, k, &p), 0);
  CHECK_EQ(w_start(&w, k), 0);
  CHECK_EQ(w_start(&w, k), 0);
  CHECK_EQ(loop.active_handles, 1);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(p.calls, 1); /* registered once, called once */
  /* One stop undoes both starts. */
  CHECK_EQ(w_stop(&w, k), 0);
  CHECK_EQ(uv_is_active(&w.handle), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(p.calls, 1);
  uv_close(&w.handle, NULL);
  finish_loop(&loop);
}

static void stop_inside_callback(enum kind k) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, k, &p), 0);
  p.stop_at = 3;
  CHECK_EQ(w_start(&w, k), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  /* The third call stops it: nothing keeps the loop alive any more. */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(p.calls, 3);
  CHECK_EQ(uv_is_active(&w.handle), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(p.calls, 3);
  uv_close(&w.handle, NULL);
  finish_loop(&loop);
}

static void is_active_follows_start_and_stop(enum kind k) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, k, &p), 0);
  CHECK_EQ(uv_is_active(&w.handle), 0);
  CHECK_EQ(w_start(&w, k), 0);
  CHECK(uv_is_active(&w.handle) != 0);
  CHECK_EQ(w_stop(&w, k), 0);
  CHECK_EQ(uv_is_active(&w.handle), 0);
  CHECK_EQ(w_stop(&w, k), 0); /* stopping an inactive watcher is fine */
  CHECK_EQ(uv_is_active(&w.handle), 0);
  CHECK_EQ(w_start(&w, k), 0);
  CHECK(uv_is_active(&w.handle) != 0);
  uv_close(&w.handle, NULL);
  CHECK_EQ(uv_is_active(&w.handle), 0); /* closing stops it */
  finish_loop(&loop);
}

static void start_with_null_callback_fails(enum kind k) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, k, &p), 0);
  CHECK_EQ(w_start_null(&w, k), UV_EINVAL);
  CHECK_EQ(uv_is_active(&w.handle), 0);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  uv_close(&w.handle, NULL);
  finish_loop(&loop);
}

static void close_inside_callback(enum kind k) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, k, &p), 0);
  p.close_at = 2;
  CHECK_EQ(w_start(&w, k), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(p.closes, 0);
  /* Second call closes it; its close callback comes in the same run. */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(p.calls, 2);
  CHECK_EQ(p.closes, 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(p.calls, 2);
  CHECK_EQ(p.closes, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* ---- per-kind tests ----------------------------------------------------- */

TEST(idle_callback_runs_once_per_loop_iteration) {
  runs_once_per_iteration(IDLE);
}

TEST(prepare_callback_runs_once_per_loop_iteration) {
  runs_once_per_iteration(PREPARE);
}

TEST(check_callback_runs_once_per_loop_iteration) {
  runs_once_per_iteration(CHECKW);
}

TEST(idle_start_twice_registers_it_once) {
  start_twice_is_harmless(IDLE);
}

TEST(prepare_start_twice_registers_it_once) {
  start_twice_is_harmless(PREPARE);
}

TEST(check_start_twice_registers_it_once) {
  start_twice_is_harmless(CHECKW);
}

TEST(idle_stopped_inside_its_callback_is_not_called_again) {
  stop_inside_callback(IDLE);
}

TEST(prepare_stopped_inside_its_callback_is_not_called_again) {
  stop_inside_callback(PREPARE);
}

TEST(check_stopped_inside_its_callback_is_not_called_again) {
  stop_inside_callback(CHECKW);
}

TEST(idle_is_active_follows_start_stop_and_close) {
  is_active_follows_start_and_stop(IDLE);
}

TEST(prepare_is_active_follows_start_stop_and_close) {
  is_active_follows_start_and_stop(PREPARE);
}

TEST(check_is_active_follows_start_stop_and_close) {
  is_active_follows_start_and_stop(CHECKW);
}

TEST(idle_start_with_null_callback_returns_einval) {
  start_with_null_callback_fails(IDLE);
}

TEST(prepare_start_with_null_callback_returns_einval) {
  start_with_null_callback_fails(PREPARE);
}

TEST(check_start_with_null_callback_returns_einval) {
  start_with_null_callback_fails(CHECKW);
}

TEST(idle_closed_inside_its_callback_closes_once) {
  close_inside_callback(IDLE);
}

TEST(prepare_closed_inside_its_callback_closes_once) {
  close_inside_callback(PREPARE);
}

TEST(check_closed_inside_its_callback_closes_once) {
  close_inside_callback(CHECKW);
}

/* ---- idle specifics ------------------------------------------------------- */

static int other_idle_calls;
static void other_idle_cb(uv_idle_t* h) {
  (void)h;
  other_idle_calls++;
}

TEST(idle_start_on_an_active_idle_keeps_the_first_callback) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  other_idle_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, IDLE, &p), 0);
  CHECK_EQ(uv_idle_start(&w.idle, idle_cb), 0);
  /* Starting an active watcher is a no-op, callback included. */
  CHECK_EQ(uv_idle_start(&w.idle, other_idle_cb), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(p.calls, 1);
  CHECK_EQ(other_idle_calls, 0);
  /* After a stop, a start does take the new callback. */
  CHECK_EQ(uv_idle_stop(&w.idle), 0);
  CHECK_EQ(uv_idle_start(&w.idle, other_idle_cb), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(p.calls, 1);
  CHECK_EQ(other_idle_calls, 1);
  uv_close(&w.handle, NULL);
  finish_loop(&loop);
}

TEST(several_idle_handles_all_run_every_iteration) {
  uv_loop_t loop;
  union watcher w[4];
  struct probe p[4];
  int i, round;
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (i = 0; i < 4; i++) {
    CHECK_EQ(w_init(&loop, &w[i], IDLE, &p[i]), 0);
    CHECK_EQ(w_start(&w[i], IDLE), 0);
  }
  CHECK_EQ(loop.active_handles, 4);
  for (round = 1; round <= 3; round++) {
    CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
    for (i = 0; i < 4; i++)
      CHECK_EQ(p[i].calls, round);
  }
  /* Stopping one leaves the others running. */
  CHECK_EQ(w_stop(&w[1], IDLE), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(p[0].calls, 4);
  CHECK_EQ(p[1].calls, 3);
  CHECK_EQ(p[2].calls, 4);
  CHECK_EQ(p[3].calls, 4);
  for (i = 0; i < 4; i++)
    uv_close(&w[i].handle, NULL);
  finish_loop(&loop);
}

static void watchers_of_a_kind_run_most_recent_first(enum kind k) {
  uv_loop_t loop;
  union watcher w[3];
  struct probe p[3];
  int i;
  log_reset();
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (i = 0; i < 3; i++) {
    CHECK_EQ(w_init(&loop, &w[i], k, &p[i]), 0);
    p[i].tag = (char)('a' + i);
  }
  for (i = 0; i < 3; i++)
    CHECK_EQ(w_start(&w[i], k), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  if (strcmp(log_buf, "cbacba") != 0)
    fprintf(stderr, "order: %s\n", log_buf);
  CHECK(strcmp(log_buf, "cbacba") == 0);
  for (i = 0; i < 3; i++)
    uv_close(&w[i].handle, NULL);
  finish_loop(&loop);
}

/* libuv 1.44 keeps each watcher list with the most recently started handle
 * at its head, and keeps that order from one iteration to the next. */
TEST(idle_handles_run_most_recently_started_first) {
  watchers_of_a_kind_run_most_recent_first(IDLE);
}

TEST(prepare_handles_run_most_recently_started_first) {
  watchers_of_a_kind_run_most_recent_first(PREPARE);
}

TEST(check_handles_run_most_recently_started_first) {
  watchers_of_a_kind_run_most_recent_first(CHECKW);
}

static union watcher late_idle;
static struct probe late_probe;
static void start_late_idle_cb(uv_idle_t* h) {
  struct probe* p = h->data;
  p->calls++;
  log_add('e');
  if (p->calls == 1)
    CHECK_EQ(w_start(&late_idle, IDLE), 0);
}

TEST(idle_started_from_an_idle_callback_first_runs_next_iteration) {
  uv_loop_t loop;
  union watcher early;
  struct probe ep;
  log_reset();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &early, IDLE, &ep), 0);
  CHECK_EQ(w_init(&loop, &late_idle, IDLE, &late_probe), 0);
  late_probe.tag = 'l';
  CHECK_EQ(uv_idle_start(&early.idle, start_late_idle_cb), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(ep.calls, 1);
  CHECK_EQ(late_probe.calls, 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(ep.calls, 2);
  CHECK_EQ(late_probe.calls, 1);
  uv_close(&early.handle, NULL);
  uv_close(&late_idle.handle, NULL);
  finish_loop(&loop);
}

TEST(active_idle_makes_run_nowait_return_nonzero_and_default_not_block) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  uint64_t t0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, IDLE, &p), 0);
  CHECK_EQ(w_start(&w, IDLE), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  CHECK_EQ(p.calls, 2);
  /* With only an idle handle, DEFAULT spins without blocking in poll until
   * the callback stops it. */
  p.stop_at = 50;
  t0 = uv_hrtime();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(p.calls, 50);
  CHECK(uv_hrtime() - t0 < 10ULL * 1000000000ULL);
  uv_close(&w.handle, NULL);
  finish_loop(&loop);
}

TEST(active_prepare_or_check_makes_run_nowait_return_nonzero) {
  uv_loop_t loop;
  union watcher pw, cw;
  struct probe pp, cp;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &pw, PREPARE, &pp), 0);
  CHECK_EQ(w_init(&loop, &cw, CHECKW, &cp), 0);
  CHECK_EQ(w_start(&pw, PREPARE), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(w_stop(&pw, PREPARE), 0);
  CHECK_EQ(w_start(&cw, CHECKW), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(w_stop(&cw, CHECKW), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(pp.calls, 1);
  CHECK_EQ(cp.calls, 1);
  uv_close(&pw.handle, NULL);
  uv_close(&cw.handle, NULL);
  finish_loop(&loop);
}

TEST(unreferenced_idle_does_not_keep_the_loop_alive_and_does_not_run) {
  uv_loop_t loop;
  union watcher w;
  struct probe p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &w, IDLE, &p), 0);
  CHECK_EQ(w_start(&w, IDLE), 0);
  uv_unref(&w.handle);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  /* Nothing is alive: run returns before any iteration. */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(p.calls, 0);
  CHECK(uv_is_active(&w.handle));
  uv_close(&w.handle, NULL);
  finish_loop(&loop);
}

/* ---- closing ---------------------------------------------------------------- */

static union watcher cl_target;
static struct probe cl_target_probe;
static void close_target_from_idle(uv_idle_t* h) {
  struct probe* p = h->data;
  p->calls++;
  log_add('i');
  if (p->calls == 1) {
    uv_close(&cl_target.handle, probe_close_cb);
    CHECK(uv_is_closing(&cl_target.handle));
    CHECK_EQ(uv_is_active(&cl_target.handle), 0);
  }
}

TEST(close_callback_runs_once_in_the_close_phase_after_check) {
  uv_loop_t loop;
  union watcher idle, prepare, check;
  struct probe ip, pp, cp;
  log_reset();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(w_init(&loop, &idle, IDLE, &ip), 0);
  CHECK_EQ(w_init(&loop, &prepare, PREPARE, &pp), 0);
  CHECK_EQ(w_init(&loop, &check, CHECKW, &cp), 0);
  CHECK_EQ(w_init(&loop, &cl_target, PREPARE, &cl_target_probe), 0);
  pp.tag = 'p';
  cp.tag = 'c';
  cl_target_probe.tag = 'T';
  CHECK_EQ(uv_idle_start(&idle.idle, close_target_from_idle), 0);
  CHECK_EQ(w_start(&prepare, PREPARE), 0);
  CHECK_EQ(w_start(&check, CHECKW), 0);
  CHECK_EQ(w_start(&cl_target, PREPARE), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  /* The closed prepare handle no longer runs; its close callback comes
   * after this iteration's check callbacks. */
  CHECK(strcmp(log_buf, "ipcx") == 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK(strcmp(log_buf, "ipcxipc") == 0);
  CHECK_EQ(cl_target_probe.closes, 1);
  CHECK_EQ(cl_target_probe.calls, 0);
  uv_close(&idle.handle, NULL);
  uv_close(&prepare.handle, NULL);
  uv_close(&check.handle, NULL);
  finish_loop(&loop);
  CHECK_EQ(cl_target_probe.closes, 1);
}

TEST(is_closing_is_true_after_close_and_close_stops_the_watcher) {
  uv_loop_t loop;
  union watcher w[3];
  struct probe p[3];
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (i = 0; i < 3; i++) {
    CHECK_EQ(w_init(&loop, &w[i], (enum kind)i, &p[i]), 0);
    CHECK_EQ(w_start(&w[i], (enum kind)i), 0);
    CHECK_EQ(uv_is_closing(&w[i].handle), 0);
  }
  for (i = 0; i < 3; i++) {
    uv_close(&w[i].handle, probe_close_cb);
    CHECK(uv_is_closing(&w[i].handle) != 0);
    CHECK_EQ(uv_is_active(&w[i].handle), 0);
  }
  CHECK_EQ(loop.active_handles, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  for (i = 0; i < 3; i++) {
    CHECK_EQ(p[i].calls, 0); /* closed before any iteration ran them */
    CHECK_EQ(p[i].closes, 1);
  }
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
