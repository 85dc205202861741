/* The request page of libuv 1.44's documentation, sentence by sentence: how
 * uv_cancel reports a cancelled request of each kind, and what it refuses.
 * Each test runs a pool of one thread and keeps it busy, so the request under
 * test is certainly still queued when it is cancelled. See docs/contract.md. */
#include <uv.h>

#include <netinet/in.h>
#include <stdlib.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static uv_sem_t started, release;
static uv_work_t blocker;

static void blocking_work(uv_work_t* req) {
  (void)req;
  uv_sem_post(&started);
  uv_sem_wait(&release);
}
static void blocker_done(uv_work_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
}

/* Makes the pool one thread and occupies it until unblock_pool. */
static void block_pool(uv_loop_t* loop) {
  setenv("UV_THREADPOOL_SIZE", "1", 1);
  CHECK_EQ(uv_sem_init(&started, 0), 0);
  CHECK_EQ(uv_sem_init(&release, 0), 0);
  CHECK_EQ(uv_queue_work(loop, &blocker, blocking_work, blocker_done), 0);
  uv_sem_wait(&started);
}

static void unblock_pool(void) {
  uv_sem_post(&release);
}

static int fs_calls;
static ssize_t fs_result = 1;
static void record_fs(uv_fs_t* req) {
  fs_calls++;
  fs_result = req->result;
}

TEST(cancelled_fs_request_has_its_result_set_to_ecanceled) {
  uv_loop_t loop;
  uv_fs_t req;
  CHECK_EQ(uv_loop_init(&loop), 0);
  block_pool(&loop);
  CHECK_EQ(uv_fs_stat(&loop, &req, "/", record_fs), 0);
  CHECK_EQ(uv_cancel((uv_req_t*)&req), 0);
  unblock_pool();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(fs_calls, 1);
  CHECK_EQ(fs_result, UV_ECANCELED);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int random_status = 1;
static void record_random(uv_random_t* req, int status, void* buf, size_t n) {
  (void)req;
  (void)buf;
  (void)n;
  random_status = status;
}

TEST(cancelled_random_request_calls_back_with_ecanceled) {
  uv_loop_t loop;
  uv_random_t req;
  char buf[16];
  CHECK_EQ(uv_loop_init(&loop), 0);
  block_pool(&loop);
  CHECK_EQ(uv_random(&loop, &req, buf, sizeof buf, 0, record_random), 0);
  CHECK_EQ(uv_cancel((uv_req_t*)&req), 0);
  unblock_pool();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(random_status, UV_ECANCELED);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int nameinfo_status = 1;
static void record_nameinfo(uv_getnameinfo_t* req, int status,
                            const char* host, const char* service) {
  (void)req;
  (void)host;
  (void)service;
  nameinfo_status = status;
}

/* The page says UV_ECANCELED; libuv 1.44 reports UV_EAI_CANCELED, as it does
 * for getaddrinfo, and that is what a drop-in must do. */
TEST(cancelled_getnameinfo_calls_back_with_eai_canceled) {
  uv_loop_t loop;
  uv_getnameinfo_t req;
  struct sockaddr_in a = contract_lo4(80);
  CHECK_EQ(uv_loop_init(&loop), 0);
  block_pool(&loop);
  CHECK_EQ(uv_getnameinfo(&loop, &req, record_nameinfo, (struct sockaddr*)&a,
                          0),
           0);
  CHECK_EQ(uv_cancel((uv_req_t*)&req), 0);
  unblock_pool();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(nameinfo_status, UV_EAI_CANCELED);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

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

static int write_status = 1;
static void record_write(uv_write_t* req, int status) {
  (void)req;
  write_status = status;
}

TEST(cancel_of_a_request_kind_it_does_not_support_is_einval) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_write_t w;
  uv_buf_t b = uv_buf_init("x", 1);
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  CHECK_EQ(uv_write(&w, (uv_stream_t*)&p, &b, 1, record_write), 0);
  CHECK_EQ(uv_cancel((uv_req_t*)&w), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(write_status, 0);
  contract_finish(&loop);
  close(fds[1]);
}

HARNESS_MAIN
