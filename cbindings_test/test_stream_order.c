/* The order of write callbacks: libuv runs them in its pending phase, in
 * the order the writes finished across streams, and never in the closing
 * phase because some other handle closed. */
#include <uv.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static char order_log[16];
static int order_n;

static void note(char c) { order_log[order_n++] = c; }

static void write_b_cb(uv_write_t* w, int status) {
  (void)w;
  CHECK_EQ(status, 0);
  note('b');
}

static void write_a_cb(uv_write_t* w, int status) {
  (void)w;
  CHECK_EQ(status, 0);
  note('a');
}

static void closed_x(uv_handle_t* h) {
  (void)h;
  note('x');
}

static uv_pipe_t pa, pb;
static uv_write_t wa, wb;
static uv_idle_t x;
static char byte = '!';

static void check_writes_then_closes(uv_check_t* c) {
  uv_buf_t buf = uv_buf_init(&byte, 1);
  /* Both writes go out at once; B's finishes first. */
  CHECK_EQ(uv_write(&wb, (uv_stream_t*)&pb, &buf, 1, write_b_cb), 0);
  CHECK_EQ(uv_write(&wa, (uv_stream_t*)&pa, &buf, 1, write_a_cb), 0);
  uv_close((uv_handle_t*)&x, closed_x);
  uv_close((uv_handle_t*)c, NULL);
}

TEST(write_callbacks_run_in_finish_order_in_the_pending_phase_not_with_another_close) {
  uv_loop_t loop;
  uv_check_t check;
  int sa[2], sb[2];
  order_n = 0;
  memset(order_log, 0, sizeof order_log);
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sa), 0);
  CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sb), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_pipe_init(&loop, &pa, 0), 0);
  CHECK_EQ(uv_pipe_init(&loop, &pb, 0), 0);
  CHECK_EQ(uv_pipe_open(&pa, sa[0]), 0);
  CHECK_EQ(uv_pipe_open(&pb, sb[0]), 0);
  CHECK_EQ(uv_idle_init(&loop, &x), 0);
  CHECK_EQ(uv_check_init(&loop, &check), 0);
  CHECK_EQ(uv_check_start(&check, check_writes_then_closes), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  /* The check callback ran: the close came in that iteration's closing
   * phase, the write callbacks wait for the next pending phase. */
  CHECK(strcmp(order_log, "x") == 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  CHECK(strcmp(order_log, "xba") == 0);
  uv_close((uv_handle_t*)&pa, NULL);
  uv_close((uv_handle_t*)&pb, NULL);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  close(sa[1]);
  close(sb[1]);
}

HARNESS_MAIN
