/* bench_stream_writes: 1,000,000 small (16-byte) uv_write requests through
 * one TCP connection, 1024 in flight at a time (each callback issues the
 * next); the server reads into a fixed buffer. Client and server share one
 * loop. Reports writes per second. */
#include "bench_stream_common.h"

#define TOTAL 1000000u
#define INFLIGHT 1024

static uv_loop_t loop;
static struct bs_server server;
static uv_tcp_t conn, client;
static uv_connect_t creq;
static uv_write_t reqs[INFLIGHT];
static char in[65536];
static char msg[16] = "0123456789abcdef";
static unsigned issued, done;
static uint64_t received, start_ns, end_ns;

static void ralloc(uv_handle_t* h, size_t s, uv_buf_t* b) { (void)h; (void)s; *b = uv_buf_init(in, sizeof in); }

static void server_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)buf;
  if (n > 0) {
    received += n;
    if (received == (uint64_t)TOTAL * sizeof msg) {
      end_ns = bench_now_ns();
      uv_close((uv_handle_t*)s, NULL);
      uv_close((uv_handle_t*)&client, NULL);
    }
  }
}

static void written(uv_write_t* req, int status) {
  uv_buf_t b = uv_buf_init(msg, sizeof msg);
  BENCH_UV(status);
  done++;
  if (issued < TOTAL) {
    issued++;
    BENCH_UV(uv_write(req, (uv_stream_t*)&client, &b, 1, written));
  }
}

static void on_connection(uv_stream_t* s, int status) {
  BENCH_UV(status);
  BENCH_UV(uv_tcp_init(&loop, &conn));
  BENCH_UV(uv_accept(s, (uv_stream_t*)&conn));
  BENCH_UV(uv_read_start((uv_stream_t*)&conn, ralloc, server_read));
  uv_close((uv_handle_t*)s, NULL);
}

static void on_connect(uv_connect_t* req, int status) {
  int i;
  (void)req;
  BENCH_UV(status);
  start_ns = bench_now_ns();
  for (i = 0; i < INFLIGHT; i++) {
    uv_buf_t b = uv_buf_init(msg, sizeof msg);
    issued++;
    BENCH_UV(uv_write(&reqs[i], (uv_stream_t*)&client, &b, 1, written));
  }
}

int main(void) {
  BENCH_UV(uv_loop_init(&loop));
  bs_listen(&loop, &server, BS_TCP, on_connection, "writes");
  bs_connect(&loop, &server, BS_TCP, &client, &creq, on_connect);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  bench_result_rate("tcp_1m_small_writes", (double)TOTAL, end_ns - start_ns, "writes/s");
  bench_loop_teardown(&loop);
  return 0;
}
