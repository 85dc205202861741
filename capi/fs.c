/* The C face of uv_fs_*: these wrappers take const paths and buffer
 * arrays (which a Go export cannot declare), fill the request the way
 * libuv does (so hosts reading req->path or req->fs_type see libuv's
 * values), keep the arguments in its private fields, and make one call
 * into Go, gouv_fs_run, which runs the operation or queues it on the pool
 * (synchronous stats excepted: see fs_run).
 * Preparing the request here costs no crossing: strdup and memcpy are C. */
#define _GNU_SOURCE /* struct statx */
#include "fs.h"
#include "_cgo_export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

void gouv_call_fs(void* cb, void* req) { ((uv_fs_cb)cb)((uv_fs_t*)req); }

void gouv_call_work(void* cb, void* req) { ((uv_work_cb)cb)((uv_work_t*)req); }

void gouv_call_after_work(void* cb, void* req, int status) {
  ((uv_after_work_cb)cb)((uv_work_t*)req, status);
}

void gouv_call_random(void* cb, void* req, int status, void* buf, size_t len) {
  ((uv_random_cb)cb)((uv_random_t*)req, status, buf, len);
}

void gouv_call_fs_event(void* cb, void* handle, const char* name, int events,
                        int status) {
  ((uv_fs_event_cb)cb)((uv_fs_event_t*)handle, name, events, status);
}


char* gouv_fs_strndup(const char* s, size_t n) {
  char* p = gouv__malloc(n + 1);
  if (p == NULL)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char* gouv_fs_getenv(const char* name) { return getenv(name); }

/* The common head of every request, as libuv leaves it before running. */
static int fs_init(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_fs_cb cb) {
  if (req == NULL)
    return UV_EINVAL;
  req->type = UV_FS;
  req->fs_type = type;
  req->loop = loop;
  req->cb = cb;
  req->result = 0;
  req->ptr = NULL;
  req->path = NULL;
  req->gouv_new_path = NULL;
  GOUV_FS_BUFS(req) = NULL;
  GOUV_FS_NBUFS(req) = 0;
  memset(&req->gouv_work, 0, sizeof(req->gouv_work));
  return 0;
}

/* A synchronous call uses the caller's path as is; an asynchronous one
 * copies it, since the caller may reuse its buffer at once. */
static int fs_path(uv_fs_t* req, const char* path, uv_fs_cb cb) {
  if (path == NULL)
    return UV_EINVAL;
  if (cb == NULL) {
    req->path = path;
    return 0;
  }
  req->path = gouv__strdup(path);
  return req->path == NULL ? UV_ENOMEM : 0;
}

/* Two paths share one allocation, so cleanup frees only req->path. */
static int fs_path2(uv_fs_t* req, const char* path, const char* new_path,
                    uv_fs_cb cb) {
  size_t n1, n2;
  char* p;
  if (path == NULL || new_path == NULL)
    return UV_EINVAL;
  if (cb == NULL) {
    req->path = path;
    req->gouv_new_path = new_path;
    return 0;
  }
  n1 = strlen(path) + 1;
  n2 = strlen(new_path) + 1;
  p = gouv__malloc(n1 + n2);
  if (p == NULL)
    return UV_ENOMEM;
  memcpy(p, path, n1);
  memcpy(p + n1, new_path, n2);
  req->path = p;
  req->gouv_new_path = p + n1;
  return 0;
}

/* An asynchronous read or write keeps its own copy of the buffer array
 * (not of the data): the caller's array may be on its stack. */
static int fs_bufs(uv_fs_t* req, const uv_buf_t bufs[], unsigned int nbufs,
                   uv_fs_cb cb) {
  uv_buf_t* copy;
  if (bufs == NULL || nbufs == 0 || nbufs > 0x7fffffffu)
    return UV_EINVAL;
  GOUV_FS_NBUFS(req) = (int)nbufs;
  if (cb == NULL) {
    GOUV_FS_BUFS(req) = (void*)bufs;
    return 0;
  }
  if (nbufs <= sizeof(req->gouv_bufs) / sizeof(req->gouv_bufs[0])) {
    copy = req->gouv_bufs;
  } else {
    copy = gouv__malloc(nbufs * sizeof(*copy));
    if (copy == NULL)
      return UV_ENOMEM;
    GOUV_POOLREQ(&req->gouv_work)->bits |= GOUV_FS_OWNS_BUFS;
  }
  memcpy(copy, bufs, nbufs * sizeof(*copy));
  GOUV_FS_BUFS(req) = copy;
  return 0;
}

/* stat, lstat and fstat have one implementation, this one, whoever asks:
 * synchronous calls run it on the caller's thread without entering Go
 * (hosts call them in tight loops: Node's module resolution stats every
 * candidate path, and a crossing plus Go's syscall bookkeeping cost more
 * than the statx itself), and the pool's requests and fs_poll reach it
 * from Go through uvio.StatFunc (stat.go), so every path fills uv_stat_t
 * alike (docs/design.md, "Per-loop state and files").
 *
 * statx is tried first: unlike the old calls it reports birth time. Where
 * the kernel refuses it as libuv expects it may (ENOSYS on kernels before
 * 4.11, EPERM from seccomp filters that predate it, EINVAL, EOPNOTSUPP on
 * some network file systems), the old call fills the fields the way
 * libuv's fallback does, birth time being the change time. ENOSYS, EPERM
 * and EINVAL hold for every later call, so they are remembered and statx
 * is not tried again; EOPNOTSUPP belongs to one file system, so only that
 * call falls back. */
static atomic_int statx_refused;

static uv_timespec_t fs_ts(struct statx_timestamp t) {
  uv_timespec_t r = {t.tv_sec, t.tv_nsec};
  return r;
}

static uv_timespec_t fs_ts_old(struct timespec t) {
  uv_timespec_t r = {t.tv_sec, t.tv_nsec};
  return r;
}

static inline __attribute__((always_inline)) void
fs_from_statx(uv_stat_t* st, const struct statx* x) {
  st->st_dev = makedev(x->stx_dev_major, x->stx_dev_minor);
  st->st_mode = x->stx_mode;
  st->st_nlink = x->stx_nlink;
  st->st_uid = x->stx_uid;
  st->st_gid = x->stx_gid;
  st->st_rdev = makedev(x->stx_rdev_major, x->stx_rdev_minor);
  st->st_ino = x->stx_ino;
  st->st_size = x->stx_size;
  st->st_blksize = x->stx_blksize;
  st->st_blocks = x->stx_blocks;
  st->st_flags = 0;
  st->st_gen = 0;
  st->st_atim = fs_ts(x->stx_atime);
  st->st_mtim = fs_ts(x->stx_mtime);
  st->st_ctim = fs_ts(x->stx_ctime);
  st->st_birthtim = fs_ts(x->stx_btime);
}

static void fs_from_stat(uv_stat_t* st, const struct stat* s) {
  st->st_dev = s->st_dev;
  st->st_mode = s->st_mode;
  st->st_nlink = s->st_nlink;
  st->st_uid = s->st_uid;
  st->st_gid = s->st_gid;
  st->st_rdev = s->st_rdev;
  st->st_ino = s->st_ino;
  st->st_size = s->st_size;
  st->st_blksize = s->st_blksize;
  st->st_blocks = s->st_blocks;
  st->st_flags = 0;
  st->st_gen = 0;
  st->st_atim = fs_ts_old(s->st_atim);
  st->st_mtim = fs_ts_old(s->st_mtim);
  st->st_ctim = fs_ts_old(s->st_ctim);
  st->st_birthtim = st->st_ctim; /* the old calls do not know it */
}

/* One statx: 0 and st filled, -errno for an answer to pass on, or 1 when
 * the caller must use the old call instead. Inlined into both callers:
 * the synchronous path is measured in nanoseconds. */
static inline __attribute__((always_inline)) int
fs_try_statx(int type, int fd, const char* path, uv_stat_t* st) {
  struct statx x;
  int dirfd = AT_FDCWD, flags = AT_STATX_SYNC_AS_STAT;
  long r;
  if (atomic_load_explicit(&statx_refused, memory_order_relaxed))
    return 1;
  if (type == UV_FS_FSTAT) {
    dirfd = fd;
    path = "";
    flags |= AT_EMPTY_PATH;
  } else if (type == UV_FS_LSTAT) {
    flags |= AT_SYMLINK_NOFOLLOW;
  }
  do
    r = syscall(SYS_statx, dirfd, path, flags,
                STATX_BASIC_STATS | STATX_BTIME, &x);
  while (r == -1 && errno == EINTR);
  if (r == 0) {
    fs_from_statx(st, &x);
    return 0;
  }
  if (r == -1 && errno == EOPNOTSUPP)
    return 1;
  /* A return other than 0 or -1 means statx is not really there either:
   * it is remembered like ENOSYS. */
  if (r != -1 || errno == ENOSYS || errno == EPERM || errno == EINVAL) {
    atomic_store_explicit(&statx_refused, 1, memory_order_relaxed);
    return 1;
  }
  return -errno;
}

/* The old call, for when statx is not to be used. */
static __attribute__((noinline, cold)) int
fs_stat_old(int type, int fd, const char* path, uv_stat_t* st) {
  struct stat s;
  int r;
  do {
    if (type == UV_FS_FSTAT)
      r = fstat(fd, &s);
    else if (type == UV_FS_LSTAT)
      r = lstat(path, &s);
    else
      r = stat(path, &s);
  } while (r == -1 && errno == EINTR);
  if (r == -1)
    return -errno;
  fs_from_stat(st, &s);
  return 0;
}

/* The stat itself; st and, but for fstat, path are not NULL. */
static inline __attribute__((always_inline)) int
fs_stat_into(int type, int fd, const char* path, uv_stat_t* st) {
  int r = fs_try_statx(type, fd, path, st);
  if (r <= 0)
    return r;
  return fs_stat_old(type, fd, path, st);
}

int gouv_fs_stat_into(int type, int fd, const char* path, uv_stat_t* st) {
  uv_stat_t scratch;
  if (st == NULL)
    st = &scratch;
  if (type != UV_FS_FSTAT && path == NULL)
    return UV_EINVAL;
  return fs_stat_into(type, fd, path, st);
}

/* A synchronous stat: the result and pointer as libuv leaves them. */
static int fs_stat_sync(uv_fs_t* req) {
  int r = fs_stat_into(req->fs_type, GOUV_FS_FILE(req), req->path,
                       &req->statbuf);
  req->result = r;
  if (r == 0)
    req->ptr = &req->statbuf;
  return r;
}

/* Runs a prepared request: the synchronous stats here, the rest in Go. */
static int fs_run(uv_fs_t* req) {
  if (req->cb == NULL) {
    switch (req->fs_type) {
    case UV_FS_STAT:
    case UV_FS_LSTAT:
    case UV_FS_FSTAT:
      return fs_stat_sync(req);
    default:
      break;
    }
  }
  return gouv_fs_run(req);
}

#define FS_INIT(t)                                   \
  do {                                               \
    int r_ = fs_init(loop, req, UV_FS_##t, cb);      \
    if (r_ != 0)                                     \
      return r_;                                     \
  } while (0)

#define FS_TRY(call)   \
  do {                 \
    int r_ = (call);   \
    if (r_ != 0)       \
      return r_;       \
  } while (0)

#define FS_PATH_OP(name, t)                                                \
  int uv_fs_##name(uv_loop_t* loop, uv_fs_t* req, const char* path,      \
                   uv_fs_cb cb) {                                          \
    FS_INIT(t);                                                            \
    FS_TRY(fs_path(req, path, cb));                                        \
    return fs_run(req);                                               \
  }

#define FS_FILE_OP(name, t)                                                \
  int uv_fs_##name(uv_loop_t* loop, uv_fs_t* req, uv_file file,          \
                   uv_fs_cb cb) {                                          \
    FS_INIT(t);                                                            \
    GOUV_FS_FILE(req) = file;                                              \
    return fs_run(req);                                               \
  }

#define FS_PATH2_OP(name, t)                                               \
  int uv_fs_##name(uv_loop_t* loop, uv_fs_t* req, const char* path,      \
                   const char* new_path, uv_fs_cb cb) {                    \
    FS_INIT(t);                                                            \
    FS_TRY(fs_path2(req, path, new_path, cb));                             \
    return fs_run(req);                                               \
  }

#define FS_MODE_OP(name, t)                                                \
  int uv_fs_##name(uv_loop_t* loop, uv_fs_t* req, const char* path,      \
                   int mode, uv_fs_cb cb) {                                \
    FS_INIT(t);                                                            \
    FS_TRY(fs_path(req, path, cb));                                        \
    GOUV_FS_MODE(req) = mode;                                              \
    return fs_run(req);                                               \
  }

#define FS_UTIME_OP(name, t)                                               \
  int uv_fs_##name(uv_loop_t* loop, uv_fs_t* req, const char* path,      \
                   double atime, double mtime, uv_fs_cb cb) {              \
    FS_INIT(t);                                                            \
    FS_TRY(fs_path(req, path, cb));                                        \
    GOUV_FS_ATIME(req) = atime;                                            \
    GOUV_FS_MTIME(req) = mtime;                                            \
    return fs_run(req);                                               \
  }

#define FS_CHOWN_OP(name, t)                                               \
  int uv_fs_##name(uv_loop_t* loop, uv_fs_t* req, const char* path,      \
                   uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {              \
    FS_INIT(t);                                                            \
    FS_TRY(fs_path(req, path, cb));                                        \
    GOUV_FS_UID(req) = (int)uid;                                           \
    GOUV_FS_GID(req) = (int)gid;                                           \
    return fs_run(req);                                               \
  }

FS_PATH_OP(unlink, UNLINK)
FS_PATH_OP(rmdir, RMDIR)
FS_PATH_OP(stat, STAT)
FS_PATH_OP(lstat, LSTAT)
FS_PATH_OP(readlink, READLINK)
FS_PATH_OP(realpath, REALPATH)
FS_PATH_OP(opendir, OPENDIR)
FS_PATH_OP(statfs, STATFS)
FS_FILE_OP(close, CLOSE)
FS_FILE_OP(fstat, FSTAT)
FS_FILE_OP(fsync, FSYNC)
FS_FILE_OP(fdatasync, FDATASYNC)
FS_PATH2_OP(rename, RENAME)
FS_PATH2_OP(link, LINK)
FS_MODE_OP(mkdir, MKDIR)
FS_MODE_OP(access, ACCESS)
FS_MODE_OP(chmod, CHMOD)
FS_UTIME_OP(utime, UTIME)
FS_UTIME_OP(lutime, LUTIME)
FS_CHOWN_OP(chown, CHOWN)
FS_CHOWN_OP(lchown, LCHOWN)

int uv_fs_open(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags,
               int mode, uv_fs_cb cb) {
  FS_INIT(OPEN);
  FS_TRY(fs_path(req, path, cb));
  GOUV_FS_FLAGS(req) = flags;
  GOUV_FS_MODE(req) = mode;
  return fs_run(req);
}

/* uv_fs_read and uv_fs_write take the same arguments. */
static int fs_rw(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_file file,
                 const uv_buf_t bufs[], unsigned int nbufs, int64_t offset,
                 uv_fs_cb cb) {
  FS_TRY(fs_init(loop, req, type, cb));
  GOUV_FS_FILE(req) = file;
  /* Newer libuv refuses a write no single system call could make, and
   * lets a read ask for more: the kernel shortens it. */
  if (type == UV_FS_WRITE && gouv_check_bufs(bufs, nbufs) != 0)
    return UV_EINVAL;
  FS_TRY(fs_bufs(req, bufs, nbufs, cb));
  gouv_fs_set_off(req, offset);
  return fs_run(req);
}

int uv_fs_read(uv_loop_t* loop, uv_fs_t* req, uv_file file,
               const uv_buf_t bufs[], unsigned int nbufs, int64_t offset,
               uv_fs_cb cb) {
  return fs_rw(loop, req, UV_FS_READ, file, bufs, nbufs, offset, cb);
}

int uv_fs_write(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                const uv_buf_t bufs[], unsigned int nbufs, int64_t offset,
                uv_fs_cb cb) {
  return fs_rw(loop, req, UV_FS_WRITE, file, bufs, nbufs, offset, cb);
}

int uv_fs_copyfile(uv_loop_t* loop, uv_fs_t* req, const char* path,
                   const char* new_path, int flags, uv_fs_cb cb) {
  FS_INIT(COPYFILE);
  if (flags & ~(UV_FS_COPYFILE_EXCL | UV_FS_COPYFILE_FICLONE |
                UV_FS_COPYFILE_FICLONE_FORCE))
    return UV_EINVAL;
  FS_TRY(fs_path2(req, path, new_path, cb));
  GOUV_FS_FLAGS(req) = flags;
  return fs_run(req);
}

int uv_fs_symlink(uv_loop_t* loop, uv_fs_t* req, const char* path,
                  const char* new_path, int flags, uv_fs_cb cb) {
  FS_INIT(SYMLINK);
  FS_TRY(fs_path2(req, path, new_path, cb));
  GOUV_FS_FLAGS(req) = flags; /* the Windows-only flags mean nothing here */
  return fs_run(req);
}

/* The template is always copied: the call writes the name it made there. */
static int fs_mktemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl,
                     uv_fs_cb cb, uv_fs_type t) {
  int r = fs_init(loop, req, t, cb);
  if (r != 0)
    return r;
  if (tpl == NULL)
    return UV_EINVAL;
  req->path = gouv__strdup(tpl);
  if (req->path == NULL)
    return UV_ENOMEM;
  return fs_run(req);
}

int uv_fs_mkdtemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl, uv_fs_cb cb) {
  return fs_mktemp(loop, req, tpl, cb, UV_FS_MKDTEMP);
}

int uv_fs_mkstemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl, uv_fs_cb cb) {
  return fs_mktemp(loop, req, tpl, cb, UV_FS_MKSTEMP);
}

int uv_fs_scandir(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags,
                  uv_fs_cb cb) {
  FS_INIT(SCANDIR);
  FS_TRY(fs_path(req, path, cb));
  GOUV_FS_FLAGS(req) = flags;
  return fs_run(req);
}

int uv_fs_readdir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir, uv_fs_cb cb) {
  FS_INIT(READDIR);
  if (dir == NULL || dir->dirents == NULL)
    return UV_EINVAL;
  req->ptr = dir;
  return fs_run(req);
}

int uv_fs_closedir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir, uv_fs_cb cb) {
  FS_INIT(CLOSEDIR);
  if (dir == NULL)
    return UV_EINVAL;
  req->ptr = dir;
  return fs_run(req);
}

int uv_fs_ftruncate(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                    int64_t offset, uv_fs_cb cb) {
  FS_INIT(FTRUNCATE);
  GOUV_FS_FILE(req) = file;
  gouv_fs_set_off(req, offset);
  return fs_run(req);
}

int uv_fs_sendfile(uv_loop_t* loop, uv_fs_t* req, uv_file out_fd,
                   uv_file in_fd, int64_t in_offset, size_t length,
                   uv_fs_cb cb) {
  FS_INIT(SENDFILE);
  /* As for writes: newer libuv refuses more than one call could move. */
  if (length > 0x7ffff000u)
    return UV_EINVAL;
  GOUV_FS_FILE(req) = in_fd;
  GOUV_FS_FLAGS(req) = out_fd;
  gouv_fs_set_off(req, in_offset);
  req->gouv_bufs[0].len = length;
  return fs_run(req);
}

int uv_fs_futime(uv_loop_t* loop, uv_fs_t* req, uv_file file, double atime,
                 double mtime, uv_fs_cb cb) {
  FS_INIT(FUTIME);
  GOUV_FS_FILE(req) = file;
  GOUV_FS_ATIME(req) = atime;
  GOUV_FS_MTIME(req) = mtime;
  return fs_run(req);
}

int uv_fs_fchmod(uv_loop_t* loop, uv_fs_t* req, uv_file file, int mode,
                 uv_fs_cb cb) {
  FS_INIT(FCHMOD);
  GOUV_FS_FILE(req) = file;
  GOUV_FS_MODE(req) = mode;
  return fs_run(req);
}

int uv_fs_fchown(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_uid_t uid,
                 uv_gid_t gid, uv_fs_cb cb) {
  FS_INIT(FCHOWN);
  GOUV_FS_FILE(req) = file;
  GOUV_FS_UID(req) = (int)uid;
  GOUV_FS_GID(req) = (int)gid;
  return fs_run(req);
}

/* Each call hands out the next entry; its name stays valid until the next
 * call or uv_fs_req_cleanup, which free the names already handed out. */
int uv_fs_scandir_next(uv_fs_t* req, uv_dirent_t* ent) {
  gouv_scandir_t* s;
  if (req == NULL || ent == NULL)
    return UV_EINVAL;
  if (req->result < 0)
    return (int)req->result;
  s = req->ptr;
  if (s == NULL)
    return UV_EOF;
  if (s->next > 0) {
    gouv__free((void*)s->ents[s->next - 1].name);
    s->ents[s->next - 1].name = NULL;
  }
  if (s->next >= s->n) {
    gouv__free(s);
    req->ptr = NULL;
    return UV_EOF;
  }
  *ent = s->ents[s->next++];
  return 0;
}

void uv_fs_req_cleanup(uv_fs_t* req) {
  gouv_poolreq_t* w;
  if (req == NULL)
    return;
  /* Paths were copied for asynchronous calls and for the temp-name calls. */
  if (req->path != NULL &&
      (req->cb != NULL || req->fs_type == UV_FS_MKDTEMP ||
       req->fs_type == UV_FS_MKSTEMP))
    gouv__free((void*)req->path);
  req->path = NULL;
  req->gouv_new_path = NULL;

  if (req->fs_type == UV_FS_READDIR && req->ptr != NULL) {
    uv_dir_t* dir = req->ptr;
    ssize_t i;
    if (dir->dirents != NULL)
      for (i = 0; i < req->result; i++) {
        gouv__free((void*)dir->dirents[i].name);
        dir->dirents[i].name = NULL;
      }
    req->ptr = NULL;
  }
  if (req->fs_type == UV_FS_SCANDIR && req->ptr != NULL) {
    gouv_scandir_t* s = req->ptr;
    size_t i;
    for (i = s->next > 0 ? s->next - 1 : 0; i < s->n; i++)
      gouv__free((void*)s->ents[i].name);
    gouv__free(s);
    req->ptr = NULL;
  }

  w = GOUV_POOLREQ(&req->gouv_work);
  if (w->bits & GOUV_FS_OWNS_BUFS)
    gouv__free(GOUV_FS_BUFS(req));
  w->bits &= ~GOUV_FS_OWNS_BUFS;
  GOUV_FS_BUFS(req) = NULL;

  /* readlink, realpath and statfs results are ours to free; opendir's
   * uv_dir_t lives until closedir, and stat results live in the request. */
  if (req->fs_type != UV_FS_OPENDIR && req->fs_type != UV_FS_CLOSEDIR &&
      req->ptr != &req->statbuf)
    gouv__free(req->ptr);
  req->ptr = NULL;
}
