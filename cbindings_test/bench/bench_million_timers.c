/* bench_million_timers: a million timers shaped as libuv's own benchmark
 * program shapes them, with its three phases measured apart.
 *
 *   mtimers_init      uv_timer_init + uv_timer_start per timer; the timeout
 *                     grows by 1 ms every 1,000 timers, so the heap holds a
 *                     thousand timers per due time;
 *   mtimers_dispatch  the uv_run that fires them all (it waits for the last
 *                     due time, about a second, which both libraries wait);
 *   mtimers_cleanup   uv_close of every timer and the uv_run that runs the
 *                     close callbacks;
 *   mtimers_total     the three together, as libuv's program reports it.
 *
 * The dispatch phase includes the wall-clock wait for the latest timer, so
 * its ratio sits near 1 whatever the loop costs; init and cleanup are where
 * per-handle costs show. */
#include "bench.h"

#include <string.h>

#define NTIMERS 1000000u

static unsigned fired;
static unsigned closed;

static void timer_cb(uv_timer_t* h) {
  (void)h;
  fired++;
}

static void close_cb(uv_handle_t* h) {
  (void)h;
  closed++;
}

int main(void) {
  uv_loop_t loop;
  uv_timer_t* timers;
  uint64_t t0, t1, t2, t3;
  uint64_t timeout = 0;
  unsigned i;

  timers = malloc(sizeof(*timers) * NTIMERS);
  BENCH_REQUIRE(timers != NULL);
  BENCH_UV(uv_loop_init(&loop));

  t0 = bench_now_ns();
  for (i = 0; i < NTIMERS; i++) {
    if (i % 1000 == 0) timeout++;
    BENCH_UV(uv_timer_init(&loop, &timers[i]));
    BENCH_UV(uv_timer_start(&timers[i], timer_cb, timeout, 0));
  }
  t1 = bench_now_ns();
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  t2 = bench_now_ns();
  for (i = 0; i < NTIMERS; i++) uv_close((uv_handle_t*)&timers[i], close_cb);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  t3 = bench_now_ns();

  if (fired != NTIMERS || closed != NTIMERS)
    fprintf(stderr, "million timers: %u fired, %u closed of %u\n", fired,
            closed, NTIMERS);
  bench_result_rate("mtimers_init", (double)NTIMERS, t1 - t0, "timers/s");
  bench_result_rate("mtimers_dispatch", (double)fired, t2 - t1, "cb/s");
  bench_result_rate("mtimers_cleanup", (double)closed, t3 - t2, "closes/s");
  bench_result_rate("mtimers_total", (double)NTIMERS, t3 - t0, "timers/s");

  BENCH_UV(uv_loop_close(&loop));
  free(timers);
  return 0;
}
