/* The loop functions that need C: the default loop's static storage,
 * variadic uv_loop_configure, and the ones that only touch fields. */
#include "capi.h"
#include "internal.h"
#include "os.h"

#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "_cgo_export.h"

static uv_loop_t default_loop_storage;
static uv_loop_t* default_loop;

uv_loop_t* uv_default_loop(void) {
  if (default_loop != NULL)
    return default_loop;
  if (uv_loop_init(&default_loop_storage) != 0)
    return NULL;
  default_loop = &default_loop_storage;
  return default_loop;
}

int uv_loop_init(uv_loop_t* loop) {
  void* data;
  if (loop == NULL)
    return UV_EINVAL;
  /* Like libuv, keep only the user's data pointer. */
  data = loop->data;
  memset(loop, 0, sizeof(*loop));
  loop->data = data;
  loop->handle_queue[0] = &loop->handle_queue;
  loop->handle_queue[1] = &loop->handle_queue;
  loop->backend_fd = -1;
  loop->gouv_wakeup_fd = -1;
  /* A host installs its fault handler before its first loop. */
  gouv_fault_chain();
  return gouv_loop_init(loop);
}

int uv_loop_close(uv_loop_t* loop) {
  void* data;
  int err = gouv_loop_close(loop);
  if (err != 0)
    return err;
  if (loop == default_loop)
    default_loop = NULL;
  /* Debian's libuv (built with assertions) leaves a closed loop filled with
   * 0xff bytes except its data pointer, and programs observe it: a second
   * uv_loop_close says UV_EBUSY and uv_loop_alive says alive. Do the same,
   * so that code written against it (shutdown loops that close until
   * UV_EBUSY) behaves alike; the Go side recognises the pattern. */
  data = loop->data;
  memset(loop, 0xff, sizeof(*loop));
  loop->data = data;
  return 0;
}

uv_loop_t* uv_loop_new(void) {
  uv_loop_t* loop = gouv__malloc(sizeof(*loop));
  if (loop == NULL)
    return NULL;
  loop->data = NULL;
  if (uv_loop_init(loop) != 0) {
    gouv__free(loop);
    return NULL;
  }
  return loop;
}

void uv_loop_delete(uv_loop_t* loop) {
  int err = uv_loop_close(loop);
  (void)err;
  if (loop != &default_loop_storage)
    gouv__free(loop);
}

int uv_loop_configure(uv_loop_t* loop, uv_loop_option option, ...) {
  va_list ap;
  int arg = 0;
  if (option == UV_LOOP_BLOCK_SIGNAL) {
    va_start(ap, option);
    arg = va_arg(ap, int);
    va_end(ap);
  }
  return gouv_loop_configure(loop, option, arg);
}

/* A forked child cannot run the Go runtime it inherited, so there is no
 * loop to reinitialise there. */
int uv_loop_fork(uv_loop_t* loop) {
  (void)loop;
  return UV_ENOSYS;
}

int uv_run(uv_loop_t* loop, uv_run_mode mode) {
  gouv_host_handlers_onstack(mode == UV_RUN_DEFAULT);
  return gouv_run(loop, mode);
}

int uv_loop_alive(const uv_loop_t* loop) {
  return gouv_loop_alive((uv_loop_t*)loop);
}

int uv_backend_timeout(const uv_loop_t* loop) {
  return gouv_backend_timeout((uv_loop_t*)loop);
}

int uv_backend_fd(const uv_loop_t* loop) {
  return loop->backend_fd;
}

void uv_stop(uv_loop_t* loop) {
  loop->stop_flag = 1;
}

/* The same clock the Go loop reads (CLOCK_MONOTONIC, in ms), without a
 * crossing into Go. */
void uv_update_time(uv_loop_t* loop) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  loop->time = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void print_one(uv_handle_t* h, void* arg) {
  FILE* stream = arg;
  fprintf(stream, "[%c%c%c] %-8s %p\n",
          (h->flags & GOUV_FLAG_REF) ? 'R' : '-',
          (h->flags & GOUV_FLAG_ACTIVE) ? 'A' : '-',
          (h->flags & GOUV_FLAG_INTERNAL) ? 'I' : '-',
          uv_handle_type_name(h->type),
          (void*)h);
}

static void print_active(uv_handle_t* h, void* arg) {
  if (h->flags & GOUV_FLAG_ACTIVE)
    print_one(h, arg);
}

void uv_print_all_handles(uv_loop_t* loop, FILE* stream) {
  uv_walk(loop, print_one, stream != NULL ? stream : stderr);
}

void uv_print_active_handles(uv_loop_t* loop, FILE* stream) {
  uv_walk(loop, print_active, stream != NULL ? stream : stderr);
}
