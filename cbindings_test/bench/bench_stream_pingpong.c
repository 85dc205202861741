/* bench_stream_pingpong: TCP round trips per second over one connection.
 * Client and server share one loop; the client writes 1 byte, the server
 * writes it back, and the client sends the next when it arrives. Runs for
 * about a second. */
#include "bench_stream_common.h"

#define TIME_CAP_NS 1000000000ull

static uv_loop_t loop;
static struct bs_server server;
static uv_tcp_t conn, client;
static uv_connect_t creq;
static uv_write_t sreq, creq_w;
static char sbuf[64], cbuf[64];
static uint64_t trips, start_ns, end_ns;
static uint64_t fixed; /* GOUV_BENCH_COUNT, or 0 for about a second */
static int stopping;

static void salloc(uv_handle_t* h, size_t s, uv_buf_t* b) { (void)h; (void)s; *b = uv_buf_init(sbuf, sizeof sbuf); }
static void calloc_cb(uv_handle_t* h, size_t s, uv_buf_t* b) { (void)h; (void)s; *b = uv_buf_init(cbuf, sizeof cbuf); }

static void server_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  if (n > 0) {
    uv_buf_t b = uv_buf_init(buf->base, (unsigned)n);
    BENCH_UV(uv_write(&sreq, s, &b, 1, NULL));
  } else if (n < 0) {
    uv_close((uv_handle_t*)s, NULL);
  }
}

static void send_ping(void) {
  uv_buf_t b = uv_buf_init("p", 1);
  BENCH_UV(uv_write(&creq_w, (uv_stream_t*)&client, &b, 1, NULL));
}

static void client_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)buf;
  if (n <= 0)
    return;
  trips++;
  if (fixed ? trips >= fixed
            : (trips & 127) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS) {
    end_ns = bench_now_ns();
    stopping = 1;
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  send_ping();
}

static void on_connection(uv_stream_t* s, int status) {
  BENCH_UV(status);
  BENCH_UV(uv_tcp_init(&loop, &conn));
  BENCH_UV(uv_accept(s, (uv_stream_t*)&conn));
  BENCH_UV(uv_read_start((uv_stream_t*)&conn, salloc, server_read));
  uv_close((uv_handle_t*)s, NULL);
}

static void on_connect(uv_connect_t* req, int status) {
  BENCH_UV(status);
  BENCH_UV(uv_tcp_nodelay((uv_tcp_t*)req->handle, 1));
  BENCH_UV(uv_read_start(req->handle, calloc_cb, client_read));
  start_ns = bench_now_ns();
  send_ping();
}

int main(void) {
  fixed = bench_fixed_count();
  BENCH_UV(uv_loop_init(&loop));
  bs_listen(&loop, &server, BS_TCP, on_connection, "pingpong");
  bs_connect(&loop, &server, BS_TCP, &client, &creq, on_connect);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  bench_result_rate("tcp_pingpong", (double)trips, end_ns - start_ns, "roundtrips/s");
  bench_loop_teardown(&loop);
  return 0;
}
