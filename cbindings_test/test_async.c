/* Async handles: uv_async_send from other threads and from a signal handler
 * wakes the loop; sends coalesce; a send after the callback started is never
 * lost; an async handle keeps the loop alive until it is closed or
 * unreferenced. Threads that send are always joined before the handle is
 * closed, so no test depends on sending to a closing handle. */
#include <uv.h>

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <time.h>

#include "harness.h"
#include "uvtest.h"

static int calls;

static void count_async(uv_async_t* h) {
  (void)h;
  calls++;
}

/* ---- many threads ---------------------------------------------------- */

#define SENDERS 4
#define SENDS_PER_THREAD 2000

static uv_async_t mt_async;
static int mt_total;      /* atomically incremented by senders */
static int mt_seen_final; /* set by the callback */
static int mt_calls;

static void* mt_sender(void* arg) {
  int i;
  (void)arg;
  for (i = 0; i < SENDS_PER_THREAD; i++) {
    __atomic_add_fetch(&mt_total, 1, __ATOMIC_SEQ_CST);
    CHECK_EQ(uv_async_send(&mt_async), 0);
  }
  return NULL;
}

static void mt_async_cb(uv_async_t* h) {
  CHECK(h == &mt_async);
  mt_calls++;
  if (__atomic_load_n(&mt_total, __ATOMIC_SEQ_CST) == SENDERS * SENDS_PER_THREAD)
    mt_seen_final = 1;
}

TEST(async_sends_from_four_threads_coalesce_and_the_last_value_is_seen) {
  uv_loop_t loop;
  pthread_t threads[SENDERS];
  int i;
  mt_total = 0;
  mt_seen_final = 0;
  mt_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &mt_async, mt_async_cb), 0);
  for (i = 0; i < SENDERS; i++)
    CHECK_EQ(pthread_create(&threads[i], NULL, mt_sender, NULL), 0);
  /* Each send follows its increment, so some callback runs after the last
   * increment and sees the final total. ONCE blocks until a wakeup. */
  while (!mt_seen_final)
    CHECK(uv_run(&loop, UV_RUN_ONCE) != 0);
  for (i = 0; i < SENDERS; i++)
    CHECK_EQ(pthread_join(threads[i], NULL), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0); /* drain a trailing wakeup */
  CHECK(mt_calls >= 1);
  CHECK(mt_calls <= SENDERS * SENDS_PER_THREAD);
  uv_close((uv_handle_t*)&mt_async, NULL);
  finish_loop(&loop);
}

TEST(async_sends_before_the_callback_runs_coalesce_into_one_call) {
  uv_loop_t loop;
  uv_async_t async;
  int i;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &async, count_async), 0);
  for (i = 0; i < 100; i++)
    CHECK_EQ(uv_async_send(&async), 0);
  CHECK_EQ(calls, 0); /* never called from inside uv_async_send */
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(calls, 1);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(calls, 1);
  uv_close((uv_handle_t*)&async, NULL);
  finish_loop(&loop);
}

/* ---- ping-pong: no lost wakeups ---------------------------------------- */

#define PINGS 100

static uv_async_t pp_async;
static sem_t pp_sem;
static int pp_calls;

static void* pp_sender(void* arg) {
  int i;
  (void)arg;
  for (i = 0; i < PINGS; i++) {
    CHECK_EQ(uv_async_send(&pp_async), 0);
    while (sem_wait(&pp_sem) != 0)
      CHECK_EQ(errno, EINTR);
  }
  return NULL;
}

static void pp_async_cb(uv_async_t* h) {
  pp_calls++;
  if (pp_calls == PINGS)
    uv_unref((uv_handle_t*)h); /* lets uv_run return; closed after join */
  CHECK_EQ(sem_post(&pp_sem), 0);
}

TEST(every_send_after_the_callback_ran_yields_another_callback) {
  uv_loop_t loop;
  pthread_t thread;
  pp_calls = 0;
  CHECK_EQ(sem_init(&pp_sem, 0, 0), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &pp_async, pp_async_cb), 0);
  CHECK_EQ(pthread_create(&thread, NULL, pp_sender, NULL), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(pthread_join(thread, NULL), 0);
  CHECK_EQ(pp_calls, PINGS);
  uv_close((uv_handle_t*)&pp_async, NULL);
  finish_loop(&loop);
  CHECK_EQ(sem_destroy(&pp_sem), 0);
}

/* ---- waking a blocked loop ----------------------------------------------- */

static uv_async_t wake_async;

static void* wake_sender(void* arg) {
  (void)arg;
  sleep_ms(30); /* give the loop time to block in poll */
  CHECK_EQ(uv_async_send(&wake_async), 0);
  return NULL;
}

static void wake_cb(uv_async_t* h) {
  calls++;
  uv_unref((uv_handle_t*)h);
}

TEST(async_send_from_another_thread_wakes_a_loop_blocked_in_poll) {
  uv_loop_t loop;
  pthread_t thread;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &wake_async, wake_cb), 0);
  CHECK_EQ(pthread_create(&thread, NULL, wake_sender, NULL), 0);
  /* Only the async handle is alive: the loop waits with no timeout. */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(pthread_join(thread, NULL), 0);
  uv_close((uv_handle_t*)&wake_async, NULL);
  finish_loop(&loop);
}

/* ---- from a signal handler ------------------------------------------------ */

static uv_async_t sig_async;
static uv_timer_t sig_guard;
static volatile sig_atomic_t sig_handled;
static pthread_t sig_target;

static void on_sigusr1(int signo) {
  (void)signo;
  int saved = errno;
  uv_async_send(&sig_async);
  sig_handled = 1;
  errno = saved;
}

static void* sig_raiser(void* arg) {
  (void)arg;
  sleep_ms(20);
  CHECK_EQ(pthread_kill(sig_target, SIGUSR1), 0);
  return NULL;
}

static void sig_async_cb(uv_async_t* h) {
  calls++;
  uv_close((uv_handle_t*)h, count_close);
  uv_close((uv_handle_t*)&sig_guard, count_close);
}

static void sig_guard_cb(uv_timer_t* t) {
  (void)t;
  fprintf(stderr, "async callback did not run within 10 s of the signal\n");
  CHECK(0);
}

TEST(async_send_from_a_signal_handler_runs_the_callback) {
  uv_loop_t loop;
  pthread_t thread;
  struct sigaction sa, old;
  sigset_t unblock, oldmask;
  calls = close_calls = 0;
  sig_handled = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &sig_async, sig_async_cb), 0);
  CHECK_EQ(uv_timer_init(&loop, &sig_guard), 0);
  CHECK_EQ(uv_timer_start(&sig_guard, sig_guard_cb, 10000, 0), 0);

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_sigusr1;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  sigemptyset(&unblock);
  sigaddset(&unblock, SIGUSR1);
  CHECK_EQ(pthread_sigmask(SIG_UNBLOCK, &unblock, &oldmask), 0);

  /* The signal lands on this (the loop's) thread, most likely while it is
   * blocked in poll. */
  sig_target = pthread_self();
  CHECK_EQ(pthread_create(&thread, NULL, sig_raiser, NULL), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(pthread_join(thread, NULL), 0);
  CHECK_EQ(sig_handled, 1);
  CHECK_EQ(calls, 1);
  CHECK_EQ(close_calls, 2);

  CHECK_EQ(pthread_sigmask(SIG_SETMASK, &oldmask, NULL), 0);
  CHECK_EQ(sigaction(SIGUSR1, &old, NULL), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* ---- closing and liveness -------------------------------------------------- */

static void close_self(uv_async_t* h) {
  calls++;
  uv_close((uv_handle_t*)h, count_close);
  CHECK(uv_is_closing((uv_handle_t*)h));
}

TEST(async_closed_inside_its_callback_closes_once_and_loop_ends) {
  uv_loop_t loop;
  uv_async_t async;
  calls = close_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &async, close_self), 0);
  CHECK_EQ(uv_async_send(&async), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 1);
  CHECK_EQ(close_calls, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(async_handle_is_active_from_init_and_keeps_the_loop_alive_until_closed) {
  uv_loop_t loop;
  uv_async_t async;
  calls = close_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &async, count_async), 0);
  CHECK(uv_is_active((uv_handle_t*)&async));
  CHECK_EQ(loop.active_handles, 1);
  CHECK(uv_loop_alive(&loop));
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(calls, 0);
  uv_unref((uv_handle_t*)&async);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  uv_ref((uv_handle_t*)&async);
  CHECK(uv_loop_alive(&loop));
  uv_close((uv_handle_t*)&async, count_close);
  CHECK_EQ(uv_is_active((uv_handle_t*)&async), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(close_calls, 1);
  CHECK_EQ(uv_loop_alive(&loop), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void resend_once(uv_async_t* h) {
  calls++;
  if (calls == 1)
    CHECK_EQ(uv_async_send(h), 0);
  else
    uv_close((uv_handle_t*)h, NULL);
}

TEST(async_send_inside_its_callback_schedules_another_call) {
  uv_loop_t loop;
  uv_async_t async;
  calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &async, resend_once), 0);
  CHECK_EQ(uv_async_send(&async), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls, 2);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int a_calls, b_calls;
static void a_cb(uv_async_t* h) {
  (void)h;
  a_calls++;
}
static void b_cb(uv_async_t* h) {
  (void)h;
  b_calls++;
}

TEST(async_send_runs_only_the_callback_of_the_handle_sent) {
  uv_loop_t loop;
  uv_async_t a, b;
  a_calls = b_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &a, a_cb), 0);
  CHECK_EQ(uv_async_init(&loop, &b, b_cb), 0);
  CHECK_EQ(uv_async_send(&b), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(a_calls, 0);
  CHECK_EQ(b_calls, 1);
  CHECK_EQ(uv_async_send(&a), 0);
  CHECK_EQ(uv_async_send(&b), 0);
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) != 0);
  CHECK_EQ(a_calls, 1);
  CHECK_EQ(b_calls, 2);
  uv_close((uv_handle_t*)&a, NULL);
  uv_close((uv_handle_t*)&b, NULL);
  finish_loop(&loop);
}

static uv_async_t cross_async;
static int cross_calls;
static pthread_t cross_cb_thread;
static void cross_cb(uv_async_t* h) {
  cross_calls++;
  cross_cb_thread = pthread_self();
  uv_unref((uv_handle_t*)h);
}

struct loop_thread_arg {
  uv_loop_t* loop;
  int result;
};

static void* run_loop_thread(void* arg) {
  struct loop_thread_arg* a = arg;
  a->result = uv_run(a->loop, UV_RUN_DEFAULT);
  return NULL;
}

TEST(async_callback_runs_on_the_thread_running_the_loop) {
  /* The loop runs on a second thread; this thread sends. */
  uv_loop_t loop;
  pthread_t thread;
  struct loop_thread_arg arg;
  cross_calls = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_async_init(&loop, &cross_async, cross_cb), 0);
  arg.loop = &loop;
  arg.result = -1;
  CHECK_EQ(pthread_create(&thread, NULL, run_loop_thread, &arg), 0);
  sleep_ms(20);
  CHECK_EQ(uv_async_send(&cross_async), 0);
  CHECK_EQ(pthread_join(thread, NULL), 0);
  CHECK_EQ(arg.result, 0);
  CHECK_EQ(cross_calls, 1);
  CHECK(pthread_equal(cross_cb_thread, thread));
  CHECK(!pthread_equal(cross_cb_thread, pthread_self()));
  uv_close((uv_handle_t*)&cross_async, NULL);
  finish_loop(&loop);
}

HARNESS_MAIN
