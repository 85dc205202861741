/* bench_udp_pingpong: UDP round trips per second over 127.0.0.1, one
 * datagram in flight.
 *
 * One loop owns two bound UDP handles. `ping` sends a 64-byte datagram to
 * `pong`; pong's receive callback sends it back; ping's receive callback
 * counts one round trip and sends again. Each round trip is two sends, two
 * receive wakeups and two send completions. It stops after ROUND_TRIPS or
 * once TIME_CAP_NS has passed (checked every 256 round trips). */
#include "bench.h"

#include <string.h>

#define ROUND_TRIPS 50000ull
#define TIME_CAP_NS 3000000000ull
#define REQS 64 /* rotated; never more than a few in flight */

static uv_loop_t loop;
static uv_udp_t ping, pong;
static struct sockaddr_in ping_addr, pong_addr;
static uv_udp_send_t reqs[REQS];
static unsigned next_req;
static char payload[64];
static char slab[65536];
static uint64_t round_trips, start_ns;
static uint64_t fixed; /* GOUV_BENCH_COUNT, or 0 */
static int done;

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  buf->base = slab;
  buf->len = sizeof(slab);
}

static void send_cb(uv_udp_send_t* req, int status) {
  (void)req;
  BENCH_UV(status);
}

static void send_to(uv_udp_t* from, const struct sockaddr_in* to) {
  uv_buf_t b = uv_buf_init(payload, sizeof(payload));
  uv_udp_send_t* req = &reqs[next_req++ % REQS];
  BENCH_UV(uv_udp_send(req, from, &b, 1, (const struct sockaddr*)to, send_cb));
}

static void pong_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                      const struct sockaddr* addr, unsigned flags) {
  (void)buf;
  (void)addr;
  (void)flags;
  if (nread <= 0) {
    BENCH_UV((int)nread);
    return;
  }
  send_to(h, &ping_addr);
}

static void ping_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                      const struct sockaddr* addr, unsigned flags) {
  (void)buf;
  (void)addr;
  (void)flags;
  if (nread <= 0) {
    BENCH_UV((int)nread);
    return;
  }
  round_trips++;
  if (fixed ? round_trips >= fixed
            : round_trips >= ROUND_TRIPS ||
                  ((round_trips & 255) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS)) {
    done = 1;
    uv_udp_recv_stop(&ping);
    uv_udp_recv_stop(&pong);
    return;
  }
  send_to(h, &pong_addr);
}

static void bind_loopback(uv_udp_t* h, struct sockaddr_in* addr) {
  int len = sizeof(*addr);
  BENCH_UV(uv_udp_init(&loop, h));
  BENCH_UV(uv_ip4_addr("127.0.0.1", 0, addr));
  BENCH_UV(uv_udp_bind(h, (const struct sockaddr*)addr, 0));
  BENCH_UV(uv_udp_getsockname(h, (struct sockaddr*)addr, &len));
}

int main(void) {
  uint64_t end_ns;

  fixed = bench_fixed_count();
  memset(payload, 'p', sizeof(payload));
  BENCH_UV(uv_loop_init(&loop));
  bind_loopback(&ping, &ping_addr);
  bind_loopback(&pong, &pong_addr);
  BENCH_UV(uv_udp_recv_start(&ping, alloc_cb, ping_recv));
  BENCH_UV(uv_udp_recv_start(&pong, alloc_cb, pong_recv));
  start_ns = bench_now_ns();
  send_to(&ping, &pong_addr);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  end_ns = bench_now_ns();
  BENCH_REQUIRE(done);
  bench_result_rate("udp_pingpong", (double)round_trips, end_ns - start_ns,
                    "roundtrips/s");
  bench_loop_teardown(&loop);
  return 0;
}
