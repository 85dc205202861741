/* The loop's blocking wait, in C so that it runs on the thread's own
 * stack: a host signal handler installed without SA_ONSTACK (Node's
 * SIGINT/SIGTERM handlers are) that interrupts the wait runs there, where
 * libuv would run it, and not on the small goroutine stack Go code uses. */
#include "capi.h"

#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>

int gouv_epoll_wait(int epfd, uintptr_t buf, int maxevents, int timeout,
                    int block_sigprof) {
  struct epoll_event* events = (struct epoll_event*)buf;
  int n;
  if (block_sigprof) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPROF);
    n = epoll_pwait(epfd, events, maxevents, timeout, &set);
  } else {
    n = epoll_wait(epfd, events, maxevents, timeout);
  }
  return n < 0 ? -errno : n;
}
