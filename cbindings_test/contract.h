/* Helpers shared by the test_contract_*.c files: each of those files checks
 * the sentences of one page of libuv 1.44's documentation that state a
 * behaviour, one TEST per sentence (see docs/contract.md). Include after
 * harness.h and uvtest.h. */
#ifndef GOUV_TEST_CONTRACT_H
#define GOUV_TEST_CONTRACT_H

#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/* Closes every handle still open, runs the loop dry and closes it. */
static void contract_close_walk(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h))
    uv_close(h, NULL);
}

static inline void contract_finish(uv_loop_t* loop) {
  uv_walk(loop, contract_close_walk, NULL);
  CHECK_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(loop), 0);
}

static void contract_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  buf->base = malloc(suggested);
  buf->len = suggested;
}

static inline struct sockaddr_in contract_lo4(int port) {
  struct sockaddr_in a;
  CHECK_EQ(uv_ip4_addr("127.0.0.1", port, &a), 0);
  return a;
}

/* A socketpair whose ends are non-blocking and close-on-exec. */
static inline void contract_socketpair(int fds[2]) {
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                      fds),
           0);
}

/* Whether fd is an open descriptor. */
static inline int contract_fd_open(int fd) {
  return fcntl(fd, F_GETFD) != -1;
}

/* A unique path under the temp directory for this process and tag. */
static inline void contract_path(char* out, size_t n, const char* tag) {
  const char* tmp = getenv("TMPDIR");
  snprintf(out, n, "%s/gouv-contract-%d-%s", tmp && *tmp ? tmp : "/tmp",
           (int)getpid(), tag);
}

#endif
