/* Helpers shared by the C tests that use a loop. Include after harness.h. */
#ifndef GOUV_TEST_UVTEST_H
#define GOUV_TEST_UVTEST_H

#include <errno.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "harness.h"

/* Sleeps for ms milliseconds, resuming after signals. */
static inline void sleep_ms(int ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* Runs the loop until nothing is left and closes it: every test ends with
 * its handles closed, which this checks. */
static inline void finish_loop(uv_loop_t* loop) {
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(loop), 0);
}

/* A close callback that counts its calls in close_calls. */
static int close_calls;

static inline void count_close(uv_handle_t* h) {
  (void)h;
  close_calls++;
}

/* Whether the loop runs its timers last in each iteration, after the
 * closing callbacks, as libuv 1.45 and later and gouv do; libuv 1.44 runs
 * them first. The two orders differ for UV_RUN_ONCE and UV_RUN_NOWAIT. */
static inline int timers_run_last(void) {
  return uv_version() >= 0x012d00 || strstr(uv_version_string(), "gouv") != NULL;
}

#endif
