/* uv_signal_t: delivery, several handles and loops, oneshot, stop from the
 * callback, and the host's own handlers living beside gouv's threads. */
#include <uv.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

static int calls[4];
static int last_signum;

static void count_cb(uv_signal_t* h, int signum) {
  calls[(intptr_t)h->data]++;
  last_signum = signum;
}

static void stop_cb(uv_signal_t* h, int signum) {
  count_cb(h, signum);
  CHECK_EQ(uv_signal_stop(h), 0);
  CHECK(!uv_is_active((uv_handle_t*)h));
}

static void close_cb(uv_signal_t* h, int signum) {
  count_cb(h, signum);
  uv_close((uv_handle_t*)h, NULL);
}

TEST(signal_start_rejects_bad_input) {
  uv_loop_t loop;
  uv_signal_t s;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &s), 0);
  CHECK_EQ(uv_signal_start(&s, count_cb, 0), UV_EINVAL);
  CHECK_EQ(uv_signal_start(&s, count_cb, -3), UV_EINVAL);
  CHECK_EQ(uv_signal_start(&s, count_cb, 65), UV_EINVAL);
  CHECK_EQ(uv_signal_start(&s, count_cb, SIGKILL), UV_EINVAL);
  CHECK_EQ(uv_signal_start(&s, count_cb, SIGSTOP), UV_EINVAL);
  CHECK(!uv_is_active((uv_handle_t*)&s));
  CHECK_EQ(uv_signal_stop(&s), 0);
  uv_close((uv_handle_t*)&s, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(signal_calls_every_handle_and_stops_from_callback) {
  uv_loop_t loop;
  uv_signal_t a, b;
  memset(calls, 0, sizeof(calls));
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &a), 0);
  CHECK_EQ(uv_signal_init(&loop, &b), 0);
  a.data = (void*)0;
  b.data = (void*)1;
  CHECK_EQ(uv_signal_start(&a, stop_cb, SIGUSR1), 0);
  CHECK_EQ(uv_signal_start(&b, stop_cb, SIGUSR1), 0);
  CHECK_EQ(a.signum, SIGUSR1);
  CHECK(uv_is_active((uv_handle_t*)&a));
  CHECK_EQ(kill(getpid(), SIGUSR1), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(calls[0], 1);
  CHECK_EQ(calls[1], 1);
  CHECK_EQ(last_signum, SIGUSR1);
  /* Stopping forgets the number. */
  CHECK_EQ(a.signum, 0);
  uv_close((uv_handle_t*)&a, NULL);
  uv_close((uv_handle_t*)&b, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(signal_oneshot_stops_before_its_callback) {
  uv_loop_t loop;
  uv_signal_t a, keep;
  memset(calls, 0, sizeof(calls));
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &a), 0);
  CHECK_EQ(uv_signal_init(&loop, &keep), 0);
  a.data = (void*)0;
  keep.data = (void*)1;
  CHECK_EQ(uv_signal_start_oneshot(&a, count_cb, SIGUSR2), 0);
  /* A second handle keeps the handler installed, so the second signal
   * does not take the default action. */
  CHECK_EQ(uv_signal_start(&keep, count_cb, SIGUSR2), 0);
  CHECK_EQ(kill(getpid(), SIGUSR2), 0);
  while (calls[1] < 1)
    uv_run(&loop, UV_RUN_ONCE);
  CHECK_EQ(calls[0], 1);
  CHECK(!uv_is_active((uv_handle_t*)&a));
  CHECK_EQ(a.signum, 0);
  CHECK_EQ(kill(getpid(), SIGUSR2), 0);
  while (calls[1] < 2)
    uv_run(&loop, UV_RUN_ONCE);
  CHECK_EQ(calls[0], 1);
  uv_close((uv_handle_t*)&a, NULL);
  uv_close((uv_handle_t*)&keep, NULL);
  /* Closing stops, and stopping forgets the number. */
  CHECK_EQ(keep.signum, 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(signal_unref_handle_does_not_keep_loop_alive) {
  uv_loop_t loop;
  uv_signal_t a;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &a), 0);
  CHECK_EQ(uv_signal_start(&a, count_cb, SIGWINCH), 0);
  CHECK_EQ(uv_loop_alive(&loop), 1);
  uv_unref((uv_handle_t*)&a);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  uv_close((uv_handle_t*)&a, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

struct loop_thread {
  uv_sem_t ready;
  int got;
};

static void thread_cb(uv_signal_t* h, int signum) {
  struct loop_thread* t = h->loop->data;
  CHECK_EQ(signum, SIGUSR1);
  t->got++;
  uv_close((uv_handle_t*)h, NULL);
}

static void run_loop_thread(void* arg) {
  struct loop_thread* t = arg;
  uv_loop_t loop;
  uv_signal_t s;
  CHECK_EQ(uv_loop_init(&loop), 0);
  loop.data = t;
  CHECK_EQ(uv_signal_init(&loop, &s), 0);
  CHECK_EQ(uv_signal_start(&s, thread_cb, SIGUSR1), 0);
  uv_sem_post(&t->ready);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(signal_reaches_loops_on_two_threads) {
  struct loop_thread t[2];
  uv_thread_t tid[2];
  int i;
  for (i = 0; i < 2; i++) {
    t[i].got = 0;
    CHECK_EQ(uv_sem_init(&t[i].ready, 0), 0);
    CHECK_EQ(uv_thread_create(&tid[i], run_loop_thread, &t[i]), 0);
  }
  for (i = 0; i < 2; i++)
    uv_sem_wait(&t[i].ready);
  CHECK_EQ(kill(getpid(), SIGUSR1), 0);
  for (i = 0; i < 2; i++) {
    CHECK_EQ(uv_thread_join(&tid[i]), 0);
    CHECK_EQ(t[i].got, 1);
    uv_sem_destroy(&t[i].ready);
  }
}

/* The mask a thread blocks, from /proc (bit n-1 is signal n). */
static unsigned long long sigblk(const char* tid) {
  return task_status(tid, "SigBlk", 16);
}

TEST(go_threads_block_async_signals) {
  uv_loop_t loop;
  uv_timer_t t;
  DIR* d;
  struct dirent* e;
  char self[32];
  unsigned long long want = (1ULL << (SIGINT - 1)) | (1ULL << (SIGTERM - 1)) |
                            (1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGWINCH - 1));
  /* Make the library start its threads. */
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  uv_close((uv_handle_t*)&t, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  snprintf(self, sizeof(self), "%d", (int)getpid());
  /* The host's thread keeps its mask. */
  CHECK_EQ(sigblk(self) & want, 0);
  /* Every other thread is the library's: none takes those signals. */
  d = opendir("/proc/self/task");
  CHECK(d != NULL);
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, self) == 0)
      continue;
    CHECK_EQ(sigblk(e->d_name) & want, want);
  }
  closedir(d);
}

static volatile sig_atomic_t storm_seen;
static volatile sig_atomic_t storm_elsewhere;
static pthread_t storm_thread;
static volatile int storm_done;

/* Installed without SA_ONSTACK, as V8 installs its handlers: it uses a
 * few kilobytes of stack, which a goroutine's signal stack would not
 * survive if the signal landed on a Go thread. */
static void storm_handler(int sig) {
  volatile char pad[65536];
  pad[0] = (char)sig;
  pad[sizeof(pad) - 1] = pad[0];
  storm_seen++;
  /* The main thread blocks the signal: any thread but the sender is one
   * of the library's. */
  if (!pthread_equal(pthread_self(), storm_thread))
    storm_elsewhere++;
}

static void storm_timer(uv_timer_t* t) {
  uv_cpu_info_t* cpus;
  int n, i;
  /* Work that makes the library allocate, so its garbage collector runs
   * on its own threads, on goroutine stacks. */
  for (i = 0; i < 20; i++) {
    if (uv_cpu_info(&cpus, &n) == 0)
      uv_free_cpu_info(cpus, n);
  }
  if (storm_done)
    uv_close((uv_handle_t*)t, NULL);
}

static void* storm_sender(void* arg) {
  int i;
  (void)arg;
  storm_thread = pthread_self();
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  for (i = 0; i < 100000; i++)
    kill(getpid(), SIGUSR2);
  storm_done = 1;
  return NULL;
}

TEST(host_handler_without_onstack_survives_signal_storm) {
  struct sigaction sa;
  uv_loop_t loop;
  uv_timer_t t;
  pthread_t sender;
  sigset_t block;
  int elsewhere;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = storm_handler;
  CHECK_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  /* The loop keeps the library's threads busy with a 1 ms repeat. */
  CHECK_EQ(uv_timer_start(&t, storm_timer, 0, 1), 0);
  /* The main thread blocks the signal, so the kernel looks for another
   * thread to run the handler: the sender, or one of the library's if they
   * took it (they must not). */
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  CHECK_EQ(pthread_sigmask(SIG_BLOCK, &block, NULL), 0);
  CHECK_EQ(pthread_create(&sender, NULL, storm_sender, NULL), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(pthread_join(sender, NULL), 0);
  /* Read before unblocking: a signal still pending then runs on main. */
  elsewhere = storm_elsewhere;
  CHECK_EQ(pthread_sigmask(SIG_UNBLOCK, &block, NULL), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK(storm_seen > 0);
  CHECK_EQ(elsewhere, 0);
  signal(SIGUSR2, SIG_DFL);
}

static sigjmp_buf fault_jump;
static volatile sig_atomic_t host_faults;

/* A host's fault handler as V8 writes one: no SA_ONSTACK, and it recovers
 * from the faults it owns. */
static void host_fault_handler(int sig) {
  (void)sig;
  host_faults++;
  siglongjmp(fault_jump, 1);
}

/* The loop's own thread runs the library's code for much of uv_run (on
 * Go's small goroutine stacks, in gouv). A host handler installed without
 * SA_ONSTACK that lands there, as Node's SIGTERM handler does, must still
 * have room: its 16 KiB of stack would overflow a goroutine stack. */
static volatile sig_atomic_t loop_thread_hits;
static volatile int loop_kills_done;
static pthread_t loop_thread;

static void loop_thread_handler(int sig) {
  volatile char pad[16384];
  pad[0] = (char)sig;
  pad[sizeof(pad) - 1] = pad[0];
  loop_thread_hits++;
}

static void* loop_thread_killer(void* arg) {
  int i;
  (void)arg;
  for (i = 0; i < 3000; i++) {
    pthread_kill(loop_thread, SIGUSR1);
    if (i % 64 == 0)
      usleep(1000);
  }
  loop_kills_done = 1;
  return NULL;
}

static void loop_thread_timer(uv_timer_t* t) {
  if (loop_kills_done)
    uv_close((uv_handle_t*)t, NULL);
}

TEST(host_handler_without_onstack_survives_signals_on_the_loop_thread) {
  struct sigaction sa, old;
  uv_loop_t loop;
  uv_timer_t t;
  pthread_t killer;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = loop_thread_handler;
  sa.sa_flags = SA_RESTART;
  CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  loop_thread = pthread_self();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  /* A 1 ms repeat: the thread keeps moving between waiting and running
   * the loop's code while the signals arrive. */
  CHECK_EQ(uv_timer_start(&t, loop_thread_timer, 1, 1), 0);
  CHECK_EQ(pthread_create(&killer, NULL, loop_thread_killer, NULL), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(pthread_join(killer, NULL), 0);
  CHECK(loop_thread_hits > 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(sigaction(SIGUSR1, &old, NULL), 0);
}

TEST(host_fault_handler_still_gets_host_faults) {
  struct sigaction sa, old;
  uv_loop_t loop;
  volatile int* volatile nowhere = NULL;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = host_fault_handler;
  CHECK_EQ(sigaction(SIGSEGV, &sa, &old), 0);
  /* The library chains its handler above the host's here. */
  CHECK_EQ(uv_loop_init(&loop), 0);
  host_faults = 0;
  if (sigsetjmp(fault_jump, 1) == 0)
    *nowhere = 1;
  CHECK_EQ(host_faults, 1);
  /* And the loop still works afterwards. */
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(sigaction(SIGSEGV, &old, NULL), 0);
}

/* ---- a signal storm at a loop serving TCP ------------------------------- */

/* A loop serves TCP echo while another thread sends the process a storm of
 * two signals: SIGUSR1, watched by a uv_signal_t, and SIGUSR2, which only a
 * host handler installed without SA_RESTART takes, so system calls all over
 * the process (the loop's, the library's threads', the client's) come back
 * with EINTR. Every byte must come back intact, the loop must go on, and a
 * SIGUSR1 sent after the storm must still reach the loop. */
enum { ECHO_MSGS = 2000, ECHO_LEN = 1024, STORM_SIGNALS = 100000 };

static uv_tcp_t echo_server, echo_conn;
static uv_signal_t storm_watch;
static uv_async_t storm_finish;
static volatile int storm_usr1_seen; /* written by the loop thread */
static volatile sig_atomic_t storm_usr2_seen;
static int echo_port;
static int echo_bad;

static void storm_usr2(int sig) {
  (void)sig;
  storm_usr2_seen++;
}

static void storm_usr1_cb(uv_signal_t* h, int signum) {
  (void)h;
  CHECK_EQ(signum, SIGUSR1);
  __atomic_add_fetch(&storm_usr1_seen, 1, __ATOMIC_SEQ_CST);
}

static void echo_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h;
  buf->base = malloc(size);
  buf->len = buf->base ? size : 0;
}

static void echo_written(uv_write_t* w, int status) {
  if (status != 0)
    echo_bad++;
  free(w->data);
  free(w);
}

static void echo_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  if (n > 0) {
    uv_write_t* w = malloc(sizeof(*w));
    uv_buf_t b = uv_buf_init(buf->base, (unsigned)n);
    CHECK(w != NULL);
    w->data = buf->base;
    CHECK_EQ(uv_write(w, s, &b, 1, echo_written), 0);
    return;
  }
  free(buf->base);
  if (n < 0 && n != UV_EOF)
    echo_bad++;
  if (n < 0)
    uv_read_stop(s);
}

static void echo_accept(uv_stream_t* server, int status) {
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_tcp_init(server->loop, &echo_conn), 0);
  CHECK_EQ(uv_accept(server, (uv_stream_t*)&echo_conn), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&echo_conn, echo_alloc, echo_read), 0);
}

static void storm_finish_cb(uv_async_t* a) {
  uv_close((uv_handle_t*)a, NULL);
  uv_close((uv_handle_t*)&storm_watch, NULL);
  uv_close((uv_handle_t*)&echo_server, NULL);
  uv_close((uv_handle_t*)&echo_conn, NULL);
}

static volatile int storm_sending;

static void* storm_both(void* arg) {
  int i;
  (void)arg;
  for (i = 0; i < STORM_SIGNALS; i++) {
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR2);
  }
  __atomic_store_n(&storm_sending, 0, __ATOMIC_SEQ_CST);
  return NULL;
}

/* Blocking socket calls that a signal may interrupt, retried. */
static void all_io(int fd, char* p, size_t len, int out) {
  while (len > 0) {
    ssize_t n = out ? write(fd, p, len) : read(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    CHECK(n > 0);
    p += n;
    len -= (size_t)n;
  }
}

static void* echo_client(void* arg) {
  struct sockaddr_in addr;
  static char out[ECHO_LEN], in[ECHO_LEN];
  int fd, i, j, before;
  (void)arg;
  fd = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(fd >= 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", echo_port, &addr), 0);
  while (connect(fd, (struct sockaddr*)&addr, sizeof(addr)) != 0)
    CHECK_EQ(errno, EINTR);
  for (i = 0; i < ECHO_MSGS; i++) {
    for (j = 0; j < ECHO_LEN; j++)
      out[j] = (char)(i * 31 + j);
    all_io(fd, out, sizeof(out), 1);
    all_io(fd, in, sizeof(in), 0);
    CHECK_EQ(memcmp(in, out, sizeof(in)), 0);
  }
  /* Let the storm end, then one more SIGUSR1 must reach the loop. */
  while (__atomic_load_n(&storm_sending, __ATOMIC_SEQ_CST))
    usleep(1000);
  before = __atomic_load_n(&storm_usr1_seen, __ATOMIC_SEQ_CST);
  kill(getpid(), SIGUSR1);
  for (i = 0; i < 5000 && __atomic_load_n(&storm_usr1_seen, __ATOMIC_SEQ_CST) == before; i++)
    usleep(1000);
  CHECK(__atomic_load_n(&storm_usr1_seen, __ATOMIC_SEQ_CST) > before);
  while (close(fd) != 0 && errno == EINTR) {
  }
  CHECK_EQ(uv_async_send(&storm_finish), 0);
  return NULL;
}

TEST(tcp_echo_survives_a_storm_of_watched_and_unwatched_signals) {
  struct sigaction sa;
  struct sockaddr_in addr;
  struct sockaddr_storage name;
  int namelen = sizeof(name);
  uv_loop_t loop;
  pthread_t client, storm;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = storm_usr2; /* no SA_RESTART: calls fail with EINTR */
  CHECK_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &storm_watch), 0);
  CHECK_EQ(uv_signal_start(&storm_watch, storm_usr1_cb, SIGUSR1), 0);
  CHECK_EQ(uv_async_init(&loop, &storm_finish, storm_finish_cb), 0);
  CHECK_EQ(uv_tcp_init(&loop, &echo_server), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &addr), 0);
  CHECK_EQ(uv_tcp_bind(&echo_server, (struct sockaddr*)&addr, 0), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&echo_server, 8, echo_accept), 0);
  CHECK_EQ(uv_tcp_getsockname(&echo_server, (struct sockaddr*)&name, &namelen), 0);
  echo_port = ntohs(((struct sockaddr_in*)&name)->sin_port);
  storm_sending = 1;
  CHECK_EQ(pthread_create(&storm, NULL, storm_both, NULL), 0);
  CHECK_EQ(pthread_create(&client, NULL, echo_client, NULL), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(pthread_join(client, NULL), 0);
  CHECK_EQ(pthread_join(storm, NULL), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  printf("SIGUSR1 callbacks %d, SIGUSR2 handled %d\n", storm_usr1_seen, (int)storm_usr2_seen);
  CHECK_EQ(echo_bad, 0);
  CHECK(storm_usr1_seen > 0);
  CHECK(storm_usr2_seen > 0);
  signal(SIGUSR2, SIG_DFL);
}

HARNESS_MAIN
