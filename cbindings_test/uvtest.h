/* Helpers shared by the C tests that use a loop. Include after harness.h. */
#ifndef GOUV_TEST_UVTEST_H
#define GOUV_TEST_UVTEST_H

#include <errno.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "harness.h"

/* A number field of /proc/self/task/TID/status ("SigBlk",
 * "voluntary_ctxt_switches"), read in base; 0 if the thread has exited or
 * has no such field. */
static inline unsigned long long task_status(const char* tid, const char* key,
                                             int base) {
  char path[128], line[256];
  unsigned long long v = 0;
  size_t n = strlen(key);
  FILE* f;
  snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
  if ((f = fopen(path, "r")) == NULL)
    return 0;
  while (fgets(line, sizeof(line), f) != NULL)
    if (strncmp(line, key, n) == 0 && line[n] == ':')
      v = strtoull(line + n + 1, NULL, base);
  fclose(f);
  return v;
}

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
