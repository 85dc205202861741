/* Measures what a process pays for its libuv: threads, resident memory and
 * signal dispositions at each step of a small loop's life, and what fork()
 * and dlclose() do. Built once against the system's libuv 1.44 and run
 * twice by scripts/measure.sh: as is, and with gouv's libuv.so.1 first on
 * LD_LIBRARY_PATH (the drop-in way), so both runs execute the same binary.
 *
 *   footprint steps      one line per step: threads, VmRSS, SigCgt (the
 *                        last steps: the thread pool's first work item, and
 *                        uv_loop_close)
 *   footprint fork       a child (no exec) calls uv_loop_fork and runs a timer
 *   footprint sigpipe    writes to a pipe without a reader on the main thread
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

static int count_threads(void) {
  DIR* d = opendir("/proc/self/task");
  struct dirent* e;
  int n = 0;
  if (d == NULL) return -1;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

/* The value of a "Key:" line of /proc/self/status, without spaces. */
static void status_field(const char* key, char* out, size_t size) {
  char line[256];
  FILE* f = fopen("/proc/self/status", "r");
  size_t klen = strlen(key);
  out[0] = '\0';
  if (f == NULL) return;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
      char* v = line + klen + 1;
      while (*v == ' ' || *v == '\t') v++;
      v[strcspn(v, " \n")] = '\0';
      snprintf(out, size, "%s", v);
      break;
    }
  }
  fclose(f);
}

static void report(const char* step) {
  char rss[64], cgt[64];
  status_field("VmRSS", rss, sizeof rss);
  status_field("SigCgt", cgt, sizeof cgt);
  printf("%-28s threads=%d rss_kb=%s sigcgt=%s\n", step, count_threads(), rss, cgt);
  fflush(stdout);
}

/* The blocked-signal masks of the threads other than this one (the ones
 * the library started), each distinct mask once. */
static void report_thread_masks(void) {
  DIR* d = opendir("/proc/self/task");
  struct dirent* e;
  char seen[8][32];
  int nseen = 0, i;
  printf("other threads' SigBlk:");
  while (d != NULL && (e = readdir(d)) != NULL) {
    char path[300], line[256];
    FILE* f;
    if (e->d_name[0] == '.' || atoi(e->d_name) == (int)getpid()) continue;
    snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
    if ((f = fopen(path, "r")) == NULL) continue;
    while (fgets(line, sizeof line, f) != NULL) {
      if (strncmp(line, "SigBlk:", 7) == 0) {
        char* v = line + 7;
        while (*v == ' ' || *v == '\t') v++;
        v[strcspn(v, "\n")] = '\0';
        for (i = 0; i < nseen && strcmp(seen[i], v) != 0; i++) {
        }
        if (i == nseen && nseen < 8) {
          snprintf(seen[nseen++], sizeof seen[0], "%s", v);
          printf(" %s", v);
        }
      }
    }
    fclose(f);
  }
  if (d != NULL) closedir(d);
  printf("%s\n", nseen ? "" : " (none)");
}

static int ticks;
static void on_tick(uv_timer_t* t) {
  if (++ticks == 100) uv_close((uv_handle_t*)t, NULL);
}

static int works_done;
static void work_cb(uv_work_t* req) {
  (void)req;
}
/* Blocks its worker for 50 ms, as a host's blocking call would. */
static void blocking_work_cb(uv_work_t* req) {
  (void)req;
  usleep(50 * 1000);
}
static void after_work_cb(uv_work_t* req, int status) {
  (void)req;
  if (status == 0) works_done++;
}

static int steps(void) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_work_t work[4];
  int i;
  report("start (library loaded)");
  if (uv_loop_init(&loop) != 0) return 1;
  report("after uv_loop_init");
  uv_run(&loop, UV_RUN_DEFAULT); /* an empty loop: returns at once */
  report("after an empty uv_run");
  uv_timer_init(&loop, &timer);
  uv_timer_start(&timer, on_tick, 1, 1);
  uv_run(&loop, UV_RUN_DEFAULT); /* 100 iterations of a 1 ms timer */
  report("after 100 timer iterations");
  /* The thread pool starts on first use, with UV_THREADPOOL_SIZE workers. */
  uv_queue_work(&loop, &work[0], work_cb, after_work_cb);
  uv_run(&loop, UV_RUN_DEFAULT);
  report("after one uv_queue_work");
  /* Four blocking items at once: every worker busy at the same time. */
  for (i = 0; i < 4; i++) uv_queue_work(&loop, &work[i], blocking_work_cb, after_work_cb);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (works_done != 5) printf("work items completed: %d of 5\n", works_done);
  report("after 4 blocking work items");
  uv_loop_close(&loop);
  report("after uv_loop_close");
  report_thread_masks();
  return 0;
}

static void on_child_timer(uv_timer_t* t) {
  uv_close((uv_handle_t*)t, NULL);
}

/* What a child forked without exec gets: uv_loop_fork's answer, then
 * whether a 1 ms timer still runs (the parent times the child out). */
static int fork_child(void) {
  uv_loop_t* loop = uv_default_loop();
  pid_t pid;
  int status;
  uv_run(loop, UV_RUN_NOWAIT);
  pid = fork();
  if (pid == 0) {
    uv_timer_t t;
    int rc = uv_loop_fork(loop);
    printf("child: threads=%d, uv_loop_fork = %d (%s)\n", count_threads(), rc,
           rc ? uv_err_name(rc) : "ok");
    fflush(stdout);
    alarm(5);
    uv_timer_init(loop, &t);
    uv_timer_start(&t, on_child_timer, 1, 0);
    uv_run(loop, UV_RUN_DEFAULT);
    printf("child: a timer ran after fork\n");
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status))
    printf("parent: child killed by signal %d (%s)\n", WTERMSIG(status),
           WTERMSIG(status) == SIGALRM ? "hung 5 s, SIGALRM" : strsignal(WTERMSIG(status)));
  else
    printf("parent: child exited with %d\n", WEXITSTATUS(status));
  return 0;
}

/* A write to a pipe with no reader, on the main (host) thread, with no
 * SIGPIPE disposition set by the host: killed by SIGPIPE, or EPIPE? */
static int broken_pipe(void) {
  int fds[2];
  ssize_t n;
  if (pipe(fds) != 0) return 1;
  close(fds[0]);
  n = write(fds[1], "x", 1);
  printf("write to a broken pipe returned %d (%s): the process survived\n", (int)n,
         n < 0 ? strerror(errno) : "?");
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "sigpipe") == 0) return broken_pipe();
  if (argc > 1 && strcmp(argv[1], "fork") == 0) return fork_child();
  printf("library %s (uv_version 0x%06x)\n", uv_version_string(), uv_version());
  return steps();
}
