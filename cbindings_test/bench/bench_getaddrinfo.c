/* bench_getaddrinfo: getaddrinfo("localhost") requests per second with
 * IN_FLIGHT lookups outstanding on the thread pool.
 *
 * Each completion frees its result and starts the next lookup until TOTAL
 * have completed or TIME_CAP_NS has passed. The resolver is libc's under
 * both libraries (/etc/hosts answers), so the figure compares the pool's
 * dispatch and completion path. */
#include "bench.h"

#define IN_FLIGHT 16
#define TOTAL 20000u
#define TIME_CAP_NS 3000000000ull

static uv_loop_t loop;
static uv_getaddrinfo_t reqs[IN_FLIGHT];
static struct addrinfo hints;
static unsigned started, completed;
static uint64_t start_ns;
static int capped;

static void gai_cb(uv_getaddrinfo_t* req, int status, struct addrinfo* res);

static void start_one(uv_getaddrinfo_t* req) {
  started++;
  BENCH_UV(uv_getaddrinfo(&loop, req, gai_cb, "localhost", NULL, &hints));
}

static void gai_cb(uv_getaddrinfo_t* req, int status, struct addrinfo* res) {
  BENCH_UV(status);
  uv_freeaddrinfo(res);
  completed++;
  if ((completed & 255) == 0 && bench_now_ns() - start_ns > TIME_CAP_NS)
    capped = 1;
  if (!capped && started < TOTAL)
    start_one(req);
}

int main(void) {
  uint64_t end_ns;
  int i;

  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  BENCH_UV(uv_loop_init(&loop));
  start_ns = bench_now_ns();
  for (i = 0; i < IN_FLIGHT; i++)
    start_one(&reqs[i]);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  end_ns = bench_now_ns();
  bench_result_rate("getaddrinfo_localhost_16", (double)completed,
                    end_ns - start_ns, "requests/s");
  bench_loop_teardown(&loop);
  return 0;
}
