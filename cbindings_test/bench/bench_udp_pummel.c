/* bench_udp_pummel: datagrams per second received from one sender on
 * 127.0.0.1.
 *
 * One loop owns a bound receiver and a sender that keeps IN_FLIGHT queued
 * sends of 64 bytes (each send callback queues the next). The receiver
 * counts what arrives; loopback drops what the receiver cannot take, so
 * the figure is what the loop actually received and handed to the host.
 * It runs for DURATION_MS of loop time. */
#include "bench.h"

#include <string.h>

#define IN_FLIGHT 32
#define DURATION_MS 2000

static uv_loop_t loop;
static uv_udp_t rx, tx;
static uv_timer_t stop_timer;
static struct sockaddr_in rx_addr;
static uv_udp_send_t reqs[IN_FLIGHT];
static char payload[64];
static char slab[65536];
static uint64_t received, sent;
static int stopping;

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  buf->base = slab;
  buf->len = sizeof(slab);
}

static void send_one(uv_udp_send_t* req);

static void send_cb(uv_udp_send_t* req, int status) {
  BENCH_UV(status);
  sent++;
  if (!stopping)
    send_one(req);
}

static void send_one(uv_udp_send_t* req) {
  uv_buf_t b = uv_buf_init(payload, sizeof(payload));
  BENCH_UV(uv_udp_send(req, &tx, &b, 1, (const struct sockaddr*)&rx_addr,
                       send_cb));
}

static void recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                    const struct sockaddr* addr, unsigned flags) {
  (void)h;
  (void)buf;
  (void)addr;
  (void)flags;
  if (nread < 0)
    BENCH_UV((int)nread);
  if (nread > 0)
    received++;
}

static void stop_cb(uv_timer_t* t) {
  (void)t;
  stopping = 1;
  uv_udp_recv_stop(&rx);
}

int main(void) {
  uint64_t start_ns, end_ns;
  int len = sizeof(rx_addr);
  int i;

  memset(payload, 'x', sizeof(payload));
  BENCH_UV(uv_loop_init(&loop));
  BENCH_UV(uv_udp_init(&loop, &rx));
  BENCH_UV(uv_udp_init(&loop, &tx));
  BENCH_UV(uv_timer_init(&loop, &stop_timer));
  BENCH_UV(uv_ip4_addr("127.0.0.1", 0, &rx_addr));
  BENCH_UV(uv_udp_bind(&rx, (const struct sockaddr*)&rx_addr, 0));
  BENCH_UV(uv_udp_getsockname(&rx, (struct sockaddr*)&rx_addr, &len));
  BENCH_UV(uv_udp_recv_start(&rx, alloc_cb, recv_cb));
  BENCH_UV(uv_timer_start(&stop_timer, stop_cb, DURATION_MS, 0));
  start_ns = bench_now_ns();
  for (i = 0; i < IN_FLIGHT; i++)
    send_one(&reqs[i]);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  end_ns = bench_now_ns();
  fprintf(stderr, "sent %llu, received %llu\n", (unsigned long long)sent,
          (unsigned long long)received);
  bench_result_rate("udp_pummel_recv", (double)received, end_ns - start_ns,
                    "datagrams/s");
  bench_loop_teardown(&loop);
  return 0;
}
