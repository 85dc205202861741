/* Fault-handler chaining (docs/design.md, "Signals and processes").
 *
 * The Go runtime handles SIGSEGV/SIGBUS/SIGFPE/SIGILL in its own code
 * (a nil dereference becomes a panic) and forwards other faults to the
 * handler that was there before it. A host such as V8 then installs its
 * own fault handler on top, which does not forward faults it does not
 * own: a fault in Go code would kill the process silently. So when a loop
 * is created and a host handler has replaced Go's, gouv installs a handler
 * above both that sends each fault by its program counter: inside this
 * library to Go's handler, anywhere else to the host's. */
#define _GNU_SOURCE /* REG_RIP, dl_iterate_phdr */
#include "capi.h"
#include "os.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

static const int fault_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#define NFAULT (sizeof(fault_sigs) / sizeof(fault_sigs[0]))

static struct sigaction go_act[NFAULT];   /* Go's, read right after it installed them */
static struct sigaction host_act[NFAULT]; /* what we replaced: the host's */
static int chained[NFAULT];
static uintptr_t text_start, text_end; /* our executable segment */
static pthread_mutex_t fault_mu = PTHREAD_MUTEX_INITIALIZER;

static int gouv__fault_index(int sig) {
  unsigned i;
  for (i = 0; i < NFAULT; i++)
    if (fault_sigs[i] == sig)
      return (int)i;
  return -1;
}

static void gouv__fault(int sig, siginfo_t* info, void* ucv) {
  ucontext_t* uc = ucv;
  uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  int i = gouv__fault_index(sig);
  struct sigaction* a;
  if (i < 0)
    return;
  a = (pc >= text_start && pc < text_end) ? &go_act[i] : &host_act[i];
  if (a->sa_flags & SA_SIGINFO) {
    a->sa_sigaction(sig, info, ucv);
    return;
  }
  if (a->sa_handler == SIG_IGN)
    return;
  if (a->sa_handler == SIG_DFL) {
    /* Take the default action: it is delivered when we return (the
     * signal is blocked while its handler runs). */
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  a->sa_handler(sig);
}

static int gouv__find_text(struct dl_phdr_info* info, size_t size, void* base) {
  int i;
  (void)size;
  if ((void*)info->dlpi_addr != base)
    return 0;
  /* Linked statically into the program (libgouv.a), our code is not a
   * range of its own apart from the host's: no chaining then, faults go
   * where they went before. */
  if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0')
    return 1;
  for (i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)* ph = &info->dlpi_phdr[i];
    uintptr_t lo, hi;
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    lo = info->dlpi_addr + ph->p_vaddr;
    hi = lo + ph->p_memsz;
    if (text_start == 0 || lo < text_start)
      text_start = lo;
    if (hi > text_end)
      text_end = hi;
  }
  return 1;
}

/* Runs after the Go runtime's constructor (see sigmask.c for the order):
 * the fault handlers in place now are Go's. */
__attribute__((constructor)) static void gouv_fault_init(void) {
  Dl_info dl;
  unsigned i;
  for (i = 0; i < NFAULT; i++)
    sigaction(fault_sigs[i], NULL, &go_act[i]);
  if (dladdr((void*)gouv_fault_init, &dl) != 0)
    dl_iterate_phdr(gouv__find_text, dl.dli_fbase);
}

void gouv_fault_chain(void) {
  unsigned i;
  pthread_mutex_lock(&fault_mu);
  for (i = 0; i < NFAULT; i++) {
    struct sigaction cur, sa;
    if (chained[i] || text_end == 0 || !(go_act[i].sa_flags & SA_SIGINFO))
      continue;
    if (sigaction(fault_sigs[i], NULL, &cur) != 0)
      continue;
    /* Still Go's: Go forwards foreign faults itself, nothing to do. */
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == go_act[i].sa_sigaction)
      continue;
    if (!(cur.sa_flags & SA_SIGINFO) && cur.sa_handler == SIG_DFL)
      continue;
    host_act[i] = cur;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = gouv__fault;
    sa.sa_flags = SA_ONSTACK | SA_RESTART | SA_SIGINFO;
    /* The host's handler ran with its own mask; keep it. */
    sa.sa_mask = cur.sa_mask;
    if (sigaction(fault_sigs[i], &sa, NULL) == 0)
      chained[i] = 1;
  }
  pthread_mutex_unlock(&fault_mu);
}
