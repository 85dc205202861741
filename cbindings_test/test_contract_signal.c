/* The signal page of libuv 1.44's documentation, sentence by sentence, where
 * test_signal.c leaves a gap: the signum member and uv_signal_stop. See
 * docs/contract.md. */
#include <uv.h>

#include <signal.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static void never_cb(uv_signal_t* h, int signum) {
  (void)h;
  (void)signum;
  CHECK(0);
}

TEST(signum_member_names_the_watched_signal_and_is_zero_after_stop) {
  uv_loop_t loop;
  uv_signal_t s;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &s), 0);
  CHECK_EQ(uv_signal_start(&s, never_cb, SIGUSR2), 0);
  CHECK_EQ(s.signum, SIGUSR2);
  CHECK_EQ(uv_signal_start(&s, never_cb, SIGWINCH), 0);
  CHECK_EQ(s.signum, SIGWINCH);
  CHECK_EQ(uv_signal_stop(&s), 0);
  CHECK_EQ(s.signum, 0);
  contract_finish(&loop);
}

static int kept_calls;
static void kept_cb(uv_signal_t* h, int signum) {
  CHECK_EQ(signum, SIGUSR1);
  kept_calls++;
  uv_signal_stop(h);
}

TEST(stopped_signal_handle_is_not_called_while_another_still_watches) {
  uv_loop_t loop;
  uv_signal_t stopped, kept;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &stopped), 0);
  CHECK_EQ(uv_signal_init(&loop, &kept), 0);
  CHECK_EQ(uv_signal_start(&stopped, never_cb, SIGUSR1), 0);
  CHECK_EQ(uv_signal_start(&kept, kept_cb, SIGUSR1), 0);
  CHECK_EQ(uv_signal_stop(&stopped), 0);
  CHECK_EQ(uv_signal_stop(&stopped), 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&stopped), 0);
  CHECK_EQ(raise(SIGUSR1), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(kept_calls, 1);
  contract_finish(&loop);
}

static int oneshot_calls;
static void oneshot_cb(uv_signal_t* h, int signum) {
  (void)h;
  CHECK_EQ(signum, SIGUSR2);
  oneshot_calls++;
}
static int again_calls;
static void again_cb(uv_signal_t* h, int signum) {
  (void)signum;
  again_calls++;
  uv_signal_stop(h);
}

TEST(oneshot_handle_is_not_called_for_the_second_signal) {
  uv_loop_t loop;
  uv_signal_t once, keep;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &once), 0);
  CHECK_EQ(uv_signal_init(&loop, &keep), 0);
  CHECK_EQ(uv_signal_start_oneshot(&once, oneshot_cb, SIGUSR2), 0);
  CHECK_EQ(raise(SIGUSR2), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(oneshot_calls, 1);
  /* A second signal, caught by another handle, does not reach it. */
  CHECK_EQ(uv_signal_start(&keep, again_cb, SIGUSR2), 0);
  CHECK_EQ(raise(SIGUSR2), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(again_calls, 1);
  CHECK_EQ(oneshot_calls, 1);
  contract_finish(&loop);
}

HARNESS_MAIN
