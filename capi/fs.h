/* Private declarations of the fs area (files, the thread pool, fs_event,
 * fs_poll, random) shared by its Go and C files in capi/. */
#ifndef GOUV_CAPI_FS_H
#define GOUV_CAPI_FS_H

#include "capi.h"
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>

/* The private struct uv__work inside uv_fs_t, uv_work_t and uv_random_t is
 * ours: while a request is on the pool it names the Go object that carries
 * it (slot in its loop's table, and a tag that says the slot is valid). */
typedef struct {
  uint32_t slot;
  uint32_t tag;
  uint32_t bits; /* GOUV_FS_OWNS_BUFS */
  uint32_t unused;
  void* spare[3];
} __attribute__((may_alias)) gouv_poolreq_t;

_Static_assert(sizeof(gouv_poolreq_t) == sizeof(struct uv__work),
               "gouv_poolreq_t overlays struct uv__work");

#define GOUV_POOLREQ(w) ((gouv_poolreq_t*)(void*)(w))
#define GOUV_POOLREQ_TAG 0x706f6f6cu /* "pool" */
#define GOUV_FS_OWNS_BUFS 1u

/* Where uv_fs_t keeps an operation's arguments (private fields). */
#define GOUV_FS_FILE(r) ((r)->gouv_fs_i[0])
#define GOUV_FS_FLAGS(r) ((r)->gouv_fs_i[1])
#define GOUV_FS_MODE(r) ((r)->gouv_fs_i[2])
#define GOUV_FS_NBUFS(r) ((r)->gouv_fs_i[3])
#define GOUV_FS_UID(r) ((r)->gouv_fs_i[4])
#define GOUV_FS_GID(r) ((r)->gouv_fs_i[5])
#define GOUV_FS_BUFS(r) ((r)->gouv_fs_p[0])
#define GOUV_FS_ATIME(r) ((r)->gouv_fs_d[0])
#define GOUV_FS_MTIME(r) ((r)->gouv_fs_d[1])

static inline int64_t gouv_fs_off(const uv_fs_t* r) {
  return (int64_t)(intptr_t)r->gouv_fs_p[1];
}
static inline void gouv_fs_set_off(uv_fs_t* r, int64_t off) {
  r->gouv_fs_p[1] = (void*)(intptr_t)off;
}

/* What uv_fs_scandir leaves in req->ptr: the entries, each name its own
 * allocation, and how far uv_fs_scandir_next has gone. */
typedef struct {
  size_t n;
  size_t next;
  uv_dirent_t ents[];
} gouv_scandir_t;

/* Trampolines (fs.c) through which Go calls the host's callbacks. */
void gouv_call_fs(void* cb, void* req);
void gouv_call_work(void* cb, void* req);
void gouv_call_after_work(void* cb, void* req, int status);
void gouv_call_random(void* cb, void* req, int status, void* buf, size_t len);
void gouv_call_fs_event(void* cb, void* handle, const char* name, int events, int status);
/* fs_poll's ticker and the host's callback (fs_event.c). */
int gouv_fs_poll_open(uv_fs_poll_t* handle, void* cb);
void gouv_fs_poll_arm(uv_fs_poll_t* handle, uint64_t ms);
void gouv_fs_poll_close(uv_fs_poll_t* handle);
void gouv_fs_poll_call(uv_fs_poll_t* handle, int status, const void* prev, const void* curr);

/* C string helpers for Go: a copy of n bytes plus a NUL through the
 * replaceable allocator, and libc's getenv (Go's copy of the environment
 * is taken at load and misses the host's setenv). */
char* gouv_fs_strndup(const char* s, size_t n);
char* gouv_fs_getenv(const char* name);
int gouv_fs_copy_path(const char* path, size_t len, char* buffer, size_t* size);

/* The one stat, lstat and fstat (fs.c): type is UV_FS_STAT, UV_FS_LSTAT or
 * UV_FS_FSTAT, fd is fstat's and path the others'. 0 with st filled, or a
 * negated errno. Safe on any thread. */
int gouv_fs_stat_into(int type, int fd, const char* path, uv_stat_t* st);

#endif
