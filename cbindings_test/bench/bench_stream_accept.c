/* bench_stream_accept: connections accepted per second with 100 clients
 * connecting at once. The server accepts and closes; each client, once
 * connected, closes (TCP with a reset, so no TIME_WAIT piles up) and
 * connects again. Client and server share one loop; about half a second
 * per case, TCP and unix-socket pipe. */
#include "bench_stream_common.h"

#define TIME_CAP_NS 500000000ull
#define NCLIENT 100

union stream {
  uv_tcp_t tcp;
  uv_pipe_t pipe;
};

struct client {
  union stream h;
  uv_connect_t creq;
};

static uv_loop_t loop;
static struct bs_server server;
static struct client clients[NCLIENT];
static int kind, stopping;
static uint64_t accepts, start_ns, end_ns;

static void free_close(uv_handle_t* h) { free(h); }
static void on_connect(uv_connect_t* req, int status);

static void client_closed(uv_handle_t* h) {
  struct client* c = (struct client*)h;
  if (stopping)
    return;
  bs_connect(&loop, &server, kind, &c->h, &c->creq, on_connect);
}

static void on_connect(uv_connect_t* req, int status) {
  (void)status;
  if (kind == BS_TCP && status == 0)
    BENCH_UV(uv_tcp_close_reset((uv_tcp_t*)req->handle, client_closed));
  else
    uv_close((uv_handle_t*)req->handle, client_closed);
}

static void on_connection(uv_stream_t* s, int status) {
  union stream* c;
  if (status < 0)
    return;
  c = malloc(sizeof *c);
  bs_init_conn(&loop, kind, c);
  BENCH_UV(uv_accept(s, (uv_stream_t*)c));
  uv_close((uv_handle_t*)c, free_close);
  accepts++;
  if (!stopping && (accepts & 63) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS) {
    stopping = 1;
    end_ns = bench_now_ns();
    uv_close((uv_handle_t*)s, NULL);
  }
}

static void run(int k, const char* name) {
  int i;
  kind = k;
  stopping = 0;
  accepts = 0;
  BENCH_UV(uv_loop_init(&loop));
  bs_listen(&loop, &server, kind, on_connection, "accept");
  start_ns = bench_now_ns();
  for (i = 0; i < NCLIENT; i++)
    bs_connect(&loop, &server, kind, &clients[i].h, &clients[i].creq, on_connect);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  bench_result_rate(name, (double)accepts, end_ns - start_ns, "accepts/s");
  bench_loop_teardown(&loop);
}

int main(void) {
  run(BS_TCP, "tcp_accept_100clients");
  run(BS_PIPE, "pipe_accept_100clients");
  return 0;
}
