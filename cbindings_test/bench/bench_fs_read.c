/* Reads of a file the page cache holds, one request in flight, the way
 * Node reads a file (fs.readFile, a read stream): each read's callback
 * issues the next one, at the file's position (offset -1), going back to
 * the start at its end. 16 MiB file, about a third of a second per size;
 * reported in reads per second. */
#include "bench.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define FILE_SIZE (16u << 20)
#define TIME_CAP_NS 300000000ull

static uv_loop_t loop;
static uv_fs_t req;
static int fd;
static char* buf;
static size_t chunk;
static uint64_t reads, start_ns;

static void read_cb(uv_fs_t* r);

static void issue(void) {
  uv_buf_t b = uv_buf_init(buf, (unsigned)chunk);
  BENCH_UV(uv_fs_read(&loop, &req, fd, &b, 1, -1, read_cb));
}

static void read_cb(uv_fs_t* r) {
  ssize_t n = r->result;
  uv_fs_req_cleanup(r);
  BENCH_REQUIRE(n >= 0);
  reads++;
  if (n == 0)
    BENCH_REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
  if ((reads & 15) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS)
    return;
  issue();
}

static void run(size_t size, const char* name) {
  chunk = size;
  reads = 0;
  BENCH_REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
  start_ns = bench_now_ns();
  issue();
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  bench_result_rate(name, (double)reads, bench_now_ns() - start_ns, "reads/s");
}

int main(void) {
  char path[] = "/tmp/gouv_bench_read_XXXXXX";
  size_t off;

  BENCH_UV(uv_loop_init(&loop));
  fd = mkstemp(path);
  BENCH_REQUIRE(fd >= 0);
  buf = malloc(1u << 20);
  BENCH_REQUIRE(buf != NULL);
  memset(buf, 'r', 1u << 20);
  for (off = 0; off < FILE_SIZE; off += 1u << 20)
    BENCH_REQUIRE(pwrite(fd, buf, 1u << 20, (off_t)off) == 1 << 20);
  run(4096, "fs_read_cached_4k");
  run(65536, "fs_read_cached_64k");
  run(262144, "fs_read_cached_256k");
  run(1u << 20, "fs_read_cached_1m");
  close(fd);
  unlink(path);
  free(buf);
  bench_loop_teardown(&loop);
  return 0;
}
