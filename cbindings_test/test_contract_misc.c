/* The miscellaneous, threading, shared library and metrics pages of libuv
 * 1.44's documentation, sentence by sentence, where test_misc.c, test_os.c
 * and test_thread.c leave a gap: CPU affinity and uv_available_parallelism,
 * the interface index helpers, the address converters leaving their output
 * alone on error, the handle printers' format, uv_random's flags, unsetting
 * a missing variable, stack sizes, the read-write lock's try forms against a
 * writer, and uv_metrics_idle_time from another thread. See
 * docs/contract.md. */
#define _GNU_SOURCE
#include <uv.h>

#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

TEST(available_parallelism_follows_the_threads_cpu_affinity) {
  cpu_set_t all, one;
  int first = -1, i;
  CHECK_EQ(sched_getaffinity(0, sizeof all, &all), 0);
  CHECK(uv_available_parallelism() >= 1);
  for (i = 0; i < CPU_SETSIZE && first < 0; i++)
    if (CPU_ISSET(i, &all))
      first = i;
  CHECK(first >= 0);
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  CHECK_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  CHECK_EQ(uv_available_parallelism(), 1);
  CHECK_EQ(sched_setaffinity(0, sizeof all, &all), 0);
  CHECK_EQ(uv_available_parallelism(), (unsigned)CPU_COUNT(&all));
}

TEST(if_indextoname_reports_the_length_or_the_size_needed) {
  char buf[UV_IF_NAMESIZE];
  char sys[IF_NAMESIZE];
  unsigned idx = if_nametoindex("lo");
  size_t n;
  CHECK(idx > 0);
  CHECK(if_indextoname(idx, sys) != NULL);
  n = sizeof buf;
  CHECK_EQ(uv_if_indextoname(idx, buf, &n), 0);
  CHECK(strcmp(buf, "lo") == 0);
  CHECK_EQ(n, 2);
  /* Too small: ENOBUFS and the size with the terminating NUL. */
  n = 2;
  CHECK_EQ(uv_if_indextoname(idx, buf, &n), UV_ENOBUFS);
  CHECK_EQ(n, 3);
  /* The interface identifier is the name on Unix. */
  n = sizeof buf;
  CHECK_EQ(uv_if_indextoiid(idx, buf, &n), 0);
  CHECK(strcmp(buf, "lo") == 0);
  CHECK_EQ(n, 2);
  n = 1;
  CHECK_EQ(uv_if_indextoiid(idx, buf, &n), UV_ENOBUFS);
  CHECK_EQ(n, 3);
}

TEST(inet_pton_and_inet_ntop_leave_the_destination_alone_on_error) {
  unsigned char bin[16];
  char text[8];
  struct in_addr a;
  memset(bin, 0xAB, sizeof bin);
  CHECK(uv_inet_pton(AF_INET, "1.2.3.400", bin) != 0);
  CHECK(uv_inet_pton(AF_INET6, "1::2::3", bin) != 0);
  {
    int i;
    for (i = 0; i < 16; i++)
      CHECK_EQ(bin[i], 0xAB);
  }
  CHECK_EQ(uv_inet_pton(AF_INET, "10.20.30.40", &a), 0);
  memset(text, 'z', sizeof text);
  CHECK_EQ(uv_inet_ntop(AF_INET, &a, text, sizeof text), UV_ENOSPC);
  {
    int i;
    for (i = 0; i < (int)sizeof text; i++)
      CHECK_EQ(text[i], 'z');
  }
}

static void read_back(FILE* f, char* out, size_t n) {
  size_t got;
  fflush(f);
  rewind(f);
  got = fread(out, 1, n - 1, f);
  out[got] = '\0';
}

TEST(print_all_handles_prints_flags_type_and_address_per_handle) {
  uv_loop_t loop;
  uv_timer_t t;
  uv_idle_t idle;
  FILE* f;
  char out[1024], line[128];
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, (uv_timer_cb)abort, 100000, 0), 0);
  CHECK_EQ(uv_idle_init(&loop, &idle), 0);
  uv_unref((uv_handle_t*)&idle);
  f = tmpfile();
  CHECK(f != NULL);
  uv_print_all_handles(&loop, f);
  read_back(f, out, sizeof out);
  snprintf(line, sizeof line, "[RA-] timer    %p\n", (void*)&t);
  CHECK(strstr(out, line) != NULL);
  snprintf(line, sizeof line, "[---] idle     %p\n", (void*)&idle);
  CHECK(strstr(out, line) != NULL);
  fclose(f);
  /* Only the active one. */
  f = tmpfile();
  uv_print_active_handles(&loop, f);
  read_back(f, out, sizeof out);
  snprintf(line, sizeof line, "[RA-] timer    %p\n", (void*)&t);
  CHECK(strstr(out, line) != NULL);
  CHECK(strstr(out, "idle") == NULL);
  fclose(f);
  contract_finish(&loop);
}

TEST(random_with_nonzero_flags_is_einval) {
  char buf[8];
  CHECK_EQ(uv_random(NULL, NULL, buf, sizeof buf, 1, NULL), UV_EINVAL);
}

TEST(os_unsetenv_of_a_missing_variable_succeeds) {
  char buf[8];
  size_t n = sizeof buf;
  CHECK_EQ(uv_os_unsetenv("GOUV_CONTRACT_NEVER_SET"), 0);
  CHECK_EQ(uv_os_getenv("GOUV_CONTRACT_NEVER_SET", buf, &n), UV_ENOENT);
  CHECK_EQ(uv_os_setenv("GOUV_CONTRACT_SET", "v1"), 0);
  CHECK_EQ(uv_os_setenv("GOUV_CONTRACT_SET", "v2"), 0);
  n = sizeof buf;
  CHECK_EQ(uv_os_getenv("GOUV_CONTRACT_SET", buf, &n), 0);
  CHECK(strcmp(buf, "v2") == 0);
  CHECK_EQ(n, 2);
}

static size_t stack_seen;
static void measure_stack(void* arg) {
  pthread_attr_t attr;
  (void)arg;
  CHECK_EQ(pthread_getattr_np(pthread_self(), &attr), 0);
  CHECK_EQ(pthread_attr_getstacksize(&attr, &stack_seen), 0);
  pthread_attr_destroy(&attr);
}

TEST(thread_stack_size_is_rounded_up_to_a_page_and_zero_means_default) {
  uv_thread_t tid;
  uv_thread_options_t opts;
  size_t page = (size_t)getpagesize();
  size_t dflt;
  CHECK_EQ(uv_thread_create(&tid, measure_stack, NULL), 0);
  CHECK_EQ(uv_thread_join(&tid), 0);
  dflt = stack_seen;
  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = 0;
  CHECK_EQ(uv_thread_create_ex(&tid, &opts, measure_stack, NULL), 0);
  CHECK_EQ(uv_thread_join(&tid), 0);
  CHECK_EQ(stack_seen, dflt);
  opts.stack_size = 1024 * 1024 + 1;
  CHECK_EQ(uv_thread_create_ex(&tid, &opts, measure_stack, NULL), 0);
  CHECK_EQ(uv_thread_join(&tid), 0);
  CHECK_EQ(stack_seen, 1024 * 1024 + page);
}

static uv_rwlock_t rw;
static uv_sem_t held, done;
static void hold_write(void* arg) {
  (void)arg;
  uv_rwlock_wrlock(&rw);
  uv_sem_post(&held);
  uv_sem_wait(&done);
  uv_rwlock_wrunlock(&rw);
}

TEST(rwlock_try_forms_are_ebusy_while_another_thread_writes) {
  uv_thread_t tid;
  CHECK_EQ(uv_rwlock_init(&rw), 0);
  CHECK_EQ(uv_sem_init(&held, 0), 0);
  CHECK_EQ(uv_sem_init(&done, 0), 0);
  CHECK_EQ(uv_thread_create(&tid, hold_write, NULL), 0);
  uv_sem_wait(&held);
  CHECK_EQ(uv_rwlock_tryrdlock(&rw), UV_EBUSY);
  CHECK_EQ(uv_rwlock_trywrlock(&rw), UV_EBUSY);
  uv_sem_post(&done);
  CHECK_EQ(uv_thread_join(&tid), 0);
  CHECK_EQ(uv_rwlock_trywrlock(&rw), 0);
  uv_rwlock_wrunlock(&rw);
  uv_rwlock_destroy(&rw);
  uv_sem_destroy(&held);
  uv_sem_destroy(&done);
}

TEST(sem_init_value_is_the_number_of_waits_that_pass_at_once) {
  uv_sem_t s;
  CHECK_EQ(uv_sem_init(&s, 3), 0);
  CHECK_EQ(uv_sem_trywait(&s), 0);
  CHECK_EQ(uv_sem_trywait(&s), 0);
  CHECK_EQ(uv_sem_trywait(&s), 0);
  CHECK_EQ(uv_sem_trywait(&s), UV_EAGAIN);
  uv_sem_post(&s);
  uv_sem_wait(&s);
  uv_sem_destroy(&s);
}

static uv_loop_t metrics_loop;
static volatile int metrics_stop;
static uint64_t metrics_t0;
static int metrics_too_big;
static int metrics_reads;
/* Reads the idle time as fast as it can; no read may exceed the time that
 * has passed since the loop was configured. (It need not be monotonic:
 * libuv estimates a wait still in progress from the current time.) */
static void read_metrics(void* arg) {
  (void)arg;
  while (!metrics_stop) {
    uint64_t v = uv_metrics_idle_time(&metrics_loop);
    if (v > uv_hrtime() - metrics_t0)
      metrics_too_big = 1;
    metrics_reads++;
  }
}
static void metrics_timer_cb(uv_timer_t* t) {
  (void)t;
}

TEST(metrics_idle_time_may_be_read_from_another_thread_while_the_loop_runs) {
  uv_timer_t t;
  uv_thread_t tid;
  CHECK_EQ(uv_loop_init(&metrics_loop), 0);
  metrics_t0 = uv_hrtime();
  CHECK_EQ(uv_loop_configure(&metrics_loop, UV_METRICS_IDLE_TIME), 0);
  CHECK_EQ(uv_timer_init(&metrics_loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, metrics_timer_cb, 50, 0), 0);
  CHECK_EQ(uv_thread_create(&tid, read_metrics, NULL), 0);
  CHECK_EQ(uv_run(&metrics_loop, UV_RUN_DEFAULT), 0);
  metrics_stop = 1;
  CHECK_EQ(uv_thread_join(&tid), 0);
  CHECK_EQ(metrics_too_big, 0);
  CHECK(metrics_reads > 0);
  /* The loop slept about 50 ms in the kernel. */
  CHECK(uv_metrics_idle_time(&metrics_loop) >= 20 * 1000000ull);
  contract_finish(&metrics_loop);
}

/* The harness never calls uv_setup_args, and each ctest case is a process of
 * its own. */
TEST(process_title_without_setup_args_is_enobufs) {
  char buf[64];
  CHECK_EQ(uv_get_process_title(buf, sizeof buf), UV_ENOBUFS);
  CHECK_EQ(uv_set_process_title("contract"), UV_ENOBUFS);
  CHECK_EQ(uv_get_process_title(NULL, 8), UV_EINVAL);
  CHECK_EQ(uv_get_process_title(buf, 0), UV_EINVAL);
}

TEST(priority_constants_span_minus_20_to_19) {
  CHECK_EQ(UV_PRIORITY_LOW, 19);
  CHECK_EQ(UV_PRIORITY_BELOW_NORMAL, 10);
  CHECK_EQ(UV_PRIORITY_NORMAL, 0);
  CHECK_EQ(UV_PRIORITY_ABOVE_NORMAL, -7);
  CHECK_EQ(UV_PRIORITY_HIGH, -14);
  CHECK_EQ(UV_PRIORITY_HIGHEST, -20);
}

TEST(dlerror_keeps_the_last_error_after_later_successes) {
  uv_lib_t lib;
  void* sym = NULL;
  const char* msg;
  CHECK_EQ(uv_dlopen("libm.so.6", &lib), 0);
  CHECK(uv_dlerror(&lib) != NULL);
  CHECK_EQ(uv_dlsym(&lib, "gouv_contract_no_such_symbol", &sym), -1);
  msg = uv_dlerror(&lib);
  CHECK(strstr(msg, "gouv_contract_no_such_symbol") != NULL);
  CHECK_EQ(uv_dlsym(&lib, "cos", &sym), 0);
  CHECK(sym != NULL);
  CHECK(strstr(uv_dlerror(&lib), "gouv_contract_no_such_symbol") != NULL);
  uv_dlclose(&lib);
}

/* libuv's loop owns handles of its own (its signal pipe, the thread pool's
 * async): uv_print_all_handles lists them with the I flag, and never
 * referenced; uv_walk does not show them. */
TEST(print_all_handles_lists_the_loops_internal_handles_flagged_i) {
  uv_loop_t loop;
  FILE* f;
  char out[1024];
  const char* p;
  int internal = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  f = tmpfile();
  CHECK(f != NULL);
  uv_print_all_handles(&loop, f);
  read_back(f, out, sizeof out);
  fclose(f);
  for (p = out; (p = strstr(p, "I] ")) != NULL; p++) {
    CHECK(p - out >= 3);
    CHECK_EQ(p[-3], '[');
    CHECK_EQ(p[-2], '-');
    internal++;
  }
  CHECK(internal >= 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int allocs, frees;
static void* count_malloc(size_t n) {
  allocs++;
  return malloc(n);
}
static void* count_realloc(void* p, size_t n) {
  if (p == NULL)
    allocs++;
  return realloc(p, n);
}
static void* count_calloc(size_t a, size_t b) {
  allocs++;
  return calloc(a, b);
}
static void count_free(void* p) {
  if (p != NULL)
    frees++;
  free(p);
}

/* The lists the library hands to the caller come from the replaced
 * allocator, and the matching free functions give them back to it. */
TEST(replaced_allocator_serves_the_memory_handed_to_the_caller) {
  uv_env_item_t* env;
  uv_cpu_info_t* cpus;
  uv_interface_address_t* ifs;
  uv_passwd_t pw;
  int n;
  CHECK_EQ(uv_replace_allocator(count_malloc, count_realloc, count_calloc,
                                count_free),
           0);
  CHECK_EQ(uv_os_environ(&env, &n), 0);
  CHECK(allocs > 0);
  uv_os_free_environ(env, n);
  CHECK_EQ(frees, allocs);
  allocs = frees = 0;
  CHECK_EQ(uv_cpu_info(&cpus, &n), 0);
  CHECK(allocs > 0);
  uv_free_cpu_info(cpus, n);
  CHECK_EQ(frees, allocs);
  allocs = frees = 0;
  CHECK_EQ(uv_interface_addresses(&ifs, &n), 0);
  CHECK(allocs > 0);
  uv_free_interface_addresses(ifs, n);
  CHECK_EQ(frees, allocs);
  allocs = frees = 0;
  CHECK_EQ(uv_os_get_passwd(&pw), 0);
  CHECK(allocs > 0);
  uv_os_free_passwd(&pw);
  CHECK_EQ(frees, allocs);
}

HARNESS_MAIN
