/* Shared helpers for gouv's C benchmarks.
 *
 * A benchmark is one executable that prints, on stdout and nothing else,
 * one line per result:
 *
 *   RESULT <name> <value> <unit>
 *
 * where a higher value is better (throughput, ops/s). Everything else
 * (diagnostics, counters worth a look) goes to stderr. scripts/bench.sh runs
 * each benchmark against gouv and against the system libuv and compares the
 * RESULT lines. Benchmarks measure; they never assert. A failing libuv call
 * is reported on stderr with its error name (e.g. ENOSYS) and exits with 2,
 * which bench.sh shows as "n/a".
 *
 * The sources use only uv.h (plus pthreads and C11 atomics for the helper
 * threads, so that a benchmark measures the loop and not uv_thread_*). */
#ifndef GOUV_BENCH_H
#define GOUV_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <uv.h>

/* Monotonic wall time in nanoseconds, independent of the library under test. */
static inline uint64_t bench_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline double bench_seconds(uint64_t start_ns, uint64_t end_ns) {
  return (double)(end_ns - start_ns) / 1e9;
}

/* Print one result; `ops` operations took `ns` nanoseconds. */
static inline void bench_result_rate(const char* name, double ops,
                                     uint64_t ns, const char* unit) {
  double secs = (double)ns / 1e9;
  if (secs <= 0) secs = 1e-9;
  printf("RESULT %s %.1f %s\n", name, ops / secs, unit);
  fflush(stdout);
  fprintf(stderr, "%s: %.0f ops in %.3f s (%.1f ns/op)\n", name, ops, secs,
          ops > 0 ? (double)ns / ops : 0.0);
}

/* GOUV_BENCH_COUNT=N makes the benchmarks that read it run exactly N
 * operations, with no time cap (scripts/instructions.sh counts the
 * instructions of two such runs); 0 when it is not set. */
static inline uint64_t bench_fixed_count(void) {
  const char* s = getenv("GOUV_BENCH_COUNT");
  return s != NULL ? strtoull(s, NULL, 10) : 0;
}

/* Evaluate a libuv call; on a negative return, name the error and exit. */
#define BENCH_UV(call)                                                      \
  do {                                                                      \
    int bench_r_ = (call);                                                  \
    if (bench_r_ < 0) {                                                     \
      fprintf(stderr, "%s:%d: %s failed: %s (%s)\n", __FILE__, __LINE__,    \
              #call, uv_err_name(bench_r_), uv_strerror(bench_r_));         \
      exit(2);                                                              \
    }                                                                       \
  } while (0)

/* A condition the benchmark needs to make sense (not a test assertion). */
#define BENCH_REQUIRE(cond)                                                 \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: required: %s\n", __FILE__, __LINE__, #cond);  \
      exit(2);                                                              \
    }                                                                       \
  } while (0)

/* Close every handle still open on `loop`, let the closes finish, and close
 * the loop. Not part of any measurement. */
static inline void bench_close_walk_cb(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static inline void bench_loop_teardown(uv_loop_t* loop) {
  int r;
  uv_walk(loop, bench_close_walk_cb, NULL);
  BENCH_UV(uv_run(loop, UV_RUN_DEFAULT));
  r = uv_loop_close(loop);
  if (r != 0)
    fprintf(stderr, "uv_loop_close: %s (ignored)\n", uv_err_name(r));
}

#endif /* GOUV_BENCH_H */
