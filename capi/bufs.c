/* The argument check every send and write shares: newer libuv refuses a
 * buffer count or a total size that no single system call could move,
 * before anything is queued. */
#include <stdint.h>

#include "capi.h"

/* The most one read or write moves on Linux (MAX_RW_COUNT); newer libuv
 * refuses a send or write whose buffers add up to more. */
#define GOUV_IO_MAX_BYTES 0x7ffff000u

/* A count this large is a negative int converted to unsigned by the
 * caller, not a real array; newer libuv draws the line at 1 Mi buffers. */
#define GOUV_MAX_NBUFS (1024u * 1024u)

int gouv_check_bufs(const uv_buf_t bufs[], unsigned int nbufs) {
  size_t total;
  unsigned int i;

  if (bufs == NULL || nbufs < 1 || nbufs > GOUV_MAX_NBUFS)
    return UV_EINVAL;
  total = 0;
  for (i = 0; i < nbufs; i++) {
    /* Compared before adding, so a sum cannot wrap past the limit. */
    if (bufs[i].len > GOUV_IO_MAX_BYTES - total)
      return UV_EINVAL;
    total += bufs[i].len;
  }
  return 0;
}
