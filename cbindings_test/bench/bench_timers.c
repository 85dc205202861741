/* bench_timers: starting and dispatching 1,000,000 one-shot timers.
 *
 * Two results:
 *   timers_start     uv_timer_start calls per second, on a loop that already
 *                    holds the timers started before (so the timer heap grows
 *                    to a million entries during the measurement);
 *   timers_dispatch  timer callbacks per second when all of them are due at
 *                    once: the single uv_run that fires them all.
 *
 * Timeouts are spread pseudo-randomly over 0..SPREAD_MS-1 ms (a fixed
 * multiplicative scramble of the index), so insertions arrive out of order
 * and the heap does real work, while the dispatch needs no long wait: after
 * the starts we wait, outside any measurement, until the loop's own clock
 * (uv_update_time/uv_now) has passed the latest due time, then run. Every
 * timer is due when uv_run begins, so the run is pure dispatch. */
#include "bench.h"

#include <string.h>

#define NTIMERS 1000000u
#define SPREAD_MS 50u

static uint64_t fired;

static void timer_cb(uv_timer_t* h) {
  (void)h;
  fired++;
}

static void sleep_ms(unsigned ms) {
  struct timespec ts = {0, (long)ms * 1000000L};
  nanosleep(&ts, NULL);
}

int main(void) {
  uv_loop_t loop;
  uv_timer_t* timers;
  uint64_t t0, t1, t2, t3, base;
  unsigned i;

  timers = malloc(sizeof(*timers) * NTIMERS);
  BENCH_REQUIRE(timers != NULL);
  memset(timers, 0, sizeof(*timers) * NTIMERS);

  BENCH_UV(uv_loop_init(&loop));
  for (i = 0; i < NTIMERS; i++) BENCH_UV(uv_timer_init(&loop, &timers[i]));

  uv_update_time(&loop);
  base = uv_now(&loop);

  t0 = bench_now_ns();
  for (i = 0; i < NTIMERS; i++) {
    /* 2654435761 is odd, so i -> i*K mod 2^32 is a bijection; the high bits
     * of the product give a well-mixed value in 0..SPREAD_MS-1. */
    uint64_t timeout = (((uint32_t)(i * 2654435761u)) * (uint64_t)SPREAD_MS) >> 32;
    BENCH_UV(uv_timer_start(&timers[i], timer_cb, timeout, 0));
  }
  t1 = bench_now_ns();

  /* Let every due time pass on the loop's clock (not measured). */
  for (;;) {
    uv_update_time(&loop);
    if (uv_now(&loop) >= base + SPREAD_MS + 1) break;
    sleep_ms(1);
  }

  t2 = bench_now_ns();
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  t3 = bench_now_ns();

  if (fired != NTIMERS)
    fprintf(stderr, "timers: %llu of %u callbacks ran\n",
            (unsigned long long)fired, NTIMERS);
  bench_result_rate("timers_start", (double)NTIMERS, t1 - t0, "starts/s");
  bench_result_rate("timers_dispatch", (double)fired, t3 - t2, "cb/s");

  bench_loop_teardown(&loop);
  free(timers);
  return 0;
}
