/* Process-wide signal handlers for uv_signal_t (see io/signal.go for the
 * protocol). They are C because they run in signal context on whatever
 * host thread the kernel picks: they only add to a counter and write to
 * eventfds, both async-signal-safe. */
#include "capi.h"
#include "os.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define GOUV_SIG_MAX 64
#define GOUV_SIG_SLOTS 1024

/* Deliveries per signal, read by every loop (atomically). */
uint64_t gouv_sig_counts[GOUV_SIG_MAX + 1];

/* One slot per loop that watches signals: its eventfd and the signals it
 * wants (bit signum-1). fd is -1 when the slot is free. */
static struct {
  int fd;
  uint64_t mask;
} slots[GOUV_SIG_SLOTS];
static int slots_used; /* high-water mark: the handler scans that far */
static int in_handler; /* handlers running now; Unregister waits for 0 */

static pthread_mutex_t sig_mu = PTHREAD_MUTEX_INITIALIZER;
static int installs[GOUV_SIG_MAX + 1];
static struct sigaction saved[GOUV_SIG_MAX + 1];

static void gouv__sig_handler(int signum, siginfo_t* info, void* uc) {
  int saved_errno = errno;
  uint64_t one = 1, bit;
  int i, n;
  (void)info;
  (void)uc;
  if (signum <= 0 || signum > GOUV_SIG_MAX)
    return;
  __atomic_fetch_add(&in_handler, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&gouv_sig_counts[signum], 1, __ATOMIC_SEQ_CST);
  bit = (uint64_t)1 << (signum - 1);
  n = __atomic_load_n(&slots_used, __ATOMIC_ACQUIRE);
  for (i = 0; i < n; i++) {
    int fd = __atomic_load_n(&slots[i].fd, __ATOMIC_ACQUIRE);
    if (fd < 0 || !(__atomic_load_n(&slots[i].mask, __ATOMIC_ACQUIRE) & bit))
      continue;
    /* EAGAIN means the counter is already non-zero: the loop will wake. */
    while (write(fd, &one, sizeof(one)) < 0 && errno == EINTR)
      ;
  }
  __atomic_fetch_sub(&in_handler, 1, __ATOMIC_SEQ_CST);
  errno = saved_errno;
}

int gouv_sig_install(int signum) {
  int r = 0;
  if (signum <= 0 || signum > GOUV_SIG_MAX)
    return UV_EINVAL;
  pthread_mutex_lock(&sig_mu);
  if (installs[signum] == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    /* Full mask: the handler never nests with another of ours. ONSTACK
     * because a Go-created thread may still take it (docs/design.md, "Signals and processes"). */
    sigfillset(&sa.sa_mask);
    sa.sa_sigaction = gouv__sig_handler;
    sa.sa_flags = SA_ONSTACK | SA_RESTART | SA_SIGINFO;
    if (sigaction(signum, &sa, &saved[signum]) != 0)
      r = -errno;
  }
  if (r == 0)
    installs[signum]++;
  pthread_mutex_unlock(&sig_mu);
  return r;
}

void gouv_sig_uninstall(int signum) {
  if (signum <= 0 || signum > GOUV_SIG_MAX)
    return;
  pthread_mutex_lock(&sig_mu);
  if (installs[signum] > 0 && --installs[signum] == 0) {
    /* libuv puts back the default action; we put back what we replaced,
     * which is the default unless the host or Go had a handler there. */
    sigaction(signum, &saved[signum], NULL);
  }
  pthread_mutex_unlock(&sig_mu);
}

int gouv_sig_register(int fd) {
  int i, r = UV_ENOMEM;
  pthread_mutex_lock(&sig_mu);
  for (i = 0; i < GOUV_SIG_SLOTS; i++) {
    if (i >= slots_used || slots[i].fd < 0) {
      __atomic_store_n(&slots[i].mask, 0, __ATOMIC_RELEASE);
      __atomic_store_n(&slots[i].fd, fd, __ATOMIC_RELEASE);
      if (i >= slots_used)
        __atomic_store_n(&slots_used, i + 1, __ATOMIC_RELEASE);
      r = i;
      break;
    }
  }
  pthread_mutex_unlock(&sig_mu);
  return r;
}

void gouv_sig_set_mask(int slot, uint64_t mask) {
  if (slot >= 0 && slot < GOUV_SIG_SLOTS)
    __atomic_store_n(&slots[slot].mask, mask, __ATOMIC_RELEASE);
}

void gouv_sig_unregister(int slot) {
  if (slot < 0 || slot >= GOUV_SIG_SLOTS)
    return;
  pthread_mutex_lock(&sig_mu);
  __atomic_store_n(&slots[slot].mask, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&slots[slot].fd, -1, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&sig_mu);
  /* A handler that read the old fd may still be writing to it: wait until
   * none runs, so the caller can close the descriptor safely. Handlers
   * are short, so this spins for microseconds at worst. */
  while (__atomic_load_n(&in_handler, __ATOMIC_SEQ_CST) != 0)
    sched_yield();
}

void gouv_call_signal(void* fn, void* handle, int signum) {
  ((uv_signal_cb)fn)((uv_signal_t*)handle, signum);
}

/* --- The signal mask of Go-created threads. ---
 *
 * Asynchronous signals never reach a Go-created thread (docs/design.md, "Signals
 * and processes"): hosts install handlers without SA_ONSTACK, and such a
 * handler running on a goroutine's small stack crashes the process.
 *
 * Every thread the Go runtime creates inherits the signal mask of the
 * thread that ran the runtime's own library constructor
 * (_rt0_amd64_linux_lib, an unprioritised .init_array entry, which starts
 * the runtime's first thread and returns). So a prioritised constructor,
 * which the linker places before every unprioritised one, blocks those
 * signals first, and an unprioritised one, linked after the runtime's,
 * gives the loading thread its mask back. The host's threads keep theirs.
 * test_signal.go_threads_block_async_signals checks the outcome.
 *
 * They live in this file, not one of their own, because a static link
 * (libgouv.a) only takes the objects something refers to, and Go refers
 * to this one. */

static sigset_t gouv_loader_mask;
static int gouv_loader_mask_saved;

/* gouv_async_signals fills set with the signals a host may expect on its
 * threads: everything but the synchronous faults, which must reach the
 * faulting thread, and SIGURG, SIGCHLD, SIGPROF and SIGPIPE, which the Go
 * runtime needs or unblocks on its threads anyway. */
static void gouv_async_signals(sigset_t* set) {
  static const int sigs[] = {SIGHUP,  SIGINT,    SIGQUIT,  SIGUSR1, SIGUSR2, SIGALRM,
                             SIGTERM, SIGSTKFLT, SIGCONT,  SIGTSTP, SIGTTIN, SIGTTOU,
                             SIGXCPU, SIGXFSZ,   SIGVTALRM, SIGWINCH, SIGIO,
                             SIGPWR};
  unsigned i;
  int s;
  sigemptyset(set);
  for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
    sigaddset(set, sigs[i]);
  for (s = SIGRTMIN; s <= SIGRTMAX; s++)
    sigaddset(set, s);
}

__attribute__((constructor(101))) static void gouv_block_before_go(void) {
  sigset_t set;
  gouv_async_signals(&set);
  if (pthread_sigmask(SIG_BLOCK, &set, &gouv_loader_mask) == 0)
    gouv_loader_mask_saved = 1;
}

__attribute__((constructor)) static void gouv_unblock_after_go(void) {
  if (gouv_loader_mask_saved)
    pthread_sigmask(SIG_SETMASK, &gouv_loader_mask, NULL);
  gouv_loader_mask_saved = 0;
}
