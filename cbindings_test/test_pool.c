/* The thread pool runs work callbacks on its threads, and only on them:
 * UV_THREADPOOL_SIZE of them (4 by default). Hosts keep state per pool
 * thread (thread-local storage, uv_key_t), sized by that number. */
#include <uv.h>

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"

#define NWORK 400

static pid_t tids[NWORK];
static int done;

static void record_tid(uv_work_t* w) {
  tids[(int)(intptr_t)w->data] = (pid_t)syscall(SYS_gettid);
  usleep(200); /* blocking in C, as real work does, lets a pool move work */
}

static int submitted;
static uv_work_t reqs[NWORK];

/* Keeps two jobs in flight, so that workers go idle and wake again
 * between jobs, the way a host's occasional work comes. */
static void count_done(uv_work_t* w, int status) {
  CHECK_EQ(status, 0);
  done++;
  if (submitted < NWORK) {
    reqs[submitted].data = (void*)(intptr_t)submitted;
    CHECK_EQ(uv_queue_work(w->loop, &reqs[submitted], record_tid, count_done), 0);
    submitted++;
  }
}

TEST(work_runs_on_at_most_threadpool_size_threads) {
  uv_loop_t loop;
  pid_t seen[NWORK];
  int nseen = 0, i, j;
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (submitted = 0; submitted < 2; submitted++) {
    reqs[submitted].data = (void*)(intptr_t)submitted;
    CHECK_EQ(uv_queue_work(&loop, &reqs[submitted], record_tid, count_done), 0);
  }
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(done, NWORK);
  for (i = 0; i < NWORK; i++) {
    CHECK(tids[i] != 0);
    CHECK(tids[i] != (pid_t)syscall(SYS_gettid)); /* never the loop thread */
    for (j = 0; j < nseen && seen[j] != tids[i]; j++) {
    }
    if (j == nseen) seen[nseen++] = tids[i];
  }
  CHECK(nseen >= 1);
  CHECK(nseen <= 4);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
