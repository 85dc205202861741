/* bench_async_pingpong: round trips per second between two loops on two
 * threads, each woken by an async handle the other one sends.
 *
 * The main thread's loop owns async `pong`; a second thread runs its own loop
 * that owns async `ping`. Main sends ping; ping's callback (second thread)
 * sends pong; pong's callback (main thread) counts one round trip and sends
 * ping again. Only one wakeup is ever in flight, so nothing coalesces: each
 * round trip is two cross-thread wakeups and two callbacks. It stops after
 * ROUND_TRIPS, or once TIME_CAP_NS has passed (checked every 256 round trips),
 * and the rate uses the count reached. */
#include "bench.h"

#include <pthread.h>
#include <stdatomic.h>

#define ROUND_TRIPS 10000ull
#define TIME_CAP_NS 3000000000ull

static uv_loop_t main_loop, peer_loop;
static uv_async_t pong; /* on main_loop, sent by the peer thread */
static uv_async_t ping; /* on peer_loop, sent by the main thread */
static atomic_int stopping;
static uint64_t round_trips;
static uint64_t start_ns;

static void ping_cb(uv_async_t* h) {
  if (atomic_load(&stopping)) {
    uv_close((uv_handle_t*)h, NULL);
    return;
  }
  BENCH_UV(uv_async_send(&pong));
}

static void pong_cb(uv_async_t* h) {
  round_trips++;
  if (round_trips >= ROUND_TRIPS ||
      ((round_trips & 255) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS)) {
    atomic_store(&stopping, 1);
    BENCH_UV(uv_async_send(&ping));
    uv_close((uv_handle_t*)h, NULL);
    return;
  }
  BENCH_UV(uv_async_send(&ping));
}

static void* peer_main(void* arg) {
  (void)arg;
  BENCH_UV(uv_run(&peer_loop, UV_RUN_DEFAULT));
  return NULL;
}

int main(void) {
  pthread_t peer;
  uint64_t end_ns;

  BENCH_UV(uv_loop_init(&main_loop));
  BENCH_UV(uv_loop_init(&peer_loop));
  BENCH_UV(uv_async_init(&main_loop, &pong, pong_cb));
  /* The peer loop is not running yet, so initialising its handle here is
   * safe; the thread only starts running the loop afterwards. */
  BENCH_UV(uv_async_init(&peer_loop, &ping, ping_cb));
  BENCH_REQUIRE(pthread_create(&peer, NULL, peer_main, NULL) == 0);

  start_ns = bench_now_ns();
  BENCH_UV(uv_async_send(&ping));
  BENCH_UV(uv_run(&main_loop, UV_RUN_DEFAULT));
  end_ns = bench_now_ns();

  BENCH_REQUIRE(pthread_join(peer, NULL) == 0);
  if (round_trips < ROUND_TRIPS)
    fprintf(stderr, "async_pingpong: time cap hit after %llu round trips\n",
            (unsigned long long)round_trips);
  bench_result_rate("async_pingpong", (double)round_trips, end_ns - start_ns,
                    "roundtrips/s");

  bench_loop_teardown(&peer_loop);
  bench_loop_teardown(&main_loop);
  return 0;
}
