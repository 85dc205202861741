/* bench_signal: signals delivered per second to one uv_signal_t. The
 * callback sends the next SIGUSR1 to the process itself, so exactly one
 * delivery is in flight: each operation is kill(2), the process-wide
 * handler, the loop's wakeup and the callback. Stops after SIGNALS
 * deliveries or TIME_CAP_NS. */
#include "bench.h"

#include <signal.h>
#include <unistd.h>

#define SIGNALS 100000u
#define TIME_CAP_NS 3000000000ull

static uv_loop_t loop;
static uv_signal_t sig;
static unsigned delivered;
static uint64_t start_ns;

static void on_signal(uv_signal_t* h, int signum) {
  (void)signum;
  delivered++;
  if (delivered >= SIGNALS ||
      ((delivered & 1023) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS)) {
    uv_close((uv_handle_t*)h, NULL);
    return;
  }
  kill(getpid(), SIGUSR1);
}

int main(void) {
  uint64_t end;
  BENCH_UV(uv_loop_init(&loop));
  BENCH_UV(uv_signal_init(&loop, &sig));
  BENCH_UV(uv_signal_start(&sig, on_signal, SIGUSR1));
  start_ns = bench_now_ns();
  kill(getpid(), SIGUSR1);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  end = bench_now_ns();
  bench_result_rate("bench_signal_delivery", delivered, end - start_ns, "signals/s");
  bench_loop_teardown(&loop);
  return 0;
}
