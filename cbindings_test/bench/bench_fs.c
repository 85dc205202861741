/* File system and thread pool throughput: synchronous stats, asynchronous
 * stats with 1/4/16/64 in flight, and uv_queue_work round trips with empty
 * work (1 and 64 in flight). The asynchronous figures measure the pool
 * handoff: submit on the loop thread, run on a worker, complete back on
 * the loop thread. */
#include "bench.h"

#include <string.h>

#define SYNC_OPS 200000
#define ASYNC_OPS 100000

static uv_loop_t loop;
static long remaining;
static long completed;

static void stat_cb(uv_fs_t* req) {
  BENCH_REQUIRE(req->result == 0);
  uv_fs_req_cleanup(req);
  completed++;
  if (remaining > 0) {
    remaining--;
    BENCH_UV(uv_fs_stat(&loop, req, "/tmp", stat_cb));
  }
}

static void bench_async_stat(int inflight) {
  uv_fs_t* reqs = calloc((size_t)inflight, sizeof(uv_fs_t));
  char name[64];
  uint64_t t0;
  int i;
  remaining = ASYNC_OPS - inflight;
  completed = 0;
  t0 = bench_now_ns();
  for (i = 0; i < inflight; i++)
    BENCH_UV(uv_fs_stat(&loop, &reqs[i], "/tmp", stat_cb));
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  snprintf(name, sizeof(name), "fs_async_stat_%d_inflight", inflight);
  bench_result_rate(name, (double)completed, bench_now_ns() - t0, "stats/s");
  free(reqs);
}

static void noop_work(uv_work_t* req) { (void)req; }

static void after_work(uv_work_t* req, int status) {
  BENCH_REQUIRE(status == 0);
  completed++;
  if (remaining > 0) {
    remaining--;
    BENCH_UV(uv_queue_work(&loop, req, noop_work, after_work));
  }
}

static void bench_queue_work(int inflight) {
  uv_work_t* reqs = calloc((size_t)inflight, sizeof(uv_work_t));
  char name[64];
  uint64_t t0;
  int i;
  remaining = ASYNC_OPS - inflight;
  completed = 0;
  t0 = bench_now_ns();
  for (i = 0; i < inflight; i++)
    BENCH_UV(uv_queue_work(&loop, &reqs[i], noop_work, after_work));
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  snprintf(name, sizeof(name), "queue_work_%d_inflight", inflight);
  bench_result_rate(name, (double)completed, bench_now_ns() - t0, "jobs/s");
  free(reqs);
}

int main(void) {
  uv_fs_t req;
  uint64_t t0;
  int i;

  BENCH_UV(uv_loop_init(&loop));
  /* Start the pool before measuring anything. */
  BENCH_UV(uv_fs_stat(&loop, &req, "/tmp", NULL));
  uv_fs_req_cleanup(&req);
  bench_async_stat(1);

  t0 = bench_now_ns();
  for (i = 0; i < SYNC_OPS; i++) {
    BENCH_UV(uv_fs_stat(&loop, &req, "/tmp", NULL));
    uv_fs_req_cleanup(&req);
  }
  bench_result_rate("fs_sync_stat", SYNC_OPS, bench_now_ns() - t0, "stats/s");

  bench_async_stat(1);
  bench_async_stat(4);
  bench_async_stat(16);
  bench_async_stat(64);
  bench_queue_work(1);
  bench_queue_work(64);
  bench_loop_teardown(&loop);
  return 0;
}
