/* The request page of libuv 1.44's documentation, sentence by sentence, where
 * test_fs.c and test_dns.c (which cancel queued work, fs, random and DNS
 * requests) leave a gap: what uv_cancel refuses. See docs/contract.md. */
#include <uv.h>

#include <stdlib.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static void noop_work(uv_work_t* req) { (void)req; }
static int work_status = 1;
static void record_work(uv_work_t* req, int status) {
  (void)req;
  work_status = status;
}

TEST(cancel_of_a_work_request_that_already_finished_fails) {
  uv_loop_t loop;
  uv_work_t req;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_queue_work(&loop, &req, noop_work, record_work), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(work_status, 0);
  CHECK(uv_cancel((uv_req_t*)&req) < 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int shutdown_status = 1;
static void record_shutdown(uv_shutdown_t* req, int status) {
  (void)req;
  shutdown_status = status;
}

/* A shutdown request: libuv 1.44 cancels only thread-pool requests, and
 * 1.53 writes as well (gouv answers UV_EINVAL for a write, as 1.44 does:
 * docs/differences.md), but neither cancels a shutdown. */
TEST(cancel_of_a_request_kind_it_does_not_support_is_einval) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_shutdown_t sh;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_shutdown(&sh, (uv_stream_t*)&p, record_shutdown), 0);
  CHECK_EQ(uv_cancel((uv_req_t*)&sh), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(shutdown_status, 0);
  contract_finish(&loop);
  close(fds[1]);
}

HARNESS_MAIN
