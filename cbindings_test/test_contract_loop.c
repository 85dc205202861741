/* The loop page of libuv 1.44's documentation, sentence by sentence: what
 * uv_loop_close refuses, the default loop being an ordinary loop, uv_stop
 * keeping uv_run from blocking, and uv_loop_fork. See docs/contract.md. */
#include <uv.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static void noop_work(uv_work_t* req) { (void)req; }
static int after_status = 1;
static void record_after(uv_work_t* req, int status) {
  (void)req;
  after_status = status;
}

TEST(loop_close_with_a_pending_work_request_is_ebusy) {
  uv_loop_t loop;
  uv_work_t req;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_queue_work(&loop, &req, noop_work, record_after), 0);
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(after_status, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int default_fired;
static void default_timer_cb(uv_timer_t* t) {
  (void)t;
  default_fired++;
}

TEST(default_loop_closed_with_loop_close_is_given_afresh_next_time) {
  uv_loop_t* loop = uv_default_loop();
  uv_timer_t t;
  CHECK(loop != NULL);
  CHECK(uv_default_loop() == loop);
  CHECK_EQ(uv_timer_init(loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, default_timer_cb, 1, 0), 0);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(default_fired, 1);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(loop), 0);
  /* A new default loop, initialised and usable like the first. */
  loop = uv_default_loop();
  CHECK(loop != NULL);
  CHECK_EQ(uv_loop_alive(loop), 0);
  CHECK_EQ(uv_timer_init(loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, default_timer_cb, 1, 0), 0);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(default_fired, 2);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(loop), 0);
}

static int far_fired;
static void far_cb(uv_timer_t* t) {
  (void)t;
  far_fired++;
}
static void stop_in_prepare(uv_prepare_t* p) {
  uv_stop(p->loop);
}

TEST(stop_called_before_polling_keeps_the_iteration_from_blocking) {
  uv_loop_t loop;
  uv_timer_t far;
  uv_prepare_t prep;
  uint64_t t0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &far), 0);
  CHECK_EQ(uv_timer_start(&far, far_cb, 30000, 0), 0);
  CHECK_EQ(uv_prepare_init(&loop, &prep), 0);
  CHECK_EQ(uv_prepare_start(&prep, stop_in_prepare), 0);
  t0 = uv_hrtime();
  /* The timer keeps the loop alive, so uv_run returns non-zero. */
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) != 0);
  CHECK((uv_hrtime() - t0) / 1000000 < 10000);
  CHECK_EQ(far_fired, 0);
  contract_finish(&loop);
}

static int child_timer_fired;
static void child_timer_cb(uv_timer_t* t) {
  (void)t;
  child_timer_fired++;
}

TEST(loop_fork_keeps_watchers_started_before_the_fork_working_in_the_child) {
  uv_loop_t loop;
  uv_timer_t t;
  pid_t pid;
  int status;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, child_timer_cb, 1, 0), 0);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    if (uv_loop_fork(&loop) != 0)
      _exit(3);
    if (uv_run(&loop, UV_RUN_DEFAULT) != 0)
      _exit(4);
    _exit(child_timer_fired == 1 ? 0 : 5);
  }
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  CHECK(WIFEXITED(status));
  CHECK_EQ(WEXITSTATUS(status), 0);
  contract_finish(&loop);
}

static void stop_idle_cb(uv_idle_t* i) {
  uv_idle_stop(i);
}
static void never_connection(uv_stream_t* s, int status) {
  (void)s;
  (void)status;
  CHECK(0);
}

/* uv_run(UV_RUN_ONCE) blocks only when no callback was due: an idle handle
 * active as the iteration starts counts, even if its callback stops it. */
TEST(run_once_does_not_block_in_an_iteration_that_began_with_an_active_idle) {
  uv_loop_t loop;
  uv_tcp_t server;
  uv_idle_t idle;
  uv_timer_t bound;
  struct sockaddr_in a = contract_lo4(0);
  uint64_t t0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  /* A listening socket nobody connects to keeps the loop alive. */
  CHECK_EQ(uv_tcp_init(&loop, &server), 0);
  CHECK_EQ(uv_tcp_bind(&server, (struct sockaddr*)&a, 0), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 8, never_connection), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_start(&idle, stop_idle_cb), 0);
  /* Bounds the wait of a loop that does block. */
  CHECK_EQ(uv_timer_init(&loop, &bound), 0);
  CHECK_EQ(uv_timer_start(&bound, far_cb, 3000, 0), 0);
  t0 = uv_hrtime();
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  CHECK((uv_hrtime() - t0) / 1000000 < 1500);
  CHECK_EQ(far_fired, 0);
  CHECK_EQ(uv_is_active((uv_handle_t*)&idle), 0);
  contract_finish(&loop);
}

static int pending_write_calls;
static void pending_written(uv_write_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  pending_write_calls++;
}

/* The same for a write callback queued for the pending phase. */
TEST(run_once_does_not_block_in_an_iteration_that_began_with_a_pending_callback) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_write_t w;
  uv_timer_t bound;
  uv_buf_t b = uv_buf_init("x", 1);
  uint64_t t0;
  int fds[2];
  contract_socketpair(fds);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, fds[0]), 0);
  /* Reading keeps the loop alive with nothing arriving. */
  CHECK_EQ(uv_read_start((uv_stream_t*)&p, contract_alloc,
                         (uv_read_cb)abort),
           0);
  CHECK_EQ(uv_write(&w, (uv_stream_t*)&p, &b, 1, pending_written), 0);
  CHECK_EQ(uv_timer_init(&loop, &bound), 0);
  CHECK_EQ(uv_timer_start(&bound, far_cb, 3000, 0), 0);
  t0 = uv_hrtime();
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  CHECK((uv_hrtime() - t0) / 1000000 < 1500);
  CHECK_EQ(pending_write_calls, 1);
  CHECK_EQ(far_fired, 0);
  contract_finish(&loop);
  close(fds[1]);
}

TEST(run_on_a_loop_with_nothing_to_do_still_updates_now) {
  uv_loop_t loop;
  uint64_t before;
  CHECK_EQ(uv_loop_init(&loop), 0);
  uv_update_time(&loop);
  before = uv_now(&loop);
  sleep_ms(30);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(uv_now(&loop) >= before + 30);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
