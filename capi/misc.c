/* gouv: the small functions that only read a struct field or wrap one libc
 * call: version, clock, sleep, process ids, dynamic libraries, and the
 * getters of handles, requests and loops.
 *
 * They stay in C because a host calls several of them on hot paths (uv_now,
 * uv_hrtime, uv_is_active, uv_buf_init) and a crossing into Go would cost
 * more than the work. The fields they read are the real state: the Go loop
 * keeps handle->flags, loop->time and the public fields up to date. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "capi.h"
#include "internal.h"

/* Version. The number is libuv's, since that is the ABI we implement; the
 * string says gouv so `node -p process.versions.uv` tells which is loaded. */

unsigned int uv_version(void) {
  return UV_VERSION_HEX;
}

#define GOUV_STR(x) #x
#define GOUV_XSTR(x) GOUV_STR(x)

const char* uv_version_string(void) {
  return GOUV_XSTR(UV_VERSION_MAJOR) "." GOUV_XSTR(UV_VERSION_MINOR) "." GOUV_XSTR(
      UV_VERSION_PATCH) "-gouv";
}

/* Time. */

uint64_t uv_hrtime(void) {
  struct timespec t;

  /* libuv answers 0 rather than aborting if the clock cannot be read. */
  if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
    return 0;
  return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

void uv_sleep(unsigned int msec) {
  struct timespec timeout;
  int rc;

  timeout.tv_sec = msec / 1000;
  timeout.tv_nsec = (long) (msec % 1000) * 1000 * 1000;

  /* nanosleep leaves the time still to sleep in its second argument, so a
   * signal (Go's SIGURG among them) shortens nothing. */
  do
    rc = nanosleep(&timeout, &timeout);
  while (rc == -1 && errno == EINTR);
}

int uv_gettimeofday(uv_timeval64_t* tv) {
  struct timeval time;

  if (tv == NULL)
    return UV_EINVAL;
  if (gettimeofday(&time, NULL) != 0)
    return -errno;

  tv->tv_sec = (int64_t) time.tv_sec;
  tv->tv_usec = (int32_t) time.tv_usec;
  return 0;
}

/* libuv 1.45: the monotonic or the wall clock with 64-bit seconds. */
int uv_clock_gettime(uv_clock_id clock_id, uv_timespec64_t* ts) {
  struct timespec t;
  clockid_t id;

  if (ts == NULL)
    return UV_EFAULT;
  switch (clock_id) {
  case UV_CLOCK_MONOTONIC:
    id = CLOCK_MONOTONIC;
    break;
  case UV_CLOCK_REALTIME:
    id = CLOCK_REALTIME;
    break;
  default:
    return UV_EINVAL;
  }
  if (clock_gettime(id, &t) != 0)
    return -errno;
  ts->tv_sec = (int64_t) t.tv_sec;
  ts->tv_nsec = (int32_t) t.tv_nsec;
  return 0;
}

uint64_t uv_now(const uv_loop_t* loop) {
  return loop->time;
}

/* Buffers and processes. */

uv_buf_t uv_buf_init(char* base, unsigned int len) {
  uv_buf_t buf;

  buf.base = base;
  buf.len = len;
  return buf;
}

uv_pid_t uv_os_getpid(void) {
  return getpid();
}

uv_pid_t uv_os_getppid(void) {
  return getppid();
}

unsigned int uv_available_parallelism(void) {
  cpu_set_t set;
  long rc;

  /* The CPUs this process may run on (taskset, cgroup cpusets), which can be
   * fewer than are online; sysconf is the fallback when that is unknown. */
  memset(&set, 0, sizeof(set));
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    rc = CPU_COUNT(&set);
  else
    rc = sysconf(_SC_NPROCESSORS_ONLN);

  if (rc < 1)
    rc = 1;
  return (unsigned int) rc;
}

/* Dynamic libraries. Failures return -1 (not a UV_E* code, as in libuv) and
 * keep dlerror()'s text in lib->errmsg, copied with the replaceable
 * allocator because the host's uv_dlclose() frees it through that. */

static int gouv__dlerror(uv_lib_t* lib) {
  const char* errmsg;

  gouv__free(lib->errmsg);
  errmsg = dlerror();
  if (errmsg == NULL) {
    lib->errmsg = NULL;
    return 0;
  }
  lib->errmsg = gouv__strdup(errmsg);
  return -1;
}

int uv_dlopen(const char* filename, uv_lib_t* lib) {
  /* dlerror() state is per thread and sticky: clear what an earlier call
   * left so that only this call's failure is reported. */
  dlerror();
  lib->errmsg = NULL;
  lib->handle = dlopen(filename, RTLD_LAZY);
  return lib->handle != NULL ? 0 : gouv__dlerror(lib);
}

void uv_dlclose(uv_lib_t* lib) {
  gouv__free(lib->errmsg);
  lib->errmsg = NULL;

  if (lib->handle != NULL) {
    /* A dlclose() error has nowhere to go: the function returns void. */
    dlclose(lib->handle);
    lib->handle = NULL;
  }
}

int uv_dlsym(uv_lib_t* lib, const char* name, void** ptr) {
  dlerror();
  *ptr = dlsym(lib->handle, name);
  /* libuv 1.44 asks dlerror() only when the pointer is NULL (a symbol whose
   * value is NULL is still a success then). A found symbol leaves errmsg
   * alone, so an earlier failure's message survives it, as in libuv. */
  if (*ptr != NULL)
    return 0;
  return gouv__dlerror(lib);
}

const char* uv_dlerror(const uv_lib_t* lib) {
  return lib->errmsg != NULL ? lib->errmsg : "no error";
}

/* Handle and request kinds. Out-of-range kinds, UV_FILE and the two
 * placeholders get (size_t) -1 and NULL, as in libuv (except that UV_FILE
 * has a name, "file"). */

size_t uv_handle_size(uv_handle_type type) {
  switch (type) {
#define GOUV__HANDLE_SIZE(uc, lc) case UV_##uc: return sizeof(uv_##lc##_t);
    UV_HANDLE_TYPE_MAP(GOUV__HANDLE_SIZE)
#undef GOUV__HANDLE_SIZE
    default:
      return (size_t) -1;
  }
}

size_t uv_req_size(uv_req_type type) {
  switch (type) {
#define GOUV__REQ_SIZE(uc, lc) case UV_##uc: return sizeof(uv_##lc##_t);
    UV_REQ_TYPE_MAP(GOUV__REQ_SIZE)
#undef GOUV__REQ_SIZE
    default:
      return (size_t) -1;
  }
}

const char* uv_handle_type_name(uv_handle_type type) {
  switch (type) {
#define GOUV__HANDLE_NAME(uc, lc) case UV_##uc: return #lc;
    UV_HANDLE_TYPE_MAP(GOUV__HANDLE_NAME)
#undef GOUV__HANDLE_NAME
    case UV_FILE:
      return "file";
    default:
      return NULL;
  }
}

const char* uv_req_type_name(uv_req_type type) {
  switch (type) {
#define GOUV__REQ_NAME(uc, lc) case UV_##uc: return #lc;
    UV_REQ_TYPE_MAP(GOUV__REQ_NAME)
#undef GOUV__REQ_NAME
    default:
      return NULL;
  }
}

/* Handle getters and state bits. */

uv_handle_type uv_handle_get_type(const uv_handle_t* handle) {
  return handle->type;
}

void* uv_handle_get_data(const uv_handle_t* handle) {
  return handle->data;
}

void uv_handle_set_data(uv_handle_t* handle, void* data) {
  handle->data = data;
}

uv_loop_t* uv_handle_get_loop(const uv_handle_t* handle) {
  return handle->loop;
}

int uv_is_active(const uv_handle_t* handle) {
  return (handle->flags & GOUV_FLAG_ACTIVE) != 0;
}

int uv_is_closing(const uv_handle_t* handle) {
  return (handle->flags & (GOUV_FLAG_CLOSING | GOUV_FLAG_CLOSED)) != 0;
}

int uv_has_ref(const uv_handle_t* handle) {
  return (handle->flags & GOUV_FLAG_REF) != 0;
}

size_t uv_stream_get_write_queue_size(const uv_stream_t* stream) {
  return stream->write_queue_size;
}

size_t uv_udp_get_send_queue_size(const uv_udp_t* handle) {
  return handle->send_queue_size;
}

size_t uv_udp_get_send_queue_count(const uv_udp_t* handle) {
  return handle->send_queue_count;
}

uv_pid_t uv_process_get_pid(const uv_process_t* process) {
  return process->pid;
}

/* Request getters. */

void* uv_req_get_data(const uv_req_t* req) {
  return req->data;
}

void uv_req_set_data(uv_req_t* req, void* data) {
  req->data = data;
}

uv_req_type uv_req_get_type(const uv_req_t* req) {
  return req->type;
}

uv_fs_type uv_fs_get_type(const uv_fs_t* req) {
  return req->fs_type;
}

ssize_t uv_fs_get_result(const uv_fs_t* req) {
  return req->result;
}

/* On Unix the system error is the negated result; libuv does no check for
 * success, so a read of 5 bytes reports -5, and so do we. */
int uv_fs_get_system_error(const uv_fs_t* req) {
  return (int) -req->result;
}

void* uv_fs_get_ptr(const uv_fs_t* req) {
  return req->ptr;
}

const char* uv_fs_get_path(const uv_fs_t* req) {
  return req->path;
}

uv_stat_t* uv_fs_get_statbuf(uv_fs_t* req) {
  return &req->statbuf;
}

/* Loop getters. */

size_t uv_loop_size(void) {
  return sizeof(uv_loop_t);
}

void* uv_loop_get_data(const uv_loop_t* loop) {
  return loop->data;
}

void uv_loop_set_data(uv_loop_t* loop, void* data) {
  loop->data = data;
}
