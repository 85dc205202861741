/* uv_async_send: the one call any thread, or a signal handler, may make.
 *
 * The protocol is loop.AsyncRec's (loop/async.go): a sender counts itself
 * in gouv_busy while it touches the handle, sets gouv_pending and, if it
 * was the one to set it, wakes the loop. The loop takes the pending word
 * without ever waiting for a sender; only closing the handle waits for
 * gouv_busy to fall to 0. The loop's gouv_wakeup word makes one eventfd
 * write serve a burst of sends. Only async-signal-safe operations are
 * used: atomics and write(2). */
#include "capi.h"
#include "_cgo_export.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

/* An async handle is a light handle (docs/design.md, "Light handles"): its
 * state is the uv_async_t, and the Go loop links it into its list of async
 * handles when it drains the submission. It is active from birth. */
int uv_async_init(uv_loop_t* loop, uv_async_t* handle, uv_async_cb cb) {
  gouv_async_rec* a;

  if (handle == NULL || !gouv_loop_is_open(loop))
    return gouv_misuse("uv_async_init", handle);
  a = (gouv_async_rec*)(void*)&handle->gouv_async_cb;
  memset(a, 0, sizeof(*a));
  a->cb = cb;
  gouv_light_init(loop, (uv_handle_t*)handle, UV_ASYNC, GOUV_REC_ASYNC);
  gouv_light_activate((uv_handle_t*)handle);
  return 0;
}

int uv_async_send(uv_async_t* handle) {
  uv_loop_t* loop;
  int saved_errno;

  /* Coalesce: a send that is already pending covers this one. */
  if (__atomic_load_n(&handle->gouv_pending, __ATOMIC_RELAXED) != 0)
    return 0;
  __atomic_fetch_add(&handle->gouv_busy, 1, __ATOMIC_SEQ_CST);
  if (__atomic_exchange_n(&handle->gouv_pending, 1, __ATOMIC_SEQ_CST) == 0) {
    loop = handle->loop;
    if (__atomic_exchange_n(&loop->gouv_wakeup, 1, __ATOMIC_SEQ_CST) == 0) {
      static const uint64_t one = 1;
      saved_errno = errno;
      while (write(loop->gouv_wakeup_fd, &one, sizeof(one)) < 0 && errno == EINTR)
        ;
      errno = saved_errno;
    }
  }
  __atomic_fetch_add(&handle->gouv_busy, -1, __ATOMIC_SEQ_CST);
  return 0;
}
