/* The 26 functions libuv 1.45 to 1.53 added. The reference build links
 * Debian 12's libuv 1.44, which has none of them, so these build only
 * against gouv; each checks what libuv's documentation for the function
 * says, read back through the system where it can be (/proc, getsockopt,
 * sched_getaffinity, getpriority). scripts/ref153.sh runs the same
 * programs on Debian unstable's libuv 1.53, which passes every one of
 * them (the error-code test checks gouv's own name for 1.44's EFTYPE
 * number, -4028, on gouv only), so they state libuv's behaviour, not only
 * ours. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "harness.h"
#include "uvtest.h"

/* ---- threads ---------------------------------------------------------- */

static void read_comm(pid_t tid, char* out, size_t size) {
  char path[64];
  FILE* f;
  snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)tid);
  f = fopen(path, "r");
  CHECK(f != NULL);
  CHECK(fgets(out, (int)size, f) != NULL);
  fclose(f);
  out[strcspn(out, "\n")] = '\0';
}

struct named_thread {
  sem_t named;
  sem_t done;
};

static void name_self_and_wait(void* arg) {
  struct named_thread* t = arg;
  CHECK_EQ(uv_thread_setname("gouv-worker"), 0);
  sem_post(&t->named);
  sem_wait(&t->done);
}

/* libuv 1.50's thread_name: the name set is the name read, for the
 * calling thread and for another one; Linux keeps 15 bytes of a longer
 * name; getname cuts to the buffer, NUL included. */
TEST(thread_setname_getname_round_trip_and_cut_long_names) {
  uv_thread_t self = uv_thread_self();
  uv_thread_t other;
  struct named_thread t;
  char name[64];
  char comm[64];

  CHECK_EQ(uv_thread_setname("gouv-main"), 0);
  CHECK_EQ(uv_thread_getname(&self, name, sizeof(name)), 0);
  CHECK_EQ(strcmp(name, "gouv-main"), 0);
  read_comm(gettid(), comm, sizeof(comm));
  CHECK_EQ(strcmp(comm, "gouv-main"), 0);

  /* Longer than Linux's 16 bytes: the first 15 are kept, not refused. */
  CHECK_EQ(uv_thread_setname("abcdefghijklmnopqrstuvwxyz"), 0);
  CHECK_EQ(uv_thread_getname(&self, name, sizeof(name)), 0);
  CHECK_EQ(strcmp(name, "abcdefghijklmno"), 0);
  CHECK_EQ(strlen(name), 15);

  /* A small buffer gets what fits, NUL-terminated. */
  memset(name, 'x', sizeof(name));
  CHECK_EQ(uv_thread_getname(&self, name, 5), 0);
  CHECK_EQ(strcmp(name, "abcd"), 0);
  CHECK_EQ(uv_thread_getname(&self, name, 1), 0);
  CHECK_EQ(name[0], '\0');

  CHECK_EQ(uv_thread_getname(&self, name, 0), UV_EINVAL);
  CHECK_EQ(uv_thread_getname(&self, NULL, 8), UV_EINVAL);
  CHECK_EQ(uv_thread_setname(NULL), UV_EINVAL);

  /* Another thread's name. */
  CHECK_EQ(sem_init(&t.named, 0, 0), 0);
  CHECK_EQ(sem_init(&t.done, 0, 0), 0);
  CHECK_EQ(uv_thread_create(&other, name_self_and_wait, &t), 0);
  sem_wait(&t.named);
  CHECK_EQ(uv_thread_getname(&other, name, sizeof(name)), 0);
  CHECK_EQ(strcmp(name, "gouv-worker"), 0);
  sem_post(&t.done);
  CHECK_EQ(uv_thread_join(&other), 0);
  sem_destroy(&t.named);
  sem_destroy(&t.done);
}

static void wait_on_sem(void* arg) {
  sem_wait((sem_t*)arg);
}

/* Work callbacks run on threads named "libuv-worker", as 1.53 names its
 * pool threads; a host's profiler or debugger shows them by that name. */
static char worker_name[64];

static void named_work(uv_work_t* req) {
  uv_thread_t self = uv_thread_self();
  (void)req;
  CHECK_EQ(uv_thread_getname(&self, worker_name, sizeof(worker_name)), 0);
}

static void named_done(uv_work_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
}

TEST(queue_work_runs_on_threads_named_libuv_worker) {
  uv_loop_t loop;
  uv_work_t req;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_queue_work(&loop, &req, named_work, named_done), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(strcmp(worker_name, "libuv-worker"), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* libuv 1.50: a detached thread cannot be detached (or joined) again. */
TEST(thread_detach_makes_the_thread_detached) {
  uv_thread_t tid;
  pthread_attr_t attr;
  sem_t go;
  int state = -1;
  CHECK_EQ(sem_init(&go, 0, 0), 0);
  CHECK_EQ(uv_thread_create(&tid, wait_on_sem, &go), 0);
  CHECK_EQ(pthread_getattr_np(tid, &attr), 0);
  CHECK_EQ(pthread_attr_getdetachstate(&attr, &state), 0);
  CHECK_EQ(state, PTHREAD_CREATE_JOINABLE);
  pthread_attr_destroy(&attr);

  CHECK_EQ(uv_thread_detach(&tid), 0);
  CHECK_EQ(pthread_getattr_np(tid, &attr), 0);
  CHECK_EQ(pthread_attr_getdetachstate(&attr, &state), 0);
  CHECK_EQ(state, PTHREAD_CREATE_DETACHED);
  pthread_attr_destroy(&attr);
  CHECK_EQ(uv_thread_detach(&tid), UV_EINVAL);
  sem_post(&go);
  /* The thread goes away by itself. */
  sleep_ms(20);
  sem_destroy(&go);
}

/* libuv 1.45's thread_affinity: one byte per CPU, uv_cpumask_size() bytes;
 * getaffinity is the thread's mask; setaffinity moves the thread and hands
 * back the old mask; getcpu names a CPU of the mask. */
TEST(thread_affinity_reads_sets_and_restores_the_mask) {
  int size = uv_cpumask_size();
  uv_thread_t self = uv_thread_self();
  cpu_set_t set;
  char* mask;
  char* old;
  char* one;
  int first = -1;
  int i;
  int cpu;

  CHECK_EQ(size, CPU_SETSIZE);
  mask = calloc(size, 1);
  old = calloc(size, 1);
  one = calloc(size, 1);
  CHECK(mask != NULL && old != NULL && one != NULL);

  CHECK_EQ(uv_thread_getaffinity(&self, mask, size - 1), UV_EINVAL);
  CHECK_EQ(uv_thread_getaffinity(&self, mask, size), 0);
  CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  for (i = 0; i < size; i++) {
    CHECK_EQ(mask[i], CPU_ISSET(i, &set) ? 1 : 0);
    if (mask[i] && first < 0)
      first = i;
  }
  CHECK(first >= 0);

  cpu = uv_thread_getcpu();
  CHECK(cpu >= 0 && cpu < size);
  CHECK_EQ(mask[cpu], 1);

  /* Pin to one CPU: the old mask comes back, and the thread runs there. */
  one[first] = 1;
  CHECK_EQ(uv_thread_setaffinity(&self, one, old, size - 1), UV_EINVAL);
  CHECK_EQ(uv_thread_setaffinity(&self, one, old, size), 0);
  CHECK_EQ(memcmp(old, mask, size), 0);
  CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  CHECK_EQ(CPU_COUNT(&set), 1);
  CHECK(CPU_ISSET(first, &set));
  CHECK_EQ(uv_thread_getcpu(), first);

  /* Back to the whole mask. */
  CHECK_EQ(uv_thread_setaffinity(&self, mask, NULL, size), 0);
  memset(one, 0, size);
  CHECK_EQ(uv_thread_getaffinity(&self, one, size), 0);
  CHECK_EQ(memcmp(one, mask, size), 0);
  free(mask);
  free(old);
  free(one);
}

struct prio_result {
  int start;
  int below;
  int nice_below;
  int lowest;
  int nice_lowest;
  int bad;
};

static void set_own_priority(void* arg) {
  struct prio_result* r = arg;
  uv_thread_t self = uv_thread_self();
  CHECK_EQ(uv_thread_getpriority(self, &r->start), 0);
  CHECK_EQ(uv_thread_setpriority(self, UV_THREAD_PRIORITY_BELOW_NORMAL), 0);
  CHECK_EQ(uv_thread_getpriority(self, &r->below), 0);
  r->nice_below = getpriority(PRIO_PROCESS, (id_t)gettid());
  CHECK_EQ(uv_thread_setpriority(self, UV_THREAD_PRIORITY_LOWEST), 0);
  CHECK_EQ(uv_thread_getpriority(self, &r->lowest), 0);
  r->nice_lowest = getpriority(PRIO_PROCESS, (id_t)gettid());
  r->bad = uv_thread_setpriority(self, UV_THREAD_PRIORITY_HIGHEST + 1);
}

/* libuv 1.48's thread_priority: under SCHED_OTHER the calling thread's
 * priority is its nice value, two steps per priority level; only that
 * thread changes (it runs in a thread of its own so the test process keeps
 * its nice value). */
TEST(thread_priority_is_the_calling_threads_nice_value) {
  struct prio_result r;
  uv_thread_t tid;
  uv_thread_t self = uv_thread_self();
  int before = getpriority(PRIO_PROCESS, (id_t)gettid());
  int p = 99;

  memset(&r, 0, sizeof(r));
  CHECK_EQ(uv_thread_create(&tid, set_own_priority, &r), 0);
  CHECK_EQ(uv_thread_join(&tid), 0);
  CHECK_EQ(r.start, before);
  CHECK_EQ(r.below, before + 2);
  CHECK_EQ(r.nice_below, before + 2);
  CHECK_EQ(r.lowest, before + 4);
  CHECK_EQ(r.nice_lowest, before + 4);
  CHECK_EQ(r.bad, UV_EINVAL);

  CHECK_EQ(uv_thread_getpriority(self, &p), 0);
  CHECK_EQ(p, before);
  CHECK_EQ(uv_thread_getpriority(self, NULL), UV_EINVAL);
  CHECK_EQ(uv_thread_setpriority(self, UV_THREAD_PRIORITY_LOWEST - 1), UV_EINVAL);
}

static uint64_t rusage_us(const uv_rusage_t* u) {
  return (uint64_t)u->ru_utime.tv_sec * 1000000 + (uint64_t)u->ru_utime.tv_usec +
         (uint64_t)u->ru_stime.tv_sec * 1000000 + (uint64_t)u->ru_stime.tv_usec;
}

static uint64_t thread_cpu_us(void) {
  struct timespec ts;
  CHECK_EQ(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts), 0);
  return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void burn_cpu(void* arg) {
  uv_rusage_t* out = arg;
  volatile uint64_t x = 0;
  /* CPU time, not wall time: the machine may be busy. */
  while (thread_cpu_us() < 200000)
    x++;
  CHECK_EQ(uv_getrusage_thread(out), 0);
}

/* libuv 1.50: the calling thread's usage only. A thread that burns 200 ms
 * of CPU sees it in its own usage; the main thread, which waited, does not. */
TEST(getrusage_thread_counts_the_calling_thread_only) {
  uv_rusage_t mine0;
  uv_rusage_t mine1;
  uv_rusage_t theirs;
  uv_rusage_t all;
  uv_thread_t tid;

  CHECK_EQ(uv_getrusage_thread(&mine0), 0);
  CHECK_EQ(uv_thread_create(&tid, burn_cpu, &theirs), 0);
  CHECK_EQ(uv_thread_join(&tid), 0);
  CHECK_EQ(uv_getrusage_thread(&mine1), 0);
  CHECK_EQ(uv_getrusage(&all), 0);

  CHECK(rusage_us(&theirs) >= 100000);
  CHECK(rusage_us(&mine1) - rusage_us(&mine0) < 50000);
  CHECK(rusage_us(&all) >= rusage_us(&theirs));
}

/* ---- time, memory, users ---------------------------------------------- */

/* libuv 1.45: monotonic never goes back and is uv_hrtime's clock; the
 * real-time clock is the wall clock; anything else is UV_EINVAL. */
TEST(clock_gettime_monotonic_and_realtime) {
  uv_timespec64_t a;
  uv_timespec64_t b;
  uint64_t h;
  int64_t diff;
  int i;

  CHECK_EQ(uv_clock_gettime(UV_CLOCK_MONOTONIC, &a), 0);
  for (i = 0; i < 10000; i++) {
    CHECK_EQ(uv_clock_gettime(UV_CLOCK_MONOTONIC, &b), 0);
    CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000);
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    a = b;
  }
  h = uv_hrtime();
  diff = (int64_t)h - (a.tv_sec * 1000000000ll + a.tv_nsec);
  CHECK(diff >= 0 && diff < 1000000000ll);

  CHECK_EQ(uv_clock_gettime(UV_CLOCK_REALTIME, &a), 0);
  CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
  diff = a.tv_sec - (int64_t)time(NULL);
  CHECK(diff >= -1 && diff <= 1);

  CHECK_EQ(uv_clock_gettime((uv_clock_id)99, &a), UV_EINVAL);
  CHECK_EQ(uv_clock_gettime(UV_CLOCK_MONOTONIC, NULL), UV_EFAULT);
}

/* libuv 1.45: the memory still available to the process: at most the
 * machine's, at most the constraint when there is one, and the free
 * memory when there is none. */
TEST(get_available_memory_is_bounded_by_total_and_constraint) {
  uint64_t total = uv_get_total_memory();
  uint64_t limit = uv_get_constrained_memory();
  uint64_t free1 = uv_get_free_memory();
  uint64_t avail = uv_get_available_memory();
  uint64_t free2 = uv_get_free_memory();
  uint64_t lo = free1 < free2 ? free1 : free2;
  uint64_t hi = free1 < free2 ? free2 : free1;

  CHECK(total > 0);
  CHECK(avail <= total);
  if (limit == 0 || limit > total) {
    /* Free memory moves while we read it: allow 64 MiB of slack. */
    CHECK(avail + (64u << 20) >= lo && avail <= hi + (64u << 20));
  } else {
    CHECK(avail <= limit);
  }
}

/* libuv 1.45: any user's entry, not only the effective one's. */
TEST(os_get_passwd2_reads_any_uid) {
  uv_passwd_t pw;
  uv_passwd_t me;
  struct passwd* sys;

  CHECK_EQ(uv_os_get_passwd2(&pw, 0), 0);
  CHECK_EQ(strcmp(pw.username, "root"), 0);
  CHECK_EQ(pw.uid, 0);
  CHECK_EQ(pw.gid, 0);
  sys = getpwuid(0);
  CHECK(sys != NULL);
  CHECK_EQ(strcmp(pw.homedir, sys->pw_dir), 0);
  CHECK_EQ(strcmp(pw.shell, sys->pw_shell), 0);
  uv_os_free_passwd(&pw);
  CHECK(pw.username == NULL);

  CHECK_EQ(uv_os_get_passwd(&me), 0);
  CHECK_EQ(uv_os_get_passwd2(&pw, geteuid()), 0);
  CHECK_EQ(strcmp(pw.username, me.username), 0);
  CHECK_EQ(pw.uid, me.uid);
  uv_os_free_passwd(&pw);
  uv_os_free_passwd(&me);

  CHECK_EQ(uv_os_get_passwd2(&pw, 3999999999u), UV_ENOENT);
  CHECK_EQ(uv_os_get_passwd2(NULL, 0), UV_EINVAL);
}

static void check_group_matches(gid_t gid) {
  uv_group_t g;
  struct group* sys;
  int n;
  CHECK_EQ(uv_os_get_group(&g, gid), 0);
  sys = getgrgid(gid);
  CHECK(sys != NULL);
  CHECK_EQ(g.gid, gid);
  CHECK_EQ(strcmp(g.groupname, sys->gr_name), 0);
  for (n = 0; sys->gr_mem[n] != NULL; n++) {
    CHECK(g.members[n] != NULL);
    CHECK_EQ(strcmp(g.members[n], sys->gr_mem[n]), 0);
  }
  CHECK(g.members[n] == NULL);
  uv_os_free_group(&g);
  CHECK(g.members == NULL && g.groupname == NULL);
}

/* libuv 1.45: a group's name, id and NULL-terminated member list, as
 * getgrgid(3) has them; freed in one call. */
TEST(os_get_group_reads_name_gid_and_members) {
  uv_group_t g;
  struct group* e;
  gid_t with_members = 0;
  int found = 0;

  CHECK_EQ(uv_os_get_group(&g, 0), 0);
  CHECK_EQ(strcmp(g.groupname, "root"), 0);
  uv_os_free_group(&g);
  check_group_matches(0);
  check_group_matches(getegid());

  setgrent();
  while ((e = getgrent()) != NULL) {
    if (e->gr_mem[0] != NULL) {
      with_members = e->gr_gid;
      found = 1;
      break;
    }
  }
  endgrent();
  if (found)
    check_group_matches(with_members);

  CHECK_EQ(uv_os_get_group(&g, 3999999999u), UV_ENOENT);
  CHECK_EQ(uv_os_get_group(NULL, 0), UV_EINVAL);
  uv_os_free_group(NULL);
}

/* ---- the loop's metrics ------------------------------------------------- */

static void idle_nothing(uv_idle_t* h) {
  (void)h;
}

static void async_nothing(uv_async_t* h) {
  (void)h;
}

static void timer_nothing(uv_timer_t* h) {
  (void)h;
}

/* libuv 1.45: a new loop counts nothing; each uv_run iteration counts one;
 * an async wakeup is an event; with idle-time metrics on, events already
 * ready when the loop polls count as waiting. */
TEST(metrics_info_counts_iterations_and_events) {
  uv_loop_t loop;
  uv_metrics_t m;
  uv_idle_t idle;
  uv_async_t async;
  uv_timer_t timer;
  int i;

  CHECK_EQ(uv_loop_init(&loop), 0);
  memset(&m, 0xff, sizeof(m));
  CHECK_EQ(uv_metrics_info(&loop, &m), 0);
  CHECK_EQ(m.loop_count, 0);
  CHECK_EQ(m.events, 0);
  CHECK_EQ(m.events_waiting, 0);
  for (i = 0; i < 13; i++)
    CHECK(m.reserved[i] == NULL);

  /* A loop with nothing to do runs no iteration. */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_metrics_info(&loop, &m), 0);
  CHECK_EQ(m.loop_count, 0);

  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  CHECK_EQ(uv_idle_start(&idle, idle_nothing), 0);
  CHECK_EQ(uv_async_init(&loop, &async, async_nothing), 0);
  for (i = 0; i < 3; i++)
    CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(uv_metrics_info(&loop, &m), 0);
  CHECK_EQ(m.loop_count, 3);
  CHECK_EQ(m.events, 0);

  CHECK_EQ(uv_async_send(&async), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(uv_metrics_info(&loop, &m), 0);
  CHECK_EQ(m.loop_count, 4);
  CHECK_EQ(m.events, 1);
  CHECK_EQ(m.events_waiting, 0);

  /* Waiting events: the loop would block (a timer far away, no idle
   * handle), but the async send is already there. */
  CHECK_EQ(uv_idle_stop(&idle), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_timer_start(&timer, timer_nothing, 60000, 0), 0);
  CHECK_EQ(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);
  CHECK_EQ(uv_async_send(&async), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  CHECK_EQ(uv_metrics_info(&loop, &m), 0);
  CHECK_EQ(m.loop_count, 5);
  CHECK_EQ(m.events, 2);
  CHECK_EQ(m.events_waiting, 1);

  uv_close((uv_handle_t*)&idle, NULL);
  uv_close((uv_handle_t*)&async, NULL);
  uv_close((uv_handle_t*)&timer, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void work_nothing(uv_work_t* req) {
  (void)req;
}

static int works_done;

static void work_counted(uv_work_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  works_done++;
}

/* Each finished thread-pool request is an event of its own, however many
 * one wakeup of the loop delivers; with idle-time metrics on, those that
 * were already finished when the loop looked count as waiting. */
TEST(metrics_info_counts_each_finished_pool_request_as_an_event) {
  uv_loop_t loop;
  uv_metrics_t m;
  uv_work_t reqs[5];
  int i;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME), 0);
  works_done = 0;
  for (i = 0; i < 5; i++)
    CHECK_EQ(uv_queue_work(&loop, &reqs[i], work_nothing, work_counted), 0);
  uv_sleep(100); /* all five finish before the loop looks */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(works_done, 5);
  CHECK_EQ(uv_metrics_info(&loop, &m), 0);
  CHECK(m.events >= 5);
  CHECK(m.events_waiting >= 5);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* ---- pipes ---------------------------------------------------------------- */

static int in_proc_net_unix(const char* want) {
  char line[512];
  int found = 0;
  FILE* f = fopen("/proc/net/unix", "r");
  CHECK(f != NULL);
  while (fgets(line, sizeof(line), f) != NULL) {
    char* path = strrchr(line, ' ');
    if (path == NULL)
      continue;
    path++;
    path[strcspn(path, "\n")] = '\0';
    if (strcmp(path, want) == 0)
      found = 1;
  }
  fclose(f);
  return found;
}

static int pipe_connects;
static int pipe_accepts;
static uv_pipe_t pipe_accepted;

static void pipe_connect_cb(uv_connect_t* req, int status) {
  CHECK_EQ(status, 0);
  pipe_connects++;
  uv_close((uv_handle_t*)req->handle, NULL);
}

static void pipe_connection_cb(uv_stream_t* server, int status) {
  CHECK_EQ(status, 0);
  CHECK_EQ(uv_pipe_init(server->loop, &pipe_accepted, 0), 0);
  CHECK_EQ(uv_accept(server, (uv_stream_t*)&pipe_accepted), 0);
  pipe_accepts++;
  uv_close((uv_handle_t*)&pipe_accepted, NULL);
  uv_close((uv_handle_t*)server, NULL);
}

/* libuv 1.46's pipe_bind2/connect2: a name starting with a NUL byte is in
 * the abstract namespace (namelen counts that byte, not a terminator); the
 * socket shows up in /proc/net/unix as "@name" and getsockname returns
 * every byte; a client connects to it by the same bytes. */
TEST(pipe_bind2_and_connect2_use_abstract_names) {
  uv_loop_t loop;
  uv_pipe_t server;
  uv_pipe_t client;
  uv_connect_t req;
  char name[64];
  char shown[64];
  char got[128];
  size_t len;
  size_t got_len = sizeof(got);

  len = (size_t)snprintf(name + 1, sizeof(name) - 1, "gouv-v153-%d", (int)getpid()) + 1;
  name[0] = '\0';
  snprintf(shown, sizeof(shown), "@%s", name + 1);

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &server, 0), 0);
  CHECK_EQ(uv_pipe_bind2(&server, name, len, 0), 0);
  CHECK(in_proc_net_unix(shown));
  CHECK_EQ(uv_pipe_getsockname(&server, got, &got_len), 0);
  CHECK_EQ(got_len, len);
  CHECK_EQ(memcmp(got, name, len), 0);
  CHECK_EQ(uv_listen((uv_stream_t*)&server, 4, pipe_connection_cb), 0);

  CHECK_EQ(uv_pipe_init(&loop, &client, 0), 0);
  CHECK_EQ(uv_pipe_connect2(&req, &client, name, len, 0, pipe_connect_cb), 0);
  pipe_connects = pipe_accepts = 0;
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(pipe_connects, 1);
  CHECK_EQ(pipe_accepts, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK(!in_proc_net_unix(shown));
}

static int empty_connect_status = 1;

static void empty_connect_cb(uv_connect_t* req, int status) {
  empty_connect_status = status;
  uv_close((uv_handle_t*)req->handle, NULL);
}

/* What libuv 1.53 does with pipe names beyond 1.44: the pipe keeps a copy
 * of the path it is bound to in its pipe_fname field (gouv_pipe_name in
 * our header: the same place), which hosts read; getsockname refuses a NULL
 * buffer (1.44 wrote through it) and returns an abstract name, which is
 * bytes with no terminator, into a buffer of exactly its length; and
 * uv_pipe_connect to an empty name calls back with UV_EINVAL. */
TEST(pipe_keeps_its_bound_path_and_names_fit_as_libuv_153_says) {
  uv_loop_t loop;
  uv_pipe_t server, autob, client;
  uv_connect_t req;
  char path[64], buf[64];
  size_t len;

  snprintf(path, sizeof(path), "/tmp/gouv-v153-fname-%d", (int)getpid());
  unlink(path);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &server, 0), 0);
  CHECK(server.gouv_pipe_name == NULL);
  CHECK_EQ(uv_pipe_bind2(&server, path, strlen(path), 0), 0);
  CHECK(server.gouv_pipe_name != NULL);
  CHECK_EQ(strcmp(server.gouv_pipe_name, path), 0);

  len = sizeof(buf);
  CHECK_EQ(uv_pipe_getsockname(&server, NULL, &len), UV_EINVAL);
  CHECK_EQ(uv_pipe_getsockname(&server, buf, NULL), UV_EINVAL);
  len = strlen(path); /* no room for the terminator */
  CHECK_EQ(uv_pipe_getsockname(&server, buf, &len), UV_ENOBUFS);
  CHECK_EQ(len, strlen(path) + 1);
  CHECK_EQ(uv_pipe_getsockname(&server, buf, &len), 0);
  CHECK_EQ(len, strlen(path));
  CHECK_EQ(strcmp(buf, path), 0);

  /* Autobind: Linux picks "\0" and five hex digits. */
  CHECK_EQ(uv_pipe_init(&loop, &autob, 0), 0);
  CHECK_EQ(uv_pipe_bind2(&autob, "", 0, 0), 0);
  CHECK(autob.gouv_pipe_name == NULL);
  len = 5;
  CHECK_EQ(uv_pipe_getsockname(&autob, buf, &len), UV_ENOBUFS);
  len = 6;
  CHECK_EQ(uv_pipe_getsockname(&autob, buf, &len), 0);
  CHECK_EQ(len, 6);
  CHECK_EQ(buf[0], '\0');

  CHECK_EQ(uv_pipe_init(&loop, &client, 0), 0);
  uv_pipe_connect(&req, &client, "", empty_connect_cb);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(empty_connect_status, UV_EINVAL);

  uv_close((uv_handle_t*)&server, NULL);
  uv_close((uv_handle_t*)&autob, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(access(path, F_OK) != 0); /* closing removed the socket file */
  CHECK_EQ(uv_loop_close(&loop), 0);
}

/* The refusals libuv documents: unknown flags, a path with a NUL byte in
 * it, a name longer than sun_path with UV_PIPE_NO_TRUNCATE, connect2 with
 * no name; without the flag a long path is cut to sun_path's 108 bytes.
 * An empty name binds to an abstract name Linux picks (autobind). */
TEST(pipe_bind2_refuses_bad_names_and_flags_and_cuts_long_paths) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_pipe_t q;
  uv_pipe_t r;
  uv_connect_t req;
  char dir[] = "/tmp/gouv-v153-XXXXXX";
  char longname[300];
  char got[300];
  size_t got_len;
  size_t n;
  size_t sun_len = sizeof(((struct sockaddr_un*)0)->sun_path);

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_bind2(&p, "/tmp/x", 6, 2), UV_EINVAL);
  CHECK_EQ(uv_pipe_bind2(&p, "/tmp/a\0b", 8, 0), UV_EINVAL);
  CHECK_EQ(uv_pipe_bind2(&p, NULL, 4, 0), UV_EINVAL);

  CHECK(mkdtemp(dir) != NULL);
  n = (size_t)snprintf(longname, sizeof(longname), "%s/", dir);
  memset(longname + n, 'a', sizeof(longname) - n - 1);
  longname[sizeof(longname) - 1] = '\0';
  CHECK_EQ(uv_pipe_bind2(&p, longname, strlen(longname), UV_PIPE_NO_TRUNCATE), UV_EINVAL);
  /* Exactly sun_path's size is allowed even with the flag. */
  CHECK_EQ(uv_pipe_bind2(&p, longname, sun_len, UV_PIPE_NO_TRUNCATE), 0);
  got_len = sizeof(got);
  CHECK_EQ(uv_pipe_getsockname(&p, got, &got_len), 0);
  CHECK_EQ(got_len, sun_len);
  CHECK_EQ(memcmp(got, longname, sun_len), 0);
  uv_close((uv_handle_t*)&p, NULL);

  /* Without the flag, the same long name is cut to sun_path's size: the
   * socket file is the 108-byte prefix (free again after the close). */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_bind2(&p, longname, strlen(longname), 0), 0);
  got_len = sizeof(got);
  CHECK_EQ(uv_pipe_getsockname(&p, got, &got_len), 0);
  CHECK_EQ(got_len, sun_len);
  uv_close((uv_handle_t*)&p, NULL);

  /* Autobind: an abstract name of Linux's choosing, five hex digits. */
  CHECK_EQ(uv_pipe_init(&loop, &q, 0), 0);
  CHECK_EQ(uv_pipe_bind2(&q, "", 0, 0), 0);
  got_len = sizeof(got);
  CHECK_EQ(uv_pipe_getsockname(&q, got, &got_len), 0);
  CHECK_EQ(got_len, 6);
  CHECK_EQ(got[0], '\0');
  uv_close((uv_handle_t*)&q, NULL);

  CHECK_EQ(uv_pipe_init(&loop, &r, 0), 0);
  CHECK_EQ(uv_pipe_connect2(&req, &r, "", 0, 0, pipe_connect_cb), UV_EINVAL);
  CHECK_EQ(uv_pipe_connect2(&req, &r, "/tmp/x", 6, 4, pipe_connect_cb), UV_EINVAL);
  CHECK_EQ(uv_pipe_connect2(&req, &r, longname, strlen(longname), UV_PIPE_NO_TRUNCATE,
                            pipe_connect_cb),
           UV_EINVAL);
  uv_close((uv_handle_t*)&r, NULL);
  finish_loop(&loop);
  CHECK_EQ(rmdir(dir), 0);
}

/* ---- TCP and UDP -------------------------------------------------------- */

static int sockopt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof(v);
  CHECK_EQ(getsockopt(fd, level, name, &v, &len), 0);
  return v;
}

/* libuv 1.52: keep-alive with all three options, read back with
 * getsockopt; a value below 1 is UV_EINVAL when enabling; off clears
 * SO_KEEPALIVE whatever the values. */
TEST(tcp_keepalive_ex_sets_idle_interval_and_count) {
  uv_loop_t loop;
  uv_tcp_t t;
  struct sockaddr_in addr;
  uv_os_fd_t fd;

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_tcp_init(&loop, &t), 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &addr), 0);
  CHECK_EQ(uv_tcp_bind(&t, (struct sockaddr*)&addr, 0), 0);
  CHECK_EQ(uv_fileno((uv_handle_t*)&t, &fd), 0);

  CHECK_EQ(uv_tcp_keepalive_ex(&t, 1, 17, 3, 5), 0);
  CHECK_EQ(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  CHECK_EQ(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 17);
  CHECK_EQ(sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL), 3);
  CHECK_EQ(sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT), 5);

  CHECK_EQ(uv_tcp_keepalive_ex(&t, 1, 0, 1, 1), UV_EINVAL);
  CHECK_EQ(uv_tcp_keepalive_ex(&t, 1, 1, 0, 1), UV_EINVAL);
  CHECK_EQ(uv_tcp_keepalive_ex(&t, 1, 1, 1, 0), UV_EINVAL);
  /* Nothing was changed by the refusals but SO_KEEPALIVE itself. */
  CHECK_EQ(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 17);

  CHECK_EQ(uv_tcp_keepalive_ex(&t, 0, 0, 0, 0), 0);
  CHECK_EQ(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
  uv_close((uv_handle_t*)&t, NULL);
  finish_loop(&loop);
}

/* libuv 1.52: uv_udp_open_ex sets only the reuse options its flags name;
 * uv_udp_open keeps setting SO_REUSEADDR. */
TEST(udp_open_ex_sets_only_the_reuse_options_asked_for) {
  uv_loop_t loop;
  uv_udp_t a;
  uv_udp_t b;
  uv_udp_t c;
  int fa = socket(AF_INET, SOCK_DGRAM, 0);
  int fb = socket(AF_INET, SOCK_DGRAM, 0);
  int fc = socket(AF_INET, SOCK_DGRAM, 0);
  int fd2 = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(fa >= 0 && fb >= 0 && fc >= 0 && fd2 >= 0);

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &a), 0);
  CHECK_EQ(uv_udp_init(&loop, &b), 0);
  CHECK_EQ(uv_udp_init(&loop, &c), 0);

  CHECK_EQ(uv_udp_open_ex(&a, fa, UV_UDP_IPV6ONLY), UV_EINVAL);
  CHECK_EQ(uv_udp_open_ex(&a, fa, 0), 0);
  CHECK_EQ(sockopt(fa, SOL_SOCKET, SO_REUSEADDR), 0);
  CHECK_EQ(sockopt(fa, SOL_SOCKET, SO_REUSEPORT), 0);
  CHECK_EQ(uv_udp_open_ex(&a, fd2, 0), UV_EBUSY);

  CHECK_EQ(uv_udp_open_ex(&b, fb, UV_UDP_REUSEADDR | UV_UDP_REUSEPORT), 0);
  CHECK_EQ(sockopt(fb, SOL_SOCKET, SO_REUSEADDR), 1);
  CHECK_EQ(sockopt(fb, SOL_SOCKET, SO_REUSEPORT), 1);

  CHECK_EQ(uv_udp_open(&c, fc), 0);
  CHECK_EQ(sockopt(fc, SOL_SOCKET, SO_REUSEADDR), 1);
  CHECK_EQ(sockopt(fc, SOL_SOCKET, SO_REUSEPORT), 0);

  uv_close((uv_handle_t*)&a, NULL);
  uv_close((uv_handle_t*)&b, NULL);
  uv_close((uv_handle_t*)&c, NULL);
  finish_loop(&loop);
  close(fd2);
}

/* libuv 1.50: several datagrams in one call, each with its buffers and
 * address, received in order; the count sent is returned. count 0,
 * unknown flags, a handle with no socket yet (no implicit bind) and an
 * address on a connected handle are refused. */
TEST(udp_try_send2_sends_several_datagrams) {
  uv_loop_t loop;
  uv_udp_t u;
  uv_udp_t unbound;
  struct sockaddr_in any;
  struct sockaddr_in to;
  socklen_t tolen = sizeof(to);
  int rx = socket(AF_INET, SOCK_DGRAM, 0);
  char a1[] = "one";
  char a2[] = "-two";
  char b1[] = "three";
  char c1[] = "4";
  uv_buf_t d0[2];
  uv_buf_t d1[1];
  uv_buf_t d2[1];
  uv_buf_t* bufs[3];
  unsigned int nbufs[3] = {2, 1, 1};
  struct sockaddr* addrs[3];
  char got[64];
  ssize_t n;

  CHECK(rx >= 0);
  CHECK_EQ(uv_ip4_addr("127.0.0.1", 0, &any), 0);
  CHECK_EQ(bind(rx, (struct sockaddr*)&any, sizeof(any)), 0);
  CHECK_EQ(getsockname(rx, (struct sockaddr*)&to, &tolen), 0);

  d0[0] = uv_buf_init(a1, 3);
  d0[1] = uv_buf_init(a2, 4);
  d1[0] = uv_buf_init(b1, 5);
  d2[0] = uv_buf_init(c1, 1);
  bufs[0] = d0;
  bufs[1] = d1;
  bufs[2] = d2;
  addrs[0] = addrs[1] = addrs[2] = (struct sockaddr*)&to;

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_udp_init(&loop, &unbound), 0);
  CHECK_EQ(uv_udp_try_send2(&unbound, 3, bufs, nbufs, addrs, 0), UV_EINVAL);

  CHECK_EQ(uv_udp_init(&loop, &u), 0);
  CHECK_EQ(uv_udp_bind(&u, (struct sockaddr*)&any, 0), 0);
  CHECK_EQ(uv_udp_try_send2(&u, 0, bufs, nbufs, addrs, 0), UV_EINVAL);
  CHECK_EQ(uv_udp_try_send2(&u, 3, bufs, nbufs, addrs, 1), UV_EINVAL);
  CHECK_EQ(uv_udp_try_send2(&u, 3, bufs, nbufs, addrs, 0), 3);

  n = recv(rx, got, sizeof(got), 0);
  CHECK_EQ(n, 7);
  CHECK_EQ(memcmp(got, "one-two", 7), 0);
  n = recv(rx, got, sizeof(got), 0);
  CHECK_EQ(n, 5);
  CHECK_EQ(memcmp(got, "three", 5), 0);
  n = recv(rx, got, sizeof(got), 0);
  CHECK_EQ(n, 1);
  CHECK_EQ(got[0], '4');

  /* Connected: addresses are refused, NULL ones go to the peer. */
  CHECK_EQ(uv_udp_connect(&u, (struct sockaddr*)&to), 0);
  CHECK_EQ(uv_udp_try_send2(&u, 1, bufs, nbufs, addrs, 0), UV_EISCONN);
  addrs[0] = NULL;
  CHECK_EQ(uv_udp_try_send2(&u, 1, bufs, nbufs, addrs, 0), 1);
  n = recv(rx, got, sizeof(got), 0);
  CHECK_EQ(n, 7);

  uv_close((uv_handle_t*)&u, NULL);
  uv_close((uv_handle_t*)&unbound, NULL);
  finish_loop(&loop);
  close(rx);
}

/* ---- uv_write_nwritten -------------------------------------------------- */

static size_t nwritten_seen;
static int nwritten_status;
static int nwritten_calls;

static void record_nwritten(uv_write_t* req, int status) {
  nwritten_seen = uv_write_nwritten(req);
  nwritten_status = status;
  nwritten_calls++;
}

/* libuv 1.53: inside the callback, the bytes the request wrote: all of
 * them for a write that completed, whether C wrote it at once or the loop
 * finished it later; for a write cancelled by the close, what the socket
 * had taken, which is what the peer reads. */
TEST(write_nwritten_reports_the_bytes_written) {
  uv_loop_t loop;
  uv_pipe_t p;
  uv_write_t req;
  int sv[2];
  static char big[4 << 20];
  uv_buf_t buf;
  char tmp[65536];
  size_t peer = 0;
  ssize_t n;

  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &p, 0), 0);
  CHECK_EQ(uv_pipe_open(&p, sv[0]), 0);

  /* Small: written at once. */
  buf = uv_buf_init("hello", 5);
  nwritten_calls = 0;
  CHECK_EQ(uv_write(&req, (uv_stream_t*)&p, &buf, 1, record_nwritten), 0);
  uv_run(&loop, UV_RUN_NOWAIT);
  CHECK_EQ(nwritten_calls, 1);
  CHECK_EQ(nwritten_status, 0);
  CHECK_EQ(nwritten_seen, 5);
  CHECK_EQ(read(sv[1], tmp, sizeof(tmp)), 5);

  /* Too big for the socket buffer, nobody reads: closing cancels it. */
  memset(big, 'z', sizeof(big));
  buf = uv_buf_init(big, sizeof(big));
  nwritten_calls = 0;
  CHECK_EQ(uv_write(&req, (uv_stream_t*)&p, &buf, 1, record_nwritten), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  CHECK_EQ(nwritten_calls, 0);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(nwritten_calls, 1);
  CHECK_EQ(nwritten_status, UV_ECANCELED);
  CHECK(nwritten_seen > 0 && nwritten_seen < sizeof(big));
  while ((n = read(sv[1], tmp, sizeof(tmp))) > 0)
    peer += (size_t)n;
  CHECK_EQ(peer, nwritten_seen);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(sv[1]);
}

/* ---- WTF-8 and UTF-16 --------------------------------------------------- */

/* libuv 1.47: "héllo😀" both ways; lengths in bytes (no NUL) one way and
 * in units (NUL included) the other. */
TEST(utf16_and_wtf8_round_trip) {
  static const uint16_t text[] = {0x68, 0xE9, 0x6C, 0x6C, 0x6F, 0xD83D, 0xDE00, 0};
  static const char want[] = "h\xC3\xA9llo\xF0\x9F\x98\x80";
  uint16_t back[16];
  char* out = NULL;
  size_t len = 0;

  CHECK_EQ(uv_utf16_length_as_wtf8(text, -1), 10);
  CHECK_EQ(uv_utf16_length_as_wtf8(text, 7), 10);
  CHECK_EQ(uv_utf16_length_as_wtf8(text, 2), 3);
  CHECK_EQ(uv_utf16_to_wtf8(text, -1, &out, &len), 0);
  CHECK(out != NULL);
  CHECK_EQ(len, 10);
  CHECK_EQ(strcmp(out, want), 0);

  CHECK_EQ(uv_wtf8_length_as_utf16(out), 8);
  memset(back, 0xAA, sizeof(back));
  uv_wtf8_to_utf16(out, back, 8);
  CHECK_EQ(memcmp(back, text, sizeof(text)), 0);
  CHECK_EQ(back[8], 0xAAAA); /* nothing past the given length */
  free(out);

  /* The length alone. */
  len = 0;
  CHECK_EQ(uv_utf16_to_wtf8(text, 7, NULL, &len), 0);
  CHECK_EQ(len, 10);
  CHECK_EQ(uv_wtf8_length_as_utf16(""), 1);
}

/* Lone surrogates are what WTF-8 exists for: each becomes three bytes and
 * comes back unchanged; a pair cut by the given length is two lone ones. */
TEST(utf16_and_wtf8_keep_lone_surrogates) {
  static const uint16_t lone[] = {0xD800, 0x41, 0xDC00};
  static const uint16_t pair[] = {0xD83D, 0xDE00};
  static const uint16_t nul_inside[] = {0x41, 0, 0x42};
  uint16_t back[8];
  char* out = NULL;
  size_t len = 0;

  CHECK_EQ(uv_utf16_to_wtf8(lone, 3, &out, &len), 0);
  CHECK_EQ(len, 7);
  CHECK_EQ(memcmp(out, "\xED\xA0\x80" "A" "\xED\xB0\x80", 8), 0);
  CHECK_EQ(uv_wtf8_length_as_utf16(out), 4);
  uv_wtf8_to_utf16(out, back, 4);
  CHECK_EQ(back[0], 0xD800);
  CHECK_EQ(back[1], 0x41);
  CHECK_EQ(back[2], 0xDC00);
  CHECK_EQ(back[3], 0);
  free(out);

  out = NULL;
  CHECK_EQ(uv_utf16_to_wtf8(pair, 1, &out, &len), 0);
  CHECK_EQ(len, 3);
  CHECK_EQ(strcmp(out, "\xED\xA0\xBD"), 0);
  free(out);
  out = NULL;
  CHECK_EQ(uv_utf16_to_wtf8(pair + 1, 1, &out, &len), 0);
  CHECK_EQ(strcmp(out, "\xED\xB8\x80"), 0);
  free(out);

  /* With a length, a zero unit is a character like any other. */
  out = NULL;
  CHECK_EQ(uv_utf16_to_wtf8(nul_inside, 3, &out, &len), 0);
  CHECK_EQ(len, 3);
  CHECK_EQ(memcmp(out, "A\0B", 4), 0);
  free(out);
}

/* The caller's buffer: *len bytes plus one for the NUL; too small is
 * UV_ENOBUFS with the length needed, the buffer filled as far as it goes. */
TEST(utf16_to_wtf8_into_a_buffer_reports_enobufs) {
  static const uint16_t text[] = {0x68, 0xE9, 0x6C, 0x6C, 0x6F, 0};
  char buf[16];
  char* out = buf;
  size_t len;

  memset(buf, 'x', sizeof(buf));
  len = 2;
  CHECK_EQ(uv_utf16_to_wtf8(text, -1, &out, &len), UV_ENOBUFS);
  CHECK(out == buf);
  CHECK_EQ(len, 6);
  CHECK_EQ(memcmp(buf, "h\xC3\0", 3), 0);

  memset(buf, 'x', sizeof(buf));
  len = 6;
  CHECK_EQ(uv_utf16_to_wtf8(text, -1, &out, &len), 0);
  CHECK_EQ(len, 6);
  CHECK_EQ(strcmp(buf, "h\xC3\xA9llo"), 0);

  memset(buf, 'x', sizeof(buf));
  len = 10;
  CHECK_EQ(uv_utf16_to_wtf8(text, -1, &out, &len), 0);
  CHECK_EQ(len, 6); /* the bytes used */
  CHECK_EQ(strcmp(buf, "h\xC3\xA9llo"), 0);
}

/* Bytes that are not WTF-8 have no UTF-16 length. */
TEST(wtf8_length_as_utf16_refuses_invalid_bytes) {
  CHECK_EQ(uv_wtf8_length_as_utf16("\x80"), UV_EINVAL);
  CHECK_EQ(uv_wtf8_length_as_utf16("a\xC3"), UV_EINVAL);
  CHECK_EQ(uv_wtf8_length_as_utf16("\xC0\x80"), UV_EINVAL);
  CHECK_EQ(uv_wtf8_length_as_utf16("\xF5\x80\x80\x80"), UV_EINVAL);
  CHECK_EQ(uv_wtf8_length_as_utf16("\xF4\x90\x80\x80"), UV_EINVAL);
  CHECK_EQ(uv_wtf8_length_as_utf16("\xE2\x82"), UV_EINVAL);
  CHECK_EQ(uv_wtf8_length_as_utf16("\xF4\x8F\xBF\xBF"), 3);
}

/* ---- error codes -------------------------------------------------------- */

/* libuv 1.53's new codes, and EFTYPE under both numbers: 1.44's -4028
 * (UV_EFTYPE in this header) and 1.53's -134 on Linux. */
TEST(err_name_and_strerror_know_libuv_153_codes) {
  char buf[64];
  CHECK_EQ(UV_ENODATA, -ENODATA);
  CHECK_EQ(UV_EUNATCH, -EUNATCH);
  CHECK_EQ(UV_ENOEXEC, -ENOEXEC);
  CHECK_EQ(strcmp(uv_err_name(UV_ENODATA), "ENODATA"), 0);
  CHECK_EQ(strcmp(uv_strerror(UV_ENODATA), "no data available"), 0);
  CHECK_EQ(strcmp(uv_err_name(UV_EUNATCH), "EUNATCH"), 0);
  CHECK_EQ(strcmp(uv_strerror(UV_EUNATCH), "protocol driver not attached"), 0);
  CHECK_EQ(strcmp(uv_err_name(UV_ENOEXEC), "ENOEXEC"), 0);
  CHECK_EQ(strcmp(uv_strerror(UV_ENOEXEC), "exec format error"), 0);
  /* -4028 is gouv's own name for EFTYPE (1.44's number); libuv 1.53
   * (scripts/ref153.sh) knows only -134. */
  if (strstr(uv_version_string(), "gouv") != NULL) {
    CHECK_EQ(strcmp(uv_err_name(-4028), "EFTYPE"), 0);
    CHECK_EQ(strcmp(uv_strerror(-4028), "inappropriate file type or format"), 0);
  }
  CHECK_EQ(strcmp(uv_err_name(-134), "EFTYPE"), 0);
  CHECK_EQ(strcmp(uv_strerror(-134), "inappropriate file type or format"), 0);
  CHECK_EQ(strcmp(uv_err_name_r(-134, buf, sizeof(buf)), "EFTYPE"), 0);
  CHECK_EQ(strcmp(uv_strerror_r(UV_ENOEXEC, buf, sizeof(buf)), "exec format error"), 0);
  CHECK_EQ(strcmp(uv_err_name_r(UV_ENODATA, buf, 4), "ENO"), 0);
  CHECK_EQ(uv_translate_sys_error(ENODATA), UV_ENODATA);
}

HARNESS_MAIN
