/* Asynchronous signals never reach a Go-created thread (DESIGN, "Signals
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
 * test_signal.go_threads_block_async_signals checks the outcome. */
#include "capi.h"
#include "os.h"

#include <pthread.h>
#include <signal.h>

static sigset_t gouv_loader_mask;
static int gouv_loader_mask_saved;

/* gouv_async_signals fills set with the signals a host may expect on its
 * threads: everything but the synchronous faults, which must reach the
 * faulting thread, and SIGURG, SIGCHLD, SIGPROF and SIGPIPE, which the Go
 * runtime needs or unblocks on its threads anyway. */
void gouv_async_signals(sigset_t* set) {
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
