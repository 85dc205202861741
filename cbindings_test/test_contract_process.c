/* The process page of libuv 1.44's documentation, sentence by sentence,
 * where test_process.c leaves a gap: a NULL environment, the pid member and
 * getter, UV_INHERIT_STREAM, detached children and the loop, and the flags
 * that only mean something on Windows. See docs/contract.md. */
#define _GNU_SOURCE
#include <uv.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static int exit_calls;
static int64_t exit_status = -1;
static int term_signal = -1;

static void record_exit(uv_process_t* p, int64_t status, int sig) {
  exit_calls++;
  exit_status = status;
  term_signal = sig;
  uv_close((uv_handle_t*)p, NULL);
}

static int spawn_sh(uv_loop_t* loop, uv_process_t* p, const char* script,
                    unsigned flags, uv_stdio_container_t* stdio, int nstdio) {
  uv_process_options_t o;
  char* args[4];
  args[0] = "/bin/sh";
  args[1] = "-c";
  args[2] = (char*)script;
  args[3] = NULL;
  memset(&o, 0, sizeof o);
  o.file = "/bin/sh";
  o.args = args;
  o.exit_cb = record_exit;
  o.flags = flags;
  o.stdio = stdio;
  o.stdio_count = nstdio;
  return uv_spawn(loop, p, &o);
}

TEST(spawn_with_a_null_env_gives_the_child_the_parents_environment) {
  uv_loop_t loop;
  uv_process_t p;
  CHECK_EQ(setenv("GOUV_CONTRACT_MARK", "inherited", 1), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(spawn_sh(&loop, &p, "test \"$GOUV_CONTRACT_MARK\" = inherited", 0,
                    NULL, 0),
           0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exit_calls, 1);
  CHECK_EQ(exit_status, 0);
  CHECK_EQ(term_signal, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(spawn_sets_the_pid_member_and_process_get_pid_returns_it) {
  uv_loop_t loop;
  uv_process_t p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(spawn_sh(&loop, &p, "exit 7", 0, NULL, 0), 0);
  CHECK(p.pid > 0);
  CHECK_EQ(uv_process_get_pid(&p), p.pid);
  CHECK(p.pid != getpid());
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exit_status, 7);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(inherit_stream_gives_the_child_the_streams_descriptor) {
  uv_loop_t loop;
  uv_process_t p;
  uv_pipe_t out;
  uv_stdio_container_t stdio[3];
  char buf[32];
  ssize_t n;
  int fds[2];
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &out, 0), 0);
  CHECK_EQ(uv_pipe_open(&out, fds[0]), 0);
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_STREAM;
  stdio[1].data.stream = (uv_stream_t*)&out;
  stdio[2].flags = UV_IGNORE;
  CHECK_EQ(spawn_sh(&loop, &p, "printf streamed", 0, stdio, 3), 0);
  uv_close((uv_handle_t*)&out, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exit_status, 0);
  n = read(fds[1], buf, sizeof buf);
  CHECK_EQ(n, 8);
  CHECK(memcmp(buf, "streamed", 8) == 0);
  close(fds[1]);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(detached_child_leads_its_own_group_and_still_keeps_the_loop_alive) {
  uv_loop_t loop;
  uv_process_t p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(spawn_sh(&loop, &p, "sleep 0.2", UV_PROCESS_DETACHED, NULL, 0), 0);
  CHECK_EQ(getpgid(p.pid), p.pid);
  CHECK_EQ(getsid(p.pid), p.pid);
  /* Still referenced: uv_run waits for the exit. */
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exit_calls, 1);
  CHECK_EQ(exit_status, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(unreferenced_detached_child_does_not_keep_the_loop_alive) {
  uv_loop_t loop;
  uv_process_t p;
  uint64_t t0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(spawn_sh(&loop, &p, "sleep 5", UV_PROCESS_DETACHED, NULL, 0), 0);
  uv_unref((uv_handle_t*)&p);
  t0 = uv_hrtime();
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK((uv_hrtime() - t0) / 1000000 < 4000);
  CHECK_EQ(exit_calls, 0);
  CHECK_EQ(uv_kill(p.pid, SIGKILL), 0);
  uv_close((uv_handle_t*)&p, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(windows_only_spawn_flags_are_ignored_on_unix) {
  uv_loop_t loop;
  uv_process_t p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(spawn_sh(&loop, &p, "exit 0",
                    UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS |
                        UV_PROCESS_WINDOWS_HIDE |
                        UV_PROCESS_WINDOWS_HIDE_CONSOLE |
                        UV_PROCESS_WINDOWS_HIDE_GUI,
                    NULL, 0),
           0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exit_calls, 1);
  CHECK_EQ(exit_status, 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(process_kill_sends_the_signal_and_exit_cb_reports_it) {
  uv_loop_t loop;
  uv_process_t p;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(spawn_sh(&loop, &p, "exec sleep 5", 0, NULL, 0), 0);
  CHECK_EQ(uv_process_kill(&p, SIGTERM), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(exit_calls, 1);
  CHECK_EQ(term_signal, SIGTERM);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
