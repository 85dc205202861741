/* An out-of-tree program that uses an installed gouv the way a user would:
 * scripts/consumers.sh builds it with find_package(gouv), with pkg-config,
 * and statically against libgouv.a, and runs each build.
 *
 * It checks two things and exits non-zero if either is wrong: a 20 ms timer
 * fires once, no earlier than 20 ms after it was started, and a wakeup sent
 * with uv_async_send from another thread reaches the loop's thread. */
#include <stdio.h>
#include <string.h>
#include <uv.h>

static uv_timer_t timer;
static uv_async_t async;
static uv_thread_t sender;
static uv_thread_t loop_thread;
static uint64_t started;
static uint64_t fired_after = (uint64_t)-1;
static int timer_calls;
static int async_calls;
static int async_on_loop_thread;

static void on_timer(uv_timer_t* t) {
  timer_calls++;
  fired_after = uv_now(t->loop) - started;
  uv_close((uv_handle_t*)t, NULL);
}

static void on_async(uv_async_t* a) {
  uv_thread_t self = uv_thread_self();
  async_calls++;
  async_on_loop_thread = uv_thread_equal(&self, &loop_thread);
  uv_close((uv_handle_t*)a, NULL);
}

static void send_wakeup(void* arg) {
  uv_sleep(5);
  uv_async_send((uv_async_t*)arg);
}

int main(void) {
  uv_loop_t loop;
  int failures = 0;
  int rc;

  if (uv_loop_init(&loop) != 0) {
    fprintf(stderr, "consumer: uv_loop_init failed\n");
    return 1;
  }
  loop_thread = uv_thread_self();
  uv_timer_init(&loop, &timer);
  uv_async_init(&loop, &async, on_async);
  started = uv_now(&loop);
  uv_timer_start(&timer, on_timer, 20, 0);
  uv_thread_create(&sender, send_wakeup, &async);

  rc = uv_run(&loop, UV_RUN_DEFAULT);
  uv_thread_join(&sender);

  if (rc != 0) { fprintf(stderr, "consumer: uv_run returned %d\n", rc); failures++; }
  if (timer_calls != 1 || fired_after < 20) {
    fprintf(stderr, "consumer: timer ran %d times, %llu ms after start\n",
            timer_calls, (unsigned long long)fired_after);
    failures++;
  }
  if (async_calls != 1 || !async_on_loop_thread) {
    fprintf(stderr, "consumer: async ran %d times (on the loop's thread: %d)\n",
            async_calls, async_on_loop_thread);
    failures++;
  }
  rc = uv_loop_close(&loop);
  if (rc != 0) { fprintf(stderr, "consumer: uv_loop_close: %s\n", uv_err_name(rc)); failures++; }
  if (failures != 0)
    return 1;
  printf("timer after %llu ms, async wakeup on the loop thread, %s\n",
         (unsigned long long)fired_after, uv_version_string());
  return 0;
}
