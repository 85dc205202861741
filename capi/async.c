/* uv_async_send: the one call any thread, or a signal handler, may make.
 *
 * The handle's gouv_pending word moves idle(0) -> busy(1) -> pending(2);
 * the loop moves it back to idle when it runs the callback, and waits out
 * the busy window before it consumes or closes the handle. The loop's
 * gouv_wakeup word makes one eventfd write serve a burst of sends. Only
 * async-signal-safe operations are used: atomics and write(2). */
#include "capi.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

int uv_async_send(uv_async_t* handle) {
  int expected = 0;
  uv_loop_t* loop;
  int saved_errno;

  /* Coalesce: a send that is already pending covers this one. */
  if (__atomic_load_n(&handle->gouv_pending, __ATOMIC_RELAXED) != 0)
    return 0;
  if (!__atomic_compare_exchange_n(&handle->gouv_pending, &expected, 1, 0,
                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
    return 0;

  loop = handle->loop;
  if (__atomic_exchange_n(&loop->gouv_wakeup, 1, __ATOMIC_SEQ_CST) == 0) {
    static const uint64_t one = 1;
    saved_errno = errno;
    while (write(loop->gouv_wakeup_fd, &one, sizeof(one)) < 0 && errno == EINTR)
      ;
    errno = saved_errno;
  }

  __atomic_store_n(&handle->gouv_pending, 2, __ATOMIC_SEQ_CST);
  return 0;
}
