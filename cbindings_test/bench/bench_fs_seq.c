/* 1 GiB written and then read back sequentially through the pool, in
 * 1 MiB requests with 4 in flight, on a file in /tmp that is removed
 * afterwards. Reported in MB/s. */
#include "bench.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define TOTAL (1ull << 30)
#define CHUNK (1u << 20)
#define INFLIGHT 4

static uv_loop_t loop;
static int fd;
static int reading;
static uint64_t next_off;
static char* bufs[INFLIGHT];
static uv_fs_t reqs[INFLIGHT];

static void io_cb(uv_fs_t* req);

static void issue(int i) {
  uv_buf_t b;
  if (next_off >= TOTAL)
    return;
  b = uv_buf_init(bufs[i], CHUNK);
  reqs[i].data = (void*)(intptr_t)i;
  if (reading)
    BENCH_UV(uv_fs_read(&loop, &reqs[i], fd, &b, 1, (int64_t)next_off, io_cb));
  else
    BENCH_UV(uv_fs_write(&loop, &reqs[i], fd, &b, 1, (int64_t)next_off, io_cb));
  next_off += CHUNK;
}

static void io_cb(uv_fs_t* req) {
  BENCH_REQUIRE(req->result == CHUNK);
  uv_fs_req_cleanup(req);
  issue((int)(intptr_t)req->data);
}

static void run(const char* name) {
  uint64_t t0;
  int i;
  next_off = 0;
  t0 = bench_now_ns();
  for (i = 0; i < INFLIGHT; i++)
    issue(i);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  bench_result_rate(name, (double)TOTAL / 1e6, bench_now_ns() - t0, "MB/s");
}

int main(void) {
  char path[] = "/tmp/gouv_bench_seq_XXXXXX";
  uv_fs_t req;
  int i;

  BENCH_UV(uv_loop_init(&loop));
  fd = mkstemp(path);
  BENCH_REQUIRE(fd >= 0);
  for (i = 0; i < INFLIGHT; i++) {
    bufs[i] = malloc(CHUNK);
    memset(bufs[i], 'a' + i, CHUNK);
  }
  run("fs_seq_write_1GiB");
  BENCH_UV(uv_fs_fsync(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  reading = 1;
  run("fs_seq_read_1GiB");
  close(fd);
  unlink(path);
  for (i = 0; i < INFLIGHT; i++)
    free(bufs[i]);
  bench_loop_teardown(&loop);
  return 0;
}
