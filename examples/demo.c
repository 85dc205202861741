/* A first look at gouv: timers firing in order, an idle counter, and a
 * wakeup from another thread through uv_async_send. Build and run it with
 * scripts/run.sh. */
#include <stdio.h>
#include <uv.h>

static uv_loop_t* loop;
static uv_idle_t idle;
static uv_async_t async;
static uv_thread_t thread;
static long idle_count;

static void on_timer(uv_timer_t* timer) {
  printf("[%4llu ms] timer %s fired\n",
         (unsigned long long)(uv_now(loop) - *(uint64_t*)loop->data),
         (const char*)timer->data);
  uv_close((uv_handle_t*)timer, NULL);
}

static void on_idle(uv_idle_t* handle) {
  idle_count++;
  if (idle_count == 1000) {
    printf("idle handle ran 1000 loop iterations, then stopped\n");
    uv_idle_stop(handle);
  }
}

static void on_async(uv_async_t* handle) {
  printf("woken by another thread through uv_async_send: %s\n",
         (const char*)handle->data);
  uv_close((uv_handle_t*)handle, NULL);
}

static void worker(void* arg) {
  (void)arg;
  uv_sleep(50);
  async.data = "hello from the worker thread";
  uv_async_send(&async);
}

int main(void) {
  static uv_timer_t timers[3];
  static const char* names[3] = {"A (10 ms)", "B (20 ms)", "C (30 ms)"};
  static uint64_t start;
  int i;

  printf("libuv API %d.%d.%d, library %s\n", UV_VERSION_MAJOR,
         UV_VERSION_MINOR, UV_VERSION_PATCH, uv_version_string());

  loop = uv_default_loop();
  start = uv_now(loop);
  loop->data = &start;

  /* Started in reverse order: they still fire by due time. */
  for (i = 2; i >= 0; i--) {
    uv_timer_init(loop, &timers[i]);
    timers[i].data = (void*)names[i];
    uv_timer_start(&timers[i], on_timer, 10 * (i + 1), 0);
  }
  uv_idle_init(loop, &idle);
  uv_idle_start(&idle, on_idle);
  uv_async_init(loop, &async, on_async);
  uv_thread_create(&thread, worker, NULL);

  uv_run(loop, UV_RUN_DEFAULT);
  uv_thread_join(&thread);
  uv_close((uv_handle_t*)&idle, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  printf("loop finished: %d (0 = clean close)\n", uv_loop_close(loop));
  return 0;
}
