/* bench_stream_pump: one-way throughput. Clients write 64 KiB buffers as
 * fast as the connection takes them (keeping 4 writes in flight each); the
 * server reads into a fixed buffer and drops the data. Client and server
 * share one loop. About a second per case: TCP with 1 and 100
 * connections, and a unix-socket pipe with 1. */
#include "bench_stream_common.h"

#define TIME_CAP_NS 1000000000ull
#define CHUNK (64 * 1024)
#define INFLIGHT 4
#define MAXCONN 100

struct client {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } h;
  uv_connect_t creq;
  uv_write_t w[INFLIGHT];
};

static uv_loop_t loop;
static struct bs_server server;
static struct client clients[MAXCONN];
static union {
  uv_tcp_t tcp;
  uv_pipe_t pipe;
} conns[MAXCONN];
static int nconns, accepted, kind, stopping;
static char out[CHUNK], in[CHUNK];
static uint64_t bytes, start_ns, end_ns;

static void ralloc(uv_handle_t* h, size_t s, uv_buf_t* b) { (void)h; (void)s; *b = uv_buf_init(in, sizeof in); }

static void stop_all(void) {
  int i;
  if (stopping)
    return;
  stopping = 1;
  end_ns = bench_now_ns();
  for (i = 0; i < nconns; i++) {
    uv_close((uv_handle_t*)&clients[i].h, NULL);
    uv_close((uv_handle_t*)&conns[i], NULL);
  }
}

static void server_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)buf;
  if (n > 0) {
    bytes += n;
    if (bench_now_ns() - start_ns > TIME_CAP_NS)
      stop_all();
  }
}

static void written(uv_write_t* req, int status) {
  uv_buf_t b = uv_buf_init(out, sizeof out);
  if (status < 0 || stopping)
    return;
  BENCH_UV(uv_write(req, req->handle, &b, 1, written));
}

static void on_connection(uv_stream_t* s, int status) {
  BENCH_UV(status);
  bs_init_conn(&loop, kind, &conns[accepted]);
  BENCH_UV(uv_accept(s, (uv_stream_t*)&conns[accepted]));
  BENCH_UV(uv_read_start((uv_stream_t*)&conns[accepted], ralloc, server_read));
  if (++accepted == nconns) {
    int i, j;
    uv_close((uv_handle_t*)s, NULL);
    start_ns = bench_now_ns();
    for (i = 0; i < nconns; i++)
      for (j = 0; j < INFLIGHT; j++) {
        uv_buf_t b = uv_buf_init(out, sizeof out);
        BENCH_UV(uv_write(&clients[i].w[j], (uv_stream_t*)&clients[i].h, &b, 1, written));
      }
  }
}

static void on_connect(uv_connect_t* req, int status) {
  (void)req;
  BENCH_UV(status);
}

static void run(int k, int n, const char* name) {
  int i;
  kind = k;
  nconns = n;
  accepted = 0;
  stopping = 0;
  bytes = 0;
  BENCH_UV(uv_loop_init(&loop));
  bs_listen(&loop, &server, kind, on_connection, "pump");
  for (i = 0; i < n; i++)
    bs_connect(&loop, &server, kind, &clients[i].h, &clients[i].creq, on_connect);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  fprintf(stderr, "%s: %d accepted, %llu bytes\n", name, accepted, (unsigned long long)bytes);
  printf("RESULT %s %.3f Gbit/s\n", name, (double)bytes * 8 / 1e9 / bench_seconds(start_ns, end_ns));
  fflush(stdout);
  bench_loop_teardown(&loop);
}

int main(void) {
  run(BS_TCP, 1, "tcp_pump_1conn");
  run(BS_TCP, 100, "tcp_pump_100conn");
  run(BS_PIPE, 1, "pipe_pump_1conn");
  return 0;
}

