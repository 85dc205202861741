/* fs_event and fs_poll handles at the edges of their lives: several
 * fs_event handles on one path (the order they are called in, and handles
 * stopped or closed while one change is delivered), and fs_poll handles
 * closed while a stat is still on the thread pool. */
#include <uv.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"

static char dir[64];

static void make_dir(void) {
  strcpy(dir, "/tmp/gouv-fswatch-XXXXXX");
  CHECK(mkdtemp(dir) != NULL);
}

static void remove_dir(void) {
  CHECK_EQ(rmdir(dir), 0);
}

/* Changes the directory's times: one IN_ATTRIB event on its own watch. */
static void touch_dir(void) {
  CHECK_EQ(utimes(dir, NULL), 0);
}

/* ---- several fs_event handles on one path ----------------------------- */

static uv_fs_event_t ev[3];
static int ev_calls[3];
static char ev_order[32];
static int ev_order_len;
static int ev_scenario;

enum {
  JUST_LOG,          /* every callback only logs */
  FIRST_CLOSES_NEXT, /* handle 0 closes itself and handle 1 */
  FIRST_RESTARTS_NEXT, /* handle 0 stops and restarts handle 1 */
};

static void ev_cb(uv_fs_event_t* h, const char* name, int events, int status);

static int ev_index(uv_fs_event_t* h) {
  int i;
  for (i = 0; i < 3; i++)
    if (h == &ev[i])
      return i;
  CHECK(0);
  return -1;
}

static void ev_cb(uv_fs_event_t* h, const char* name, int events, int status) {
  int i = ev_index(h);
  (void)name;
  (void)events;
  CHECK_EQ(status, 0);
  ev_calls[i]++;
  if (ev_order_len < (int)sizeof(ev_order) - 1)
    ev_order[ev_order_len++] = (char)('0' + i);
  ev_order[ev_order_len] = '\0';
  if (i != 0)
    return;
  if (ev_scenario == FIRST_CLOSES_NEXT && !uv_is_closing((uv_handle_t*)&ev[0])) {
    uv_close((uv_handle_t*)&ev[0], count_close);
    uv_close((uv_handle_t*)&ev[1], count_close);
  } else if (ev_scenario == FIRST_RESTARTS_NEXT && ev_calls[0] == 1) {
    CHECK_EQ(uv_fs_event_stop(&ev[1]), 0);
    CHECK_EQ(uv_fs_event_start(&ev[1], ev_cb, dir, 0), 0);
  }
}

static void ev_start_all(uv_loop_t* loop, int scenario) {
  int i;
  ev_scenario = scenario;
  ev_order_len = 0;
  ev_order[0] = '\0';
  close_calls = 0;
  for (i = 0; i < 3; i++) {
    ev_calls[i] = 0;
    CHECK_EQ(uv_fs_event_init(loop, &ev[i]), 0);
    CHECK_EQ(uv_fs_event_start(&ev[i], ev_cb, dir, 0), 0);
  }
}

/* Runs the loop until handle 0 has seen the change. */
static void ev_wait_first(uv_loop_t* loop) {
  int tries;
  for (tries = 0; tries < 200 && ev_calls[0] == 0; tries++) {
    uv_run(loop, UV_RUN_NOWAIT);
    if (ev_calls[0] == 0)
      sleep_ms(5);
  }
  CHECK_EQ(ev_calls[0], 1);
}

static void ev_close_rest(uv_loop_t* loop) {
  int i;
  for (i = 0; i < 3; i++)
    if (!uv_is_closing((uv_handle_t*)&ev[i]))
      uv_close((uv_handle_t*)&ev[i], NULL);
  finish_loop(loop);
}

TEST(fs_event_handles_on_one_path_are_called_in_start_order) {
  uv_loop_t loop;
  make_dir();
  CHECK_EQ(uv_loop_init(&loop), 0);
  ev_start_all(&loop, JUST_LOG);
  touch_dir();
  ev_wait_first(&loop);
  /* One change, one event, each handle once, oldest first. */
  CHECK(strcmp(ev_order, "012") == 0);
  ev_close_rest(&loop);
  remove_dir();
}

/* libuv's queue_foreach_delete for fs_event: the first handle called
 * closes itself and the next one, which must not be called for this
 * change; the third still is. */
TEST(fs_event_closed_by_an_earlier_callback_of_the_same_change_is_not_called) {
  uv_loop_t loop;
  make_dir();
  CHECK_EQ(uv_loop_init(&loop), 0);
  ev_start_all(&loop, FIRST_CLOSES_NEXT);
  touch_dir();
  ev_wait_first(&loop);
  CHECK(strcmp(ev_order, "02") == 0);
  CHECK_EQ(ev_calls[1], 0);
  CHECK_EQ(ev_calls[2], 1);
  CHECK(uv_is_active((uv_handle_t*)&ev[2]));
  ev_close_rest(&loop);
  CHECK_EQ(close_calls, 2);
  remove_dir();
}

/* A handle stopped and started again while a change is being delivered
 * is called for later changes only. It rejoins the path's handles after
 * those already called for the current change and before those still to
 * be called, as libuv's list does: the next change calls 0, 1, 2. */
TEST(fs_event_restarted_during_a_change_is_called_only_for_later_ones) {
  uv_loop_t loop;
  int tries;
  make_dir();
  CHECK_EQ(uv_loop_init(&loop), 0);
  ev_start_all(&loop, FIRST_RESTARTS_NEXT);
  touch_dir();
  ev_wait_first(&loop);
  CHECK(strcmp(ev_order, "02") == 0);
  CHECK(uv_is_active((uv_handle_t*)&ev[1]));
  touch_dir();
  for (tries = 0; tries < 200 && ev_calls[0] < 2; tries++) {
    uv_run(&loop, UV_RUN_NOWAIT);
    if (ev_calls[0] < 2)
      sleep_ms(5);
  }
  CHECK(strcmp(ev_order, "02012") == 0);
  ev_close_rest(&loop);
  remove_dir();
}

/* ---- fs_poll closed while its stat is in flight ----------------------- */

static int poll_closed;

static void poll_close_cb(uv_handle_t* h) {
  (void)h;
  poll_closed++;
}

static void poll_cb(uv_fs_poll_t* h, int status, const uv_stat_t* prev,
                    const uv_stat_t* curr) {
  (void)h;
  (void)status;
  (void)prev;
  (void)curr;
}

/* Starts polling, with pairs start-stop pairs before the last start (or,
 * with stop_first, stop-start pairs after the first), closes the handle at
 * once and runs the loop until the close callback ran. libuv's
 * fs_poll_close_request tests. */
static void close_fs_poll_at_once(int pairs, int stop_first) {
  uv_loop_t loop;
  uv_fs_poll_t handle;
  int i, runs = 0;
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_fs_poll_init(&loop, &handle), 0);
  if (stop_first) {
    CHECK_EQ(uv_fs_poll_start(&handle, poll_cb, "/", 100), 0);
    for (i = 0; i < pairs; i++) {
      CHECK_EQ(uv_fs_poll_stop(&handle), 0);
      CHECK_EQ(uv_fs_poll_start(&handle, poll_cb, "/", 100), 0);
    }
  } else {
    for (i = 0; i < pairs; i++) {
      CHECK_EQ(uv_fs_poll_start(&handle, poll_cb, "/", 100), 0);
      CHECK_EQ(uv_fs_poll_stop(&handle), 0);
    }
    CHECK_EQ(uv_fs_poll_start(&handle, poll_cb, "/", 100), 0);
  }
  poll_closed = 0;
  uv_close((uv_handle_t*)&handle, poll_close_cb);
  while (poll_closed == 0) {
    uv_run(&loop, UV_RUN_ONCE);
    CHECK(++runs < 1000);
  }
  /* The close callback came after every stat it had started: nothing is
   * left, so the loop closes at once. */
  CHECK_EQ(poll_closed, 1);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

TEST(fs_poll_closed_at_once_lets_the_loop_close_after_its_close_callback) {
  int round;
  for (round = 0; round < 20; round++)
    close_fs_poll_at_once(0, 0);
}

TEST(fs_poll_closed_after_start_stop_pairs_lets_the_loop_close) {
  int round;
  for (round = 0; round < 20; round++)
    close_fs_poll_at_once(10, 0);
}

TEST(fs_poll_closed_after_stop_start_pairs_lets_the_loop_close) {
  int round;
  for (round = 0; round < 20; round++)
    close_fs_poll_at_once(10, 1);
}

HARNESS_MAIN
