/* Behaviour where gouv follows libuv 1.45 and later because libuv 1.44
 * hangs or spins: the reference build (Debian 12's libuv 1.44) cannot run
 * these, so they build only against gouv. Each names the newer libuv test
 * that states the same behaviour. */
#include <uv.h>

#include "harness.h"

static int restarts;

static void restart_with_zero_cb(uv_timer_t* t) {
  restarts++;
  CHECK_EQ(uv_timer_start(t, restart_with_zero_cb, 0, 0), 0);
}

/* libuv's timer_zero_timeout: a timer whose callback restarts it with
 * timeout 0 runs once per timer phase, so uv_run returns. */
TEST(timer_restarting_itself_with_zero_timeout_runs_once_per_iteration) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  restarts = 0;
  CHECK_EQ(uv_timer_start(&t, restart_with_zero_cb, 0, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(restarts, 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(restarts, 2);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(restarts, 2);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
