/* Host signal handlers on the alternate stack.
 *
 * A handler installed without SA_ONSTACK runs on whatever stack the thread
 * is using when the signal arrives. On a loop thread that is often a
 * goroutine stack of a few kilobytes (gouv's Go code runs there), which a
 * handler like Node's SIGTERM handler can overflow, corrupting memory or
 * faulting. While a thread runs Go code it has an alternate signal stack
 * (the Go runtime's, 32 KiB), so adding SA_ONSTACK to the host's handlers
 * makes them run there instead. The handler, its mask and its other flags
 * stay as the host set them. Synchronous fault signals are left to
 * fault.c. */
#include "capi.h"

#include <signal.h>
#include <stdint.h>
#include <time.h>

static int synchronous(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
         sig == SIGTRAP || sig == SIGKILL || sig == SIGSTOP;
}

/* Called as uv_run starts. A host installs its handlers before it runs
 * its loop, and rarely afterwards, so a sweep at most once a second is
 * enough for hosts that call uv_run(UV_RUN_NOWAIT) in a tight loop; a
 * UV_RUN_DEFAULT run always sweeps. */
void gouv_host_handlers_onstack(int force) {
  static uint64_t last_ns;
  struct timespec ts;
  uint64_t now, prev;
  int sig;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  prev = __atomic_load_n(&last_ns, __ATOMIC_RELAXED);
  if (!force && prev != 0 && now - prev < 1000000000u)
    return;
  __atomic_store_n(&last_ns, now, __ATOMIC_RELAXED);

  for (sig = 1; sig < NSIG; sig++) {
    struct sigaction sa;
    if (synchronous(sig) || sigaction(sig, NULL, &sa) != 0)
      continue;
    if (!(sa.sa_flags & SA_SIGINFO) &&
        (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN))
      continue;
    if (sa.sa_flags & SA_ONSTACK)
      continue;
    sa.sa_flags |= SA_ONSTACK;
    sigaction(sig, &sa, NULL);
  }
}
