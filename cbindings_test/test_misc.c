/* The small functions: version, clocks, sleep, process ids, parallelism,
 * dynamic libraries, the allocator hook, handle and request sizes and
 * names, and the getters that read handles, requests and loops. */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "harness.h"

/* The library is the version its header says: 1.44.2 for Debian 12's
 * libuv (reference mode), 1.53.0 for gouv and for libuv 1.53. */
TEST(version_is_the_header_version) {
  CHECK_EQ(uv_version(), UV_VERSION_HEX);
  CHECK_EQ(uv_version(), (UV_VERSION_MAJOR << 16) | (UV_VERSION_MINOR << 8) | UV_VERSION_PATCH);
}

TEST(version_string_is_the_header_version_and_a_suffix) {
  const char* v = uv_version_string();
  char want[32];
  size_t n;

  CHECK(v != NULL);
  n = (size_t)snprintf(want, sizeof(want), "%d.%d.%d", UV_VERSION_MAJOR, UV_VERSION_MINOR,
                       UV_VERSION_PATCH);
  CHECK(strncmp(v, want, n) == 0);
  /* Whatever follows is a suffix, never more version digits. */
  CHECK(v[n] == '\0' || v[n] == '-');
}

TEST(hrtime_never_goes_backwards_and_advances) {
  uint64_t prev, now, first;
  int i;

  first = prev = uv_hrtime();
  CHECK(first > 0);
  for (i = 0; i < 100000; i++) {
    now = uv_hrtime();
    CHECK(now >= prev);
    prev = now;
  }
  uv_sleep(2);
  CHECK(uv_hrtime() - first >= 2 * 1000 * 1000);
}

TEST(hrtime_counts_nanoseconds_of_the_monotonic_clock) {
  struct timespec ts;
  uint64_t before, mine, after;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  before = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
  mine = uv_hrtime();
  clock_gettime(CLOCK_MONOTONIC, &ts);
  after = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
  CHECK(before <= mine);
  CHECK(mine <= after);
}

TEST(sleep_waits_at_least_the_requested_milliseconds) {
  uint64_t start, elapsed;

  start = uv_hrtime();
  uv_sleep(20);
  elapsed = uv_hrtime() - start;
  CHECK(elapsed >= 20 * 1000 * 1000);
  CHECK(elapsed < 2000ull * 1000 * 1000);
}

TEST(buf_init_sets_base_and_length) {
  char data[10];
  uv_buf_t buf;

  buf = uv_buf_init(data, sizeof(data));
  CHECK(buf.base == data);
  CHECK_EQ(buf.len, sizeof(data));
  buf = uv_buf_init(NULL, 0);
  CHECK(buf.base == NULL);
  CHECK_EQ(buf.len, 0);
  buf = uv_buf_init(data, 0xffffffffu);
  CHECK_EQ(buf.len, 0xffffffffu);
}

TEST(os_getpid_and_getppid_match_the_system_calls) {
  CHECK_EQ(uv_os_getpid(), getpid());
  CHECK_EQ(uv_os_getppid(), getppid());
}

TEST(available_parallelism_is_at_least_one) {
  unsigned int n = uv_available_parallelism();
  long online = sysconf(_SC_NPROCESSORS_ONLN);

  CHECK(n >= 1);
  if (online > 0)
    CHECK(n <= (unsigned long) online);
}

TEST(gettimeofday_is_close_to_the_wall_clock) {
  uv_timeval64_t tv;
  struct timespec before, after;

  /* Not time(NULL): it reads the kernel's coarse clock, which lags the
   * precise one by up to a tick, so across a second boundary it can say a
   * second earlier than a gettimeofday made before it. */
  CHECK_EQ(clock_gettime(CLOCK_REALTIME, &before), 0);
  CHECK_EQ(uv_gettimeofday(&tv), 0);
  CHECK_EQ(clock_gettime(CLOCK_REALTIME, &after), 0);
  CHECK(tv.tv_sec >= (int64_t) before.tv_sec);
  CHECK(tv.tv_sec <= (int64_t) after.tv_sec);
  CHECK(tv.tv_usec >= 0);
  CHECK(tv.tv_usec < 1000000);
}

TEST(gettimeofday_with_null_is_einval) {
  CHECK_EQ(uv_gettimeofday(NULL), UV_EINVAL);
}

/* Dynamic libraries. */

TEST(dlopen_libm_and_dlsym_cos_gives_a_working_function) {
  uv_lib_t lib;
  double (*cos_fn)(double);
  void* sym;

  CHECK_EQ(uv_dlopen("libm.so.6", &lib), 0);
  CHECK(strcmp(uv_dlerror(&lib), "no error") == 0);
  CHECK_EQ(uv_dlsym(&lib, "cos", &sym), 0);
  CHECK(sym != NULL);
  *(void**) &cos_fn = sym;
  CHECK(cos_fn(0.0) == 1.0);
  uv_dlclose(&lib);
}

TEST(dlopen_of_a_missing_file_fails_with_a_message) {
  uv_lib_t lib;
  const char* msg;

  CHECK_EQ(uv_dlopen("/nonexistent/gouv-no-such-library.so", &lib), -1);
  msg = uv_dlerror(&lib);
  CHECK(msg != NULL);
  CHECK(strcmp(msg, "no error") != 0);
  CHECK(strstr(msg, "gouv-no-such-library.so") != NULL);
  uv_dlclose(&lib);
  CHECK(strcmp(uv_dlerror(&lib), "no error") == 0);
}

TEST(dlsym_of_a_missing_symbol_fails_with_a_message) {
  uv_lib_t lib;
  void* sym;

  CHECK_EQ(uv_dlopen("libm.so.6", &lib), 0);
  CHECK_EQ(uv_dlsym(&lib, "gouv_no_such_symbol", &sym), -1);
  CHECK(sym == NULL);
  CHECK(strstr(uv_dlerror(&lib), "gouv_no_such_symbol") != NULL);
  uv_dlclose(&lib);
}

/* Allocator. */

static int mallocs, frees;

static void* counting_malloc(size_t size) {
  mallocs++;
  return malloc(size);
}

static void* counting_realloc(void* ptr, size_t size) {
  if (ptr == NULL)
    mallocs++;
  return realloc(ptr, size);
}

static void* counting_calloc(size_t count, size_t size) {
  mallocs++;
  return calloc(count, size);
}

static void counting_free(void* ptr) {
  if (ptr != NULL)
    frees++;
  errno = EBADF; /* the library must not let this leak into its callers */
  free(ptr);
}

TEST(replace_allocator_rejects_any_null_function) {
  CHECK_EQ(uv_replace_allocator(NULL, realloc, calloc, free), UV_EINVAL);
  CHECK_EQ(uv_replace_allocator(malloc, NULL, calloc, free), UV_EINVAL);
  CHECK_EQ(uv_replace_allocator(malloc, realloc, NULL, free), UV_EINVAL);
  CHECK_EQ(uv_replace_allocator(malloc, realloc, calloc, NULL), UV_EINVAL);
  CHECK_EQ(uv_replace_allocator(NULL, NULL, NULL, NULL), UV_EINVAL);
  CHECK_EQ(uv_replace_allocator(malloc, realloc, calloc, free), 0);
}

TEST(replaced_allocator_holds_the_dlerror_message) {
  uv_lib_t lib;

  CHECK_EQ(uv_replace_allocator(counting_malloc, counting_realloc,
                                counting_calloc, counting_free), 0);
  mallocs = frees = 0;
  CHECK_EQ(uv_dlopen("/nonexistent/gouv-no-such-library.so", &lib), -1);
  CHECK(mallocs >= 1); /* the message was copied with our allocator */
  CHECK_EQ(frees, 0);
  errno = 0;
  uv_dlclose(&lib);
  CHECK_EQ(frees, 1); /* and freed with it */
  CHECK_EQ(errno, 0);
  CHECK_EQ(uv_replace_allocator(malloc, realloc, calloc, free), 0);
}

/* Handle and request kinds. */

TEST(handle_size_is_the_size_of_each_handle_type) {
#define CHECK_HANDLE_SIZE(uc, lc) \
  CHECK_EQ(uv_handle_size(UV_##uc), sizeof(uv_##lc##_t));
  UV_HANDLE_TYPE_MAP(CHECK_HANDLE_SIZE)
#undef CHECK_HANDLE_SIZE
  CHECK_EQ(uv_handle_size(UV_UNKNOWN_HANDLE), (size_t) -1);
  CHECK_EQ(uv_handle_size(UV_FILE), (size_t) -1);
  CHECK_EQ(uv_handle_size(UV_HANDLE_TYPE_MAX), (size_t) -1);
  CHECK_EQ(uv_handle_size((uv_handle_type) 1000), (size_t) -1);
}

TEST(req_size_is_the_size_of_each_request_type) {
#define CHECK_REQ_SIZE(uc, lc) CHECK_EQ(uv_req_size(UV_##uc), sizeof(uv_##lc##_t));
  UV_REQ_TYPE_MAP(CHECK_REQ_SIZE)
#undef CHECK_REQ_SIZE
  CHECK_EQ(uv_req_size(UV_UNKNOWN_REQ), (size_t) -1);
  CHECK_EQ(uv_req_size(UV_REQ_TYPE_MAX), (size_t) -1);
  CHECK_EQ(uv_req_size((uv_req_type) 1000), (size_t) -1);
}

TEST(handle_type_name_is_the_lower_case_name) {
#define CHECK_HANDLE_NAME(uc, lc) \
  CHECK(strcmp(uv_handle_type_name(UV_##uc), #lc) == 0);
  UV_HANDLE_TYPE_MAP(CHECK_HANDLE_NAME)
#undef CHECK_HANDLE_NAME
  CHECK(strcmp(uv_handle_type_name(UV_TCP), "tcp") == 0);
  CHECK(strcmp(uv_handle_type_name(UV_NAMED_PIPE), "pipe") == 0);
  CHECK(strcmp(uv_handle_type_name(UV_FILE), "file") == 0);
  CHECK(uv_handle_type_name(UV_UNKNOWN_HANDLE) == NULL);
  CHECK(uv_handle_type_name(UV_HANDLE_TYPE_MAX) == NULL);
  CHECK(uv_handle_type_name((uv_handle_type) -1) == NULL);
}

TEST(req_type_name_is_the_lower_case_name) {
#define CHECK_REQ_NAME(uc, lc) CHECK(strcmp(uv_req_type_name(UV_##uc), #lc) == 0);
  UV_REQ_TYPE_MAP(CHECK_REQ_NAME)
#undef CHECK_REQ_NAME
  CHECK(strcmp(uv_req_type_name(UV_GETADDRINFO), "getaddrinfo") == 0);
  CHECK(uv_req_type_name(UV_UNKNOWN_REQ) == NULL);
  CHECK(uv_req_type_name(UV_REQ_TYPE_MAX) == NULL);
  CHECK(uv_req_type_name((uv_req_type) -1) == NULL);
}

/* Getters over live handles, requests and loops. */

TEST(loop_size_and_loop_data_accessors) {
  uv_loop_t loop;
  int tag;

  CHECK_EQ(uv_loop_size(), sizeof(uv_loop_t));
  CHECK_EQ(uv_loop_init(&loop), 0);
  uv_loop_set_data(&loop, &tag);
  CHECK(uv_loop_get_data(&loop) == &tag);
  CHECK(loop.data == &tag);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(now_is_the_cached_loop_time_in_milliseconds) {
  uv_loop_t loop;
  uint64_t before, now, after;

  CHECK_EQ(uv_loop_init(&loop), 0);
  before = uv_hrtime() / 1000000;
  uv_update_time(&loop);
  now = uv_now(&loop);
  after = uv_hrtime() / 1000000;
  CHECK(now >= before);
  CHECK(now <= after);
  uv_sleep(15);
  CHECK_EQ(uv_now(&loop), now); /* cached until the loop updates it */
  uv_update_time(&loop);
  CHECK(uv_now(&loop) >= now + 15);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void noop_timer_cb(uv_timer_t* t) {
  (void) t;
}

static int closed;

static void count_close(uv_handle_t* h) {
  (void) h;
  closed++;
}

TEST(handle_getters_and_state_follow_the_handle) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_handle_t* h = (uv_handle_t*) &timer;
  int tag;

  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_timer_init(&loop, &timer), 0);
  CHECK_EQ(uv_handle_get_type(h), UV_TIMER);
  CHECK(uv_handle_get_loop(h) == &loop);
  uv_handle_set_data(h, &tag);
  CHECK(uv_handle_get_data(h) == &tag);
  CHECK(timer.data == &tag);

  CHECK_EQ(uv_is_active(h), 0);
  CHECK_EQ(uv_has_ref(h), 1);
  CHECK_EQ(uv_is_closing(h), 0);

  CHECK_EQ(uv_timer_start(&timer, noop_timer_cb, 1000, 0), 0);
  CHECK_EQ(uv_is_active(h), 1);
  uv_unref(h);
  CHECK_EQ(uv_has_ref(h), 0);
  uv_ref(h);
  CHECK_EQ(uv_has_ref(h), 1);
  CHECK_EQ(uv_timer_stop(&timer), 0);
  CHECK_EQ(uv_is_active(h), 0);

  closed = 0;
  uv_close(h, count_close);
  CHECK_EQ(uv_is_closing(h), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(closed, 1);
  CHECK_EQ(uv_is_closing(h), 1); /* a closed handle still reports closing */
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(req_and_fs_getters_read_a_finished_request) {
  uv_loop_t loop;
  uv_fs_t req;
  int tag;

  CHECK_EQ(uv_loop_init(&loop), 0);

  /* A synchronous stat (no callback) of a directory that exists. */
  CHECK_EQ(uv_fs_stat(&loop, &req, "/", NULL), 0);
  CHECK_EQ(uv_req_get_type((uv_req_t*) &req), UV_FS);
  uv_req_set_data((uv_req_t*) &req, &tag);
  CHECK(uv_req_get_data((uv_req_t*) &req) == &tag);
  CHECK_EQ(uv_fs_get_type(&req), UV_FS_STAT);
  CHECK_EQ(uv_fs_get_result(&req), 0);
  CHECK(strcmp(uv_fs_get_path(&req), "/") == 0);
  CHECK(uv_fs_get_statbuf(&req) == &req.statbuf);
  CHECK((uv_fs_get_statbuf(&req)->st_mode & S_IFMT) == S_IFDIR);
  CHECK(uv_fs_get_ptr(&req) == req.ptr);
  uv_fs_req_cleanup(&req);

  /* A failed one reports the errno as a positive system error. */
  CHECK_EQ(uv_fs_stat(&loop, &req, "/nonexistent/gouv", NULL), UV_ENOENT);
  CHECK_EQ(uv_fs_get_result(&req), UV_ENOENT);
  CHECK_EQ(uv_fs_get_system_error(&req), ENOENT);
  uv_fs_req_cleanup(&req);

  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
