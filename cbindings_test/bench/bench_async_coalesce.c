/* bench_async_coalesce: how fast another thread can call uv_async_send on a
 * handle whose loop is running, when sends coalesce.
 *
 * The main thread runs a loop with one async handle whose callback counts
 * its calls. A sender thread first waits for one callback (so the loop is
 * known to be running and draining wakeups), then calls uv_async_send SENDS
 * times in a tight loop; that loop is the measurement (sends/s, timed on the
 * sender thread). Most sends find a wakeup already pending and coalesce; how
 * many callbacks ran is printed on stderr, not reported as a result. Finally
 * the sender sets `done` and sends once more: libuv guarantees a callback
 * after that send, and that callback sees `done` and closes the handle. */
#include "bench.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#define SENDS 200000000ull

static uv_loop_t loop;
static uv_async_t async;
static atomic_int done;
static atomic_ullong callbacks;
static uint64_t send_ns;

static void async_cb(uv_async_t* h) {
  atomic_fetch_add(&callbacks, 1);
  if (atomic_load(&done)) uv_close((uv_handle_t*)h, NULL);
}

static void* sender_main(void* arg) {
  uint64_t i, t0, t1;
  (void)arg;

  /* Handshake: the loop has run at least one callback. */
  BENCH_UV(uv_async_send(&async));
  while (atomic_load(&callbacks) == 0) sched_yield();

  t0 = bench_now_ns();
  for (i = 0; i < SENDS; i++) BENCH_UV(uv_async_send(&async));
  t1 = bench_now_ns();
  send_ns = t1 - t0;

  atomic_store(&done, 1);
  BENCH_UV(uv_async_send(&async));
  return NULL;
}

int main(void) {
  pthread_t sender;
  unsigned long long cbs;

  BENCH_UV(uv_loop_init(&loop));
  BENCH_UV(uv_async_init(&loop, &async, async_cb));
  BENCH_REQUIRE(pthread_create(&sender, NULL, sender_main, NULL) == 0);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  BENCH_REQUIRE(pthread_join(sender, NULL) == 0);

  cbs = atomic_load(&callbacks);
  /* One callback belongs to the handshake. */
  fprintf(stderr, "async_coalesce: %llu sends -> %llu callbacks (%.1f sends per callback)\n",
          (unsigned long long)SENDS, cbs - 1, cbs > 1 ? (double)SENDS / (double)(cbs - 1) : 0.0);
  bench_result_rate("async_coalesce_send", (double)SENDS, send_ns, "sends/s");

  bench_loop_teardown(&loop);
  return 0;
}
