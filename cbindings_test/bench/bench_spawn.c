/* bench_spawn: children per second. /bin/true is spawned, its exit
 * callback closes the handle and spawns the next one, so each operation is
 * a whole spawn, exec, exit and reap, one child at a time (bench_spawn_seq),
 * then with 8 children in flight (bench_spawn_par8). Each phase stops after
 * CHILDREN children or TIME_CAP_NS. */
#include "bench.h"

#define CHILDREN 2000u
#define TIME_CAP_NS 3000000000ull
#define MAX_INFLIGHT 8

static uv_loop_t loop;
static uv_process_t procs[MAX_INFLIGHT];
static uv_process_options_t opts;
static char* args[] = {"/bin/true", NULL};
static unsigned started, finished;
static uint64_t start_ns;

static void spawn_one(uv_process_t* p);

static void on_close(uv_handle_t* h) {
  if (started < CHILDREN && bench_now_ns() - start_ns < TIME_CAP_NS)
    spawn_one((uv_process_t*)h);
}

static void spawn_one(uv_process_t* p) {
  started++;
  BENCH_UV(uv_spawn(&loop, p, &opts));
}

static void on_exit_restart(uv_process_t* p, int64_t status, int sig) {
  (void)status;
  (void)sig;
  finished++;
  uv_close((uv_handle_t*)p, on_close);
}

static void run_phase(const char* name, int inflight) {
  int i;
  uint64_t end;
  started = finished = 0;
  opts.exit_cb = on_exit_restart;
  start_ns = bench_now_ns();
  for (i = 0; i < inflight; i++)
    spawn_one(&procs[i]);
  BENCH_UV(uv_run(&loop, UV_RUN_DEFAULT));
  end = bench_now_ns();
  BENCH_REQUIRE(finished == started);
  bench_result_rate(name, finished, end - start_ns, "spawns/s");
}

int main(void) {
  BENCH_UV(uv_loop_init(&loop));
  opts.file = args[0];
  opts.args = args;
  run_phase("bench_spawn_seq", 1);
  run_phase("bench_spawn_par8", MAX_INFLIGHT);
  bench_loop_teardown(&loop);
  return 0;
}
