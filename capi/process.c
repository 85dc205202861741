/* uv_spawn's C face: the options struct is const (which a Go export cannot
 * declare), libc's environ is read here, and SIGCHLD is checked. */
#define _GNU_SOURCE /* clone(2) */
#include "capi.h"
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "_cgo_export.h"

extern char** environ;

static void gouv__sigchld_noop(int signum, siginfo_t* info, void* uc) {
  (void)signum;
  (void)info;
  (void)uc;
}

/* A host that set SIGCHLD to SIG_IGN makes the kernel reap children
 * itself, and their exit statuses are lost. As libuv does when it spawns,
 * put a handler there (which does nothing: exits are learnt from pidfds). */
static void gouv__sigchld_keep_status(void) {
  struct sigaction cur, sa;
  if (sigaction(SIGCHLD, NULL, &cur) != 0)
    return;
  if ((cur.sa_flags & SA_SIGINFO) || cur.sa_handler != SIG_IGN)
    return;
  memset(&sa, 0, sizeof(sa));
  sigfillset(&sa.sa_mask);
  sa.sa_sigaction = gouv__sigchld_noop;
  sa.sa_flags = SA_ONSTACK | SA_RESTART | SA_SIGINFO | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
}

int uv_spawn(uv_loop_t* loop, uv_process_t* handle, const uv_process_options_t* options) {
  gouv__sigchld_keep_status();
  /* The options are only read. */
  return gouv_spawn(loop, handle, (uv_process_options_t*)options, environ);
}

void gouv_call_exit(void* fn, void* handle, int64_t exit_status, int term_signal) {
  ((uv_exit_cb)fn)((uv_process_t*)handle, exit_status, term_signal);
}

/* --- The child side of uv_spawn. ---
 *
 * After the fork only async-signal-safe system calls may run, and no Go:
 * that is why this part is C. The parent's Go code (io/process.go) has
 * already resolved the program on PATH and decided every descriptor; the
 * child only carries the plan out, in libuv's order: signals back to their
 * defaults, new session, descriptors, directory, credentials, an empty
 * signal mask, exec. An exec failure travels back to the parent as an
 * errno through a close-on-exec pipe, so uv_spawn returns it. */

struct gouv_child {
  const char* path;
  char** argv;
  char** envp;
  const char* cwd;
  const int* fds; /* fds[i]: the parent's descriptor for child fd i, or -1 */
  int nfds;
  unsigned nonblock; /* bit i: leave fd i (i < 3) non-blocking */
  int flags;         /* GOUV_SPAWN_* */
  uid_t uid;
  gid_t gid;
  int errfd;
};

static void gouv__child_fail(struct gouv_child* c, int err) {
  while (write(c->errfd, &err, sizeof(err)) < 0 && errno == EINTR)
    ;
  _exit(127);
}

static int gouv__child(void* arg) {
  struct gouv_child* c = arg;
  struct sigaction dfl;
  sigset_t empty;
  int i, s, fd;
  int moved[64];

  /* Handlers belong to the parent's memory; ignored signals would stay
   * ignored across exec. Every disposition goes back to the default. */
  memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  for (s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      sigaction(s, &dfl, NULL);

  if ((c->flags & GOUV_SPAWN_DETACHED) && setsid() < 0)
    gouv__child_fail(c, errno);

  /* Lift every source descriptor above the targets first, so that a dup2
   * onto fd i never clobbers a source still needed for a later one. */
  for (i = 0; i < c->nfds && i < 64; i++) {
    moved[i] = -1;
    if (c->fds[i] < 0)
      continue;
    if (c->fds[i] == i) {
      moved[i] = i;
      continue;
    }
    fd = fcntl(c->fds[i], F_DUPFD_CLOEXEC, c->nfds);
    if (fd < 0)
      gouv__child_fail(c, errno);
    moved[i] = fd;
  }
  for (i = 0; i < c->nfds && i < 64; i++) {
    if (moved[i] < 0)
      continue; /* ignored above 2: left as inherited, as libuv does */
    if (moved[i] == i) {
      fd = fcntl(i, F_GETFD);
      if (fd < 0 || fcntl(i, F_SETFD, fd & ~FD_CLOEXEC) < 0)
        gouv__child_fail(c, errno);
    } else if (dup2(moved[i], i) < 0) {
      gouv__child_fail(c, errno);
    }
    /* Children expect blocking stdio unless asked otherwise. */
    if (i <= 2 && !(c->nonblock & (1u << i))) {
      fd = fcntl(i, F_GETFL);
      if (fd >= 0 && (fd & O_NONBLOCK))
        fcntl(i, F_SETFL, fd & ~O_NONBLOCK);
    }
  }

  if (c->cwd != NULL && chdir(c->cwd) != 0)
    gouv__child_fail(c, errno);

  if (c->flags & (GOUV_SPAWN_SETUID | GOUV_SPAWN_SETGID)) {
    /* Supplementary groups go when privilege allows; without it, the
     * failure is harmless and ignored. */
    if (geteuid() == 0)
      setgroups(0, NULL);
  }
  if ((c->flags & GOUV_SPAWN_SETGID) && setgid(c->gid) != 0)
    gouv__child_fail(c, errno);
  if ((c->flags & GOUV_SPAWN_SETUID) && setuid(c->uid) != 0)
    gouv__child_fail(c, errno);

  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, NULL);
  execve(c->path, c->argv, c->envp);
  gouv__child_fail(c, errno);
  return 127;
}

int gouv_fork_exec(const char* path, char** argv, char** envp, const char* cwd, const int* fds,
                   int nfds, unsigned nonblock, int flags, unsigned uid, unsigned gid,
                   int* pid_out, int* pidfd_out) {
  enum { STACK = 64 * 1024 };
  struct gouv_child c;
  sigset_t all, old;
  int errpipe[2], pid, pidfd = -1, err = 0, saved_errno = errno;
  ssize_t n;
  char* stack;

  if (nfds > 64)
    return UV_EINVAL;
  if (pipe2(errpipe, O_CLOEXEC) != 0)
    return -errno;
  /* With CLONE_VM the child shares our memory but runs on its own stack,
   * and with CLONE_VFORK we sleep until it has exec'd or died, so a stack
   * from the heap, freed on return, is enough. */
  stack = malloc(STACK);
  if (stack == NULL) {
    close(errpipe[0]);
    close(errpipe[1]);
    return UV_ENOMEM;
  }
  c.path = path;
  c.argv = argv;
  c.envp = envp;
  c.cwd = cwd;
  c.fds = fds;
  c.nfds = nfds;
  c.nonblock = nonblock;
  c.flags = flags;
  c.uid = uid;
  c.gid = gid;
  c.errfd = errpipe[1];

  /* No handler of ours or the host's may run in the child before it has
   * reset them: it starts with everything blocked. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid = clone(gouv__child, stack + STACK, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &c,
              &pidfd);
  if (pid < 0 && errno == EINVAL) {
    /* A kernel before 5.2: no pidfd, the caller falls back. */
    pidfd = -1;
    pid = clone(gouv__child, stack + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
  }
  if (pid < 0)
    err = -errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  free(stack);
  close(errpipe[1]);

  if (pid > 0) {
    int child_errno;
    do
      n = read(errpipe[0], &child_errno, sizeof(child_errno));
    while (n < 0 && errno == EINTR);
    if (n == sizeof(child_errno)) {
      /* The exec failed: reap the child now, nothing is reported later. */
      err = -child_errno;
      while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
      if (pidfd >= 0)
        close(pidfd);
      pidfd = -1;
      pid = 0;
    }
  }
  close(errpipe[0]);
  *pid_out = pid > 0 ? pid : 0;
  *pidfd_out = pidfd;
  errno = saved_errno;
  return err;
}
