/* Helpers shared by the stream benchmarks: a listening server on TCP or a
 * unix socket, and the address clients connect to. */
#ifndef GOUV_BENCH_STREAM_COMMON_H
#define GOUV_BENCH_STREAM_COMMON_H

#include "bench.h"

#include <string.h>
#include <unistd.h>

enum { BS_TCP, BS_PIPE };

struct bs_server {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } h;
  struct sockaddr_in addr;
  char path[108];
};

static inline void bs_listen(uv_loop_t* loop, struct bs_server* s, int kind,
                             uv_connection_cb cb, const char* tag) {
  if (kind == BS_TCP) {
    struct sockaddr_storage ss;
    int len = sizeof ss;
    BENCH_UV(uv_ip4_addr("127.0.0.1", 0, &s->addr));
    BENCH_UV(uv_tcp_init(loop, &s->h.tcp));
    BENCH_UV(uv_tcp_bind(&s->h.tcp, (struct sockaddr*)&s->addr, 0));
    BENCH_UV(uv_listen((uv_stream_t*)&s->h, 1024, cb));
    BENCH_UV(uv_tcp_getsockname(&s->h.tcp, (struct sockaddr*)&ss, &len));
    s->addr.sin_port = ((struct sockaddr_in*)&ss)->sin_port;
  } else {
    snprintf(s->path, sizeof s->path, "/tmp/gouv-bench-%s-%d.sock", tag, (int)getpid());
    unlink(s->path);
    BENCH_UV(uv_pipe_init(loop, &s->h.pipe, 0));
    BENCH_UV(uv_pipe_bind(&s->h.pipe, s->path));
    BENCH_UV(uv_listen((uv_stream_t*)&s->h, 1024, cb));
  }
}

/* Starts a connection of the server's kind; `h` must be a uv_tcp_t or
 * uv_pipe_t sized union. */
static inline void bs_connect(uv_loop_t* loop, struct bs_server* s, int kind, void* h,
                              uv_connect_t* req, uv_connect_cb cb) {
  if (kind == BS_TCP) {
    BENCH_UV(uv_tcp_init(loop, (uv_tcp_t*)h));
    BENCH_UV(uv_tcp_connect(req, (uv_tcp_t*)h, (struct sockaddr*)&s->addr, cb));
  } else {
    BENCH_UV(uv_pipe_init(loop, (uv_pipe_t*)h, 0));
    uv_pipe_connect(req, (uv_pipe_t*)h, s->path, cb);
  }
}

static inline void bs_init_conn(uv_loop_t* loop, int kind, void* h) {
  if (kind == BS_TCP)
    BENCH_UV(uv_tcp_init(loop, (uv_tcp_t*)h));
  else
    BENCH_UV(uv_pipe_init(loop, (uv_pipe_t*)h, 0));
}

#endif
