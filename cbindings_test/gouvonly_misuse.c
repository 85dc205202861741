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

static void noop_idle(uv_idle_t* h) { (void)h; }

/* libuv starts a closed idle handle (returns 0, and the handle is active
 * again though no longer in the loop); gouv refuses to start what is
 * closed. Stopping it is harmless in both (test_closed.c). */
TEST(a_closed_handle_is_not_usable) {
  uv_loop_t loop;
  uv_timer_t t;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  uv_close((uv_handle_t*)&t, NULL);
  uv_close((uv_handle_t*)&idle, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_idle_start(&idle, noop_idle), UV_EINVAL);
  CHECK_EQ(uv_is_active((uv_handle_t*)&idle), 0);
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

/* libuv crashes on these (they walk the closed loop's 0xff pointers);
 * gouv refuses them. uv_loop_close itself answers UV_EBUSY as libuv does
 * (test_closed.c). */
TEST(operations_on_a_closed_loop_get_einval) {
  uv_loop_t loop;
  uv_timer_t t;
  uv_idle_t idle;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), UV_EINVAL);
  CHECK_EQ(uv_idle_init(&loop, &idle), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), UV_EINVAL);
  CHECK_EQ(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), UV_EINVAL);
  CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
}

/* Memory that never held a loop is not mistaken for a closed one. */
TEST(loop_close_on_zeroed_memory_is_einval) {
  uv_loop_t loop;
  memset(&loop, 0, sizeof(loop));
  CHECK_EQ(uv_loop_close(&loop), UV_EINVAL);
  CHECK_EQ(uv_loop_alive(&loop), 0);
}

/* Runs the child half named by child with GOUV_DEBUG=1 and returns what
 * it wrote on stderr (in buf); the child must exit 0. */
static void run_debug_child(const char* child, char* buf, size_t size) {
  int fds[2];
  pid_t pid;
  ssize_t n;
  size_t total = 0;
  int status;

  CHECK_EQ(pipe(fds), 0);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    /* The Go runtime does not survive fork, so the child execs a fresh
     * copy of this binary to make the calls. */
    dup2(fds[1], 2);
    setenv("GOUV_DEBUG", "1", 1);
    execl("/proc/self/exe", "/proc/self/exe", child, (char*)NULL);
    _exit(127);
  }
  close(fds[1]);
  while ((n = read(fds[0], buf + total, size - 1 - total)) > 0)
    total += (size_t)n;
  buf[total] = '\0';
  close(fds[0]);
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  CHECK(WIFEXITED(status));
  CHECK_EQ(WEXITSTATUS(status), 0);
}

static int count_lines_with(const char* text, const char* word) {
  int n = 0;
  const char* p = text;
  while ((p = strstr(p, word)) != NULL) {
    n++;
    p += strlen(word);
  }
  return n;
}

/* A shutdown loop that closes a closed loop over and over gets one
 * message per closed loop, not one per call. */
TEST(debug_mode_names_a_closed_loop_once_per_loop) {
  static char buf[65536];
  run_debug_child("closed_loop_child", buf, sizeof(buf));
  CHECK_EQ(count_lines_with(buf, "was closed"), 2);
  CHECK(strstr(buf, "uv_loop_close") != NULL);
}

/* The child half of the test above: two loops in the same memory, each
 * closed and then misused many times. */
HELPER(closed_loop_child) {
  uv_loop_t loop;
  int round, i;
  for (round = 0; round < 2; round++) {
    CHECK_EQ(uv_loop_init(&loop), 0);
    CHECK_EQ(uv_loop_close(&loop), 0);
    for (i = 0; i < 10000; i++) {
      CHECK_EQ(uv_loop_close(&loop), UV_EBUSY);
      CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), UV_EINVAL);
    }
  }
}

/* With GOUV_DEBUG=1 a double close is reported with the handle's type and
 * address. The misuse runs in a child so that its stderr can be read. */
TEST(debug_mode_names_the_handle_type_and_address) {
  static char buf[4096];
  run_debug_child("debug_child", buf, sizeof(buf));
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
