/* The work item embedded in requests that run on the thread pool. Its layout
 * is part of the ABI because uv_random_t embeds it publicly; gouv keeps the
 * size and the member names, and uses the bytes for its own bookkeeping. */
#ifndef GOUV_UV_THREADPOOL_H
#define GOUV_UV_THREADPOOL_H

struct uv_loop_s;

struct uv__work {
  void (*work)(struct uv__work* w);
  void (*done)(struct uv__work* w, int status);
  struct uv_loop_s* loop;
  void* wq[2];
};

#endif /* GOUV_UV_THREADPOOL_H */
