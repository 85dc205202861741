/* Per-loop state that gouv keeps in the loop's own Go state: a loop that
 * is closed takes it along, so a loop opened later under the same id (the
 * index in uv_loop_t's gouv_id, which closed loops hand back) starts with
 * none of it. These tests read gouv's private fields, so they build only
 * against gouv. */
#include <uv.h>

#include <stdint.h>
#include <string.h>

#include "harness.h"

/* While a pool request is queued, the first two words of its private
 * uv__work bytes are its slot in the loop's request table and a tag. */
#define POOLREQ_TAG 0x706f6f6cu

static uint32_t slot_of(uv_work_t* req) {
  uint32_t w[2];
  memcpy(w, &req->gouv_work, sizeof(w));
  CHECK_EQ(w[1], POOLREQ_TAG);
  return w[0];
}

static uv_sem_t first_done;

static void first_work(uv_work_t* req) { (void)req; }

/* The second request's work waits until the first has finished on the
 * loop thread, so the first gives its slot back before the second. */
static void second_work(uv_work_t* req) {
  (void)req;
  uv_sem_wait(&first_done);
}

static void first_after(uv_work_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
  uv_sem_post(&first_done);
}

static void plain_after(uv_work_t* req, int status) {
  (void)req;
  CHECK_EQ(status, 0);
}

TEST(a_loop_under_a_closed_loops_id_starts_with_an_empty_request_table) {
  uv_loop_t loop;
  uv_work_t a, b, c;
  uint32_t id;

  CHECK_EQ(uv_sem_init(&first_done, 0), 0);
  CHECK_EQ(uv_loop_init(&loop), 0);
  id = loop.gouv_id;
  CHECK_EQ(uv_queue_work(&loop, &a, first_work, first_after), 0);
  CHECK_EQ(uv_queue_work(&loop, &b, second_work, plain_after), 0);
  CHECK_EQ(slot_of(&a), 0);
  CHECK_EQ(slot_of(&b), 1);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);

  /* The next loop gets the id back. Had it inherited the closed loop's
   * table, whose free slots were given back 0 then 1, its first request
   * would take slot 1. */
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(loop.gouv_id, id);
  CHECK_EQ(uv_queue_work(&loop, &c, first_work, plain_after), 0);
  CHECK_EQ(slot_of(&c), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(uv_loop_close(&loop), 0);
  uv_sem_destroy(&first_done);
}

HARNESS_MAIN
