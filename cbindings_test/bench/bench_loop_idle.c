/* bench_loop_idle: how many loop iterations per second a loop turns when
 * its only work is one idle handle.
 *
 * An active idle handle makes every iteration poll with a zero timeout, so
 * the figure is the fixed cost of one trip around the loop (timers, pending,
 * idle, prepare, poll, check, closing) plus one callback. The idle callback
 * counts iterations and stops its handle after ITERATIONS; as a safety net
 * for a much slower implementation it also stops once TIME_CAP_NS has
 * passed (checked every 1024 iterations), and the rate is computed from
 * the count actually reached. */
#include "bench.h"

#define ITERATIONS 4000000ull
#define TIME_CAP_NS 3000000000ull

static uint64_t count;
static uint64_t start_ns;
static uint64_t fixed; /* GOUV_BENCH_COUNT, or 0 */

static void idle_cb(uv_idle_t* h) {
  count++;
  if (fixed ? count >= fixed
            : count >= ITERATIONS ||
                  ((count & 1023) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS))
    uv_idle_stop(h);
}

int main(void) {
  uv_loop_t loop;
  uv_idle_t idle;
  uint64_t end_ns;

  fixed = bench_fixed_count();
  BENCH_UV(uv_loop_init(&loop));
  BENCH_UV(uv_idle_init(&loop, &idle));
  BENCH_UV(uv_idle_start(&idle, idle_cb));

  start_ns = bench_now_ns();
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  end_ns = bench_now_ns();

  if (!fixed && count < ITERATIONS)
    fprintf(stderr, "loop_idle: time cap hit after %llu iterations\n",
            (unsigned long long)count);
  bench_result_rate("loop_idle", (double)count, end_ns - start_ns, "iter/s");

  bench_loop_teardown(&loop);
  return 0;
}
