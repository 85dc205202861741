/* Misuse that libuv answers with an assertion failure or a crash: gouv
 * promises an error code instead (UV_EINVAL or libuv's code for the
 * situation) and, with GOUV_DEBUG=1, a message naming the handle. There is
 * no reference behaviour to compare with, so these tests build only
 * against gouv. */
#include <uv.h>

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int close_calls;

static void count_close(uv_handle_t* h) {
  (void)h;
  close_calls++;
}

static void noop_timer(uv_timer_t* t) { (void)t; }

TEST(closing_a_handle_twice_runs_its_close_callback_once) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  close_calls = 0;
  uv_close((uv_handle_t*)&t, count_close);
  uv_close((uv_handle_t*)&t, count_close);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(close_calls, 1);
  /* And once more after the close has finished. */
  uv_close((uv_handle_t*)&t, count_close);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(close_calls, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(null_and_uninitialised_handles_get_einval) {
  uv_loop_t loop;
  uv_timer_t zeroed;
  uv_idle_t idle;
  memset(&zeroed, 0, sizeof(zeroed));
  memset(&idle, 0, sizeof(idle));
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_start(NULL, noop_timer, 1, 0), UV_EINVAL);
  CHECK_EQ(uv_timer_start(&zeroed, noop_timer, 1, 0), UV_EINVAL);
  CHECK_EQ(uv_timer_stop(&zeroed), UV_EINVAL);
  CHECK_EQ(uv_idle_stop(&idle), UV_EINVAL);
  CHECK_EQ(uv_timer_init(NULL, &zeroed), UV_EINVAL);
  CHECK_EQ(uv_timer_init(&loop, NULL), UV_EINVAL);
  uv_close(NULL, NULL);
  uv_ref(NULL);
  uv_unref(NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(a_closed_handle_is_not_usable) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_timer_start(&t, noop_timer, 1, 0), UV_EINVAL);
  CHECK_EQ(uv_timer_again(&t), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int nested_run;
static int nested_close;

static void reenter(uv_timer_t* t) {
  nested_run = uv_run(t->loop, UV_RUN_NOWAIT);
  nested_close = uv_loop_close(t->loop);
  uv_close((uv_handle_t*)t, NULL);
}

TEST(run_reentered_from_a_callback_is_einval_and_close_is_ebusy) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, reenter, 0, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(nested_run, UV_EINVAL);
  CHECK_EQ(nested_close, UV_EBUSY);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(operations_on_a_closed_loop_get_einval) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), UV_EINVAL);
  CHECK_EQ(uv_loop_close(&loop), UV_EINVAL);
}

/* With GOUV_DEBUG=1 a double close is reported with the handle's type and
 * address. The misuse runs in a child so that its stderr can be read. */
TEST(debug_mode_names_the_handle_type_and_address) {
  int fds[2];
  pid_t pid;
  char buf[4096];
  ssize_t n, total = 0;
  int status;

  CHECK_EQ(pipe(fds), 0);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    /* The Go runtime does not survive fork, so the child execs a fresh
     * copy of this binary to make the calls. */
    dup2(fds[1], 2);
    setenv("GOUV_DEBUG", "1", 1);
    execl("/proc/self/exe", "/proc/self/exe", "debug_child", (char*)NULL);
    _exit(127);
  }
  close(fds[1]);
  while ((n = read(fds[0], buf + total, sizeof(buf) - 1 - total)) > 0)
    total += n;
  buf[total] = '\0';
  close(fds[0]);
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  CHECK(WIFEXITED(status));
  CHECK_EQ(WEXITSTATUS(status), 0);
  CHECK(strstr(buf, "uv_close") != NULL);
  CHECK(strstr(buf, "timer") != NULL);
  CHECK(strstr(buf, "0x") != NULL);
}

/* The child half of the test above: a double close under GOUV_DEBUG=1. */
HELPER(debug_child) {
  uv_loop_t loop;
  uv_timer_t t;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  uv_close((uv_handle_t*)&t, NULL);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
