/* uv_spawn and friends: exit statuses, signals, stdio wiring, environment,
 * errors, many children, and hosts that ignore SIGCHLD. */
#define _GNU_SOURCE /* pipe2 */
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int exits;
static int64_t last_status;
static int last_signal;

static void on_exit_close(uv_process_t* p, int64_t status, int sig) {
  exits++;
  last_status = status;
  last_signal = sig;
  CHECK(!uv_is_active((uv_handle_t*)p));
  uv_close((uv_handle_t*)p, NULL);
}

/* run_sh runs `sh -c script` with the given stdio and returns the exit
 * status after the loop ends. */
static int64_t run_sh(const char* script, uv_stdio_container_t* stdio, int n, char** env,
                      const char* cwd) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {"sh", "-c", (char*)script, NULL};
  memset(&o, 0, sizeof(o));
  o.file = "sh";
  o.args = args;
  o.exit_cb = on_exit_close;
  o.stdio = stdio;
  o.stdio_count = n;
  o.env = env;
  o.cwd = cwd;
  exits = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_spawn(&loop, &p, &o), 0);
  CHECK(p.pid > 0);
  CHECK_EQ(uv_process_get_pid(&p), p.pid);
  CHECK(uv_is_active((uv_handle_t*)&p));
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exits, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
  return last_status;
}

TEST(spawn_reports_exit_codes) {
  CHECK_EQ(run_sh("exit 0", NULL, 0, NULL, NULL), 0);
  CHECK_EQ(last_signal, 0);
  CHECK_EQ(run_sh("exit 1", NULL, 0, NULL, NULL), 1);
  CHECK_EQ(run_sh("exit 42", NULL, 0, NULL, NULL), 42);
  CHECK_EQ(run_sh("exit 255", NULL, 0, NULL, NULL), 255);
  CHECK_EQ(last_signal, 0);
}

static void count_noop(uv_signal_t* h, int signum) {
  (void)h;
  (void)signum;
}

static void kill_and_wait(int signum) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {"sleep", "30", NULL};
  memset(&o, 0, sizeof(o));
  o.file = "sleep";
  o.args = args;
  o.exit_cb = on_exit_close;
  exits = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_spawn(&loop, &p, &o), 0);
  CHECK_EQ(uv_process_kill(&p, 0), 0);
  CHECK_EQ(uv_process_kill(&p, signum), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exits, 1);
  CHECK_EQ(last_status, 0);
  CHECK_EQ(last_signal, signum);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(spawn_reports_termination_by_signal) {
  kill_and_wait(SIGTERM);
  kill_and_wait(SIGKILL);
}

static void on_exit_keep(uv_process_t* p, int64_t status, int sig) {
  (void)p;
  exits++;
  last_status = status;
  last_signal = sig;
}

TEST(kill_after_exit_is_esrch) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {"true", NULL};
  memset(&o, 0, sizeof(o));
  o.file = "true";
  o.args = args;
  o.exit_cb = on_exit_keep;
  exits = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_spawn(&loop, &p, &o), 0);
  CHECK_EQ(uv_process_kill(&p, 999), UV_EINVAL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exits, 1);
  CHECK_EQ(uv_process_kill(&p, SIGTERM), UV_ESRCH);
  CHECK_EQ(uv_kill(p.pid, SIGTERM), UV_ESRCH);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int spawn_error(const char* file) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {(char*)file, NULL};
  int r;
  memset(&o, 0, sizeof(o));
  o.file = file;
  o.args = args;
  o.exit_cb = on_exit_close;
  CHECK_EQ(uv_loop_init(&loop), 0);
  r = uv_spawn(&loop, &p, &o);
  CHECK(!uv_is_active((uv_handle_t*)&p));
  /* A failed spawn still leaves a handle to close. */
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  return r;
}

TEST(spawn_fails_synchronously_for_missing_or_unexecutable_file) {
  char path[] = "/tmp/gouv-noexec-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "#!/bin/sh\n", 10), 10);
  close(fd);
  CHECK_EQ(chmod(path, 0644), 0);
  CHECK_EQ(spawn_error("/no/such/program"), UV_ENOENT);
  CHECK_EQ(spawn_error("no-such-program-gouv"), UV_ENOENT);
  CHECK_EQ(spawn_error(path), UV_EACCES);
  unlink(path);
  /* No zombie was left by the failures. */
  CHECK_EQ(waitpid(-1, NULL, WNOHANG), -1);
  CHECK_EQ(errno, ECHILD);
}

static int spawn_stdio_error(uv_stdio_container_t* stdio, int n) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {"true", NULL};
  int r;
  memset(&o, 0, sizeof(o));
  o.file = "true";
  o.args = args;
  o.stdio = stdio;
  o.stdio_count = n;
  CHECK_EQ(uv_loop_init(&loop), 0);
  r = uv_spawn(&loop, &p, &o);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  return r;
}

TEST(spawn_rejects_bad_stdio) {
  uv_stdio_container_t stdio[2];
  uv_pipe_t not_a_pipe;
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = -1;
  CHECK_EQ(spawn_stdio_error(stdio, 2), UV_EINVAL);
  /* UV_CREATE_PIPE needs a uv_pipe_t. */
  memset(&not_a_pipe, 0, sizeof(not_a_pipe));
  not_a_pipe.type = UV_TCP;
  stdio[1].flags = UV_CREATE_PIPE;
  stdio[1].data.stream = (uv_stream_t*)&not_a_pipe;
  CHECK_EQ(spawn_stdio_error(stdio, 2), UV_EINVAL);
  /* A descriptor that is not open fails in the child, reported here. */
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 999;
  CHECK_EQ(spawn_stdio_error(stdio, 2), UV_EBADF);
  CHECK_EQ(waitpid(-1, NULL, WNOHANG), -1);
}

TEST(spawn_inherits_fd_for_stdout) {
  int fds[2];
  char buf[64];
  ssize_t n;
  uv_stdio_container_t stdio[3];
  CHECK_EQ(pipe(fds), 0);
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = fds[1];
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  CHECK_EQ(run_sh("echo hello; echo err >&2 2>/dev/null", stdio, 3, NULL, NULL), 0);
  close(fds[1]);
  n = read(fds[0], buf, sizeof(buf) - 1);
  CHECK_EQ(n, 6);
  buf[n] = '\0';
  CHECK(strcmp(buf, "hello\n") == 0);
  close(fds[0]);
}

TEST(spawn_ignored_stdio_is_dev_null) {
  uv_stdio_container_t stdio[5];
  int fds[2];
  int i;
  CHECK_EQ(pipe(fds), 0);
  for (i = 0; i < 5; i++)
    stdio[i].flags = UV_IGNORE;
  /* Descriptor 4 is inherited; 3 is ignored (left as it was). */
  stdio[4].flags = UV_INHERIT_FD;
  stdio[4].data.fd = fds[1];
  CHECK_EQ(run_sh("test \"$(readlink /proc/$$/fd/0)\" = /dev/null || exit 1;"
                  "test \"$(readlink /proc/$$/fd/1)\" = /dev/null || exit 2;"
                  "test \"$(readlink /proc/$$/fd/2)\" = /dev/null || exit 3;"
                  "echo x >&4 || exit 4; exit 9",
                  stdio, 5, NULL, NULL),
           9);
  close(fds[0]);
  close(fds[1]);
}

TEST(spawn_honours_env_and_cwd) {
  char* env[] = {"GOUV_FOO=bar baz", "PATH=/usr/bin:/bin", NULL};
  CHECK_EQ(run_sh("test \"$GOUV_FOO\" = 'bar baz' || exit 1;"
                  "test \"$(pwd)\" = / || exit 2;"
                  "test -z \"$HOME\" || exit 3; exit 7",
                  NULL, 0, env, "/"),
           7);
  /* Without env, the parent's environment, as the host set it. */
  setenv("GOUV_FROM_HOST", "yes", 1);
  CHECK_EQ(run_sh("test \"$GOUV_FROM_HOST\" = yes && exit 8", NULL, 0, NULL, NULL), 8);
  unsetenv("GOUV_FROM_HOST");
}

TEST(spawn_detached_child_outlives_its_handle) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {"sleep", "30", NULL};
  int pid, status;
  memset(&o, 0, sizeof(o));
  o.file = "sleep";
  o.args = args;
  o.flags = UV_PROCESS_DETACHED;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_spawn(&loop, &p, &o), 0);
  pid = p.pid;
  uv_unref((uv_handle_t*)&p);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  /* Still running, in its own session. */
  CHECK_EQ(kill(pid, 0), 0);
  CHECK_EQ(getsid(pid), pid);
  CHECK_EQ(uv_kill(pid, SIGKILL), 0);
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST(spawn_sets_uid_and_gid) {
  uv_loop_t loop;
  uv_process_t p;
  uv_process_options_t o;
  char* args[] = {"sh", "-c", "test $(id -u) = 65534 && test $(id -g) = 65534 && exit 12", NULL};
  memset(&o, 0, sizeof(o));
  o.file = "sh";
  o.args = args;
  o.exit_cb = on_exit_close;
  o.flags = UV_PROCESS_SETUID | UV_PROCESS_SETGID;
  o.uid = 65534;
  o.gid = 65534;
  exits = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  if (getuid() != 0) {
    /* Without privilege the child cannot switch: reported by uv_spawn. */
    CHECK_EQ(uv_spawn(&loop, &p, &o), UV_EPERM);
    uv_close((uv_handle_t*)&p, NULL);
  } else {
    CHECK_EQ(uv_spawn(&loop, &p, &o), 0);
  }
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  if (getuid() == 0) {
    CHECK_EQ(exits, 1);
    CHECK_EQ(last_status, 12);
  }
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static int many_exits;

static void on_many_exit(uv_process_t* p, int64_t status, int sig) {
  CHECK_EQ(status, 3);
  CHECK_EQ(sig, 0);
  many_exits++;
  uv_close((uv_handle_t*)p, NULL);
}

TEST(spawn_200_children_all_reaped) {
  enum { N = 200 };
  static uv_process_t procs[N];
  uv_loop_t loop;
  uv_process_options_t o;
  char* args[] = {"sh", "-c", "exit 3", NULL};
  int i;
  memset(&o, 0, sizeof(o));
  o.file = "/bin/sh";
  o.args = args;
  o.exit_cb = on_many_exit;
  many_exits = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  for (i = 0; i < N; i++)
    CHECK_EQ(uv_spawn(&loop, &procs[i], &o), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(many_exits, N);
  CHECK_EQ(uv_loop_close(&loop), 0);
  CHECK_EQ(waitpid(-1, NULL, WNOHANG), -1);
  CHECK_EQ(errno, ECHILD);
}

TEST(spawn_with_sigchld_ignored_still_reports_exit) {
  signal(SIGCHLD, SIG_IGN);
  CHECK_EQ(run_sh("exit 5", NULL, 0, NULL, NULL), 5);
  signal(SIGCHLD, SIG_DFL);
}

static volatile int busy_stop;

static void* busy_thread(void* arg) {
  volatile unsigned long n = 0;
  (void)arg;
  while (!busy_stop)
    n++;
  return NULL;
}

TEST(spawn_while_host_thread_busy) {
  pthread_t t;
  int i;
  busy_stop = 0;
  CHECK_EQ(pthread_create(&t, NULL, busy_thread, NULL), 0);
  for (i = 0; i < 5; i++)
    CHECK_EQ(run_sh("exit 4", NULL, 0, NULL, NULL), 4);
  busy_stop = 1;
  CHECK_EQ(pthread_join(t, NULL), 0);
}

/* The child's signal state starts clean: default dispositions and an empty
 * mask, whatever the host ignored or blocked. */
TEST(spawn_child_starts_with_clean_signal_state) {
  sigset_t set, old;
  struct sigaction ign, oldpipe, oldint;
  memset(&ign, 0, sizeof(ign));
  ign.sa_handler = SIG_IGN;
  CHECK_EQ(sigaction(SIGPIPE, &ign, &oldpipe), 0);
  CHECK_EQ(sigaction(SIGINT, &ign, &oldint), 0);
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK_EQ(pthread_sigmask(SIG_BLOCK, &set, &old), 0);
  /* Only the bits the host set are checked. The shell reads its own
   * status with its builtin read, in-process: a command substitution would
   * read it from a child while the shell waits for that child with every
   * signal blocked (dash does), which failed now and then on both
   * libraries. SIGINT|SIGPIPE is 0x1002, SIGUSR1 is 0x200. */
  CHECK_EQ(run_sh("while read k v; do case $k in"
                  " SigIgn:) ign=$v;; SigBlk:) blk=$v;; esac; done < /proc/$$/status;"
                  "[ $((0x$ign & 0x1002)) = 0 ] || exit 1;"
                  "[ $((0x$blk & 0x200)) = 0 ] || exit 2;"
                  "exit 6",
                  NULL, 0, NULL, NULL),
           6);
  CHECK_EQ(pthread_sigmask(SIG_SETMASK, &old, NULL), 0);
  CHECK_EQ(sigaction(SIGPIPE, &oldpipe, NULL), 0);
  CHECK_EQ(sigaction(SIGINT, &oldint, NULL), 0);
}

/* The child sees none of the library's own descriptors (epoll, eventfds,
 * pidfds, /dev/null): they are all close-on-exec. */
TEST(spawn_leaks_no_library_fd_into_child) {
  uv_loop_t loop;
  uv_signal_t sig;
  uv_process_t sleeper;
  uv_process_options_t o;
  char* sleep_args[] = {"sleep", "30", NULL};
  uv_stdio_container_t stdio[3];
  int fds[2], n, fd, flags;
  char buf[512], *tok, *save, path[64], target[256];
  ssize_t len;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_signal_init(&loop, &sig), 0);
  CHECK_EQ(uv_signal_start(&sig, count_noop, SIGUSR1), 0);
  memset(&o, 0, sizeof(o));
  o.file = "sleep";
  o.args = sleep_args;
  CHECK_EQ(uv_spawn(&loop, &sleeper, &o), 0);
  CHECK_EQ(pipe2(fds, O_CLOEXEC), 0);
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = fds[1];
  stdio[2].flags = UV_IGNORE;
  CHECK_EQ(run_sh("ls /proc/$$/fd", stdio, 3, NULL, NULL), 0);
  close(fds[1]);
  n = read(fds[0], buf, sizeof(buf) - 1);
  CHECK(n > 0);
  buf[n] = '\0';
  close(fds[0]);
  for (tok = strtok_r(buf, "\n", &save); tok != NULL; tok = strtok_r(NULL, "\n", &save)) {
    fd = atoi(tok);
    if (fd <= 2)
      continue;
    /* Anything else must be one the test process itself leaves open,
     * not an epoll set, eventfd or pidfd of the library. */
    flags = fcntl(fd, F_GETFD);
    CHECK(flags >= 0 && !(flags & FD_CLOEXEC));
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    len = readlink(path, target, sizeof(target) - 1);
    CHECK(len > 0);
    target[len] = '\0';
    CHECK(strstr(target, "anon_inode") == NULL);
  }
  CHECK_EQ(uv_process_kill(&sleeper, SIGKILL), 0);
  uv_close((uv_handle_t*)&sig, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  uv_close((uv_handle_t*)&sleeper, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  waitpid(-1, NULL, WNOHANG);
}

/* --- UV_CREATE_PIPE: the child's stdio through uv_pipe_t. --- */

static char captured[256];
static size_t captured_len;

static void alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h;
  (void)size;
  buf->base = captured + captured_len;
  buf->len = sizeof(captured) - 1 - captured_len;
}

static void read_cb(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)buf;
  if (n > 0) {
    captured_len += n;
    return;
  }
  if (n < 0)
    uv_close((uv_handle_t*)s, NULL);
}

TEST(spawn_captures_stdout_through_pipe) {
  uv_loop_t loop;
  uv_process_t p;
  uv_pipe_t out;
  uv_process_options_t o;
  uv_stdio_container_t stdio[2];
  char* args[] = {"sh", "-c", "echo captured", NULL};
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &out, 0), 0);
  memset(&o, 0, sizeof(o));
  o.file = "sh";
  o.args = args;
  o.exit_cb = on_exit_close;
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[1].data.stream = (uv_stream_t*)&out;
  o.stdio = stdio;
  o.stdio_count = 2;
  captured_len = 0;
  exits = 0;
  CHECK_EQ(uv_spawn(&loop, &p, &o), 0);
  CHECK_EQ(uv_read_start((uv_stream_t*)&out, alloc_cb, read_cb), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exits, 1);
  captured[captured_len] = '\0';
  CHECK(strcmp(captured, "captured\n") == 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

static void write_cb(uv_write_t* req, int status) {
  CHECK_EQ(status, 0);
  uv_close((uv_handle_t*)req->handle, NULL);
}

TEST(spawn_feeds_stdin_through_pipe) {
  uv_loop_t loop;
  uv_process_t p;
  uv_pipe_t in;
  uv_write_t req;
  uv_buf_t buf = uv_buf_init("fed\n", 4);
  uv_process_options_t o;
  uv_stdio_container_t stdio[1];
  char* args[] = {"sh", "-c", "read line; test \"$line\" = fed && exit 11", NULL};
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &in, 0), 0);
  memset(&o, 0, sizeof(o));
  o.file = "sh";
  o.args = args;
  o.exit_cb = on_exit_close;
  stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
  stdio[0].data.stream = (uv_stream_t*)&in;
  o.stdio = stdio;
  o.stdio_count = 1;
  exits = 0;
  CHECK_EQ(uv_spawn(&loop, &p, &o), 0);
  CHECK_EQ(uv_write(&req, (uv_stream_t*)&in, &buf, 1, write_cb), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exits, 1);
  CHECK_EQ(last_status, 11);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
