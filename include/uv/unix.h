/* gouv: the Unix (Linux x86-64) half of the public interface.
 *
 * Basic types that wrap the platform's own (threads, locks, descriptors), the
 * I/O watcher that streams, UDP and poll handles embed, and the private tails
 * of every handle and request. The private tails only reserve space: their
 * sizes and the few offsets that hosts are known to read (the watcher's fd,
 * the handle flags, the loop's backend fd and clock) match libuv 1.44, and
 * everything else in them is gouv's own bookkeeping. Do not touch them. */
#ifndef GOUV_UV_UNIX_H
#define GOUV_UV_UNIX_H

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/param.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <fcntl.h>
#include <dirent.h>
#include <termios.h>
#include <pwd.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>

#include "uv/threadpool.h"

#ifndef NI_MAXHOST
# define NI_MAXHOST 1025
#endif
#ifndef NI_MAXSERV
# define NI_MAXSERV 32
#endif

/* A buffer: the order of the two members is fixed by the ABI (iovec-like). */
typedef struct uv_buf_t {
  char* base;
  size_t len;
} uv_buf_t;

typedef int uv_file;
typedef int uv_os_sock_t;
typedef int uv_os_fd_t;
typedef pid_t uv_pid_t;
typedef uid_t uv_uid_t;
typedef gid_t uv_gid_t;

/* Thread primitives are the platform's pthread objects, used directly. */
#define UV_ONCE_INIT PTHREAD_ONCE_INIT
typedef pthread_once_t uv_once_t;
typedef pthread_t uv_thread_t;
typedef pthread_mutex_t uv_mutex_t;
typedef pthread_rwlock_t uv_rwlock_t;
typedef sem_t uv_sem_t;
typedef pthread_cond_t uv_cond_t;
typedef pthread_key_t uv_key_t;
typedef pthread_barrier_t uv_barrier_t;

typedef struct {
  void* handle;
  char* errmsg;
} uv_lib_t;

#define UV_DYNAMIC /* nothing */

/* The I/O watcher. Only `fd` is meaningful to a host (the descriptor of a
 * stream, UDP or poll handle, -1 when there is none); the rest is gouv's. */
struct uv__io_s {
  void* gouv_private[5];
  unsigned int pevents;
  unsigned int events;
  int fd;
};
typedef struct uv__io_s uv__io_t;

/* Directory entry types used by uv_dirent_t conversions. */
#define UV__DT_FILE DT_REG
#define UV__DT_DIR DT_DIR
#define UV__DT_LINK DT_LNK
#define UV__DT_FIFO DT_FIFO
#define UV__DT_SOCKET DT_SOCK
#define UV__DT_CHAR DT_CHR
#define UV__DT_BLOCK DT_BLK

/* Flags accepted by uv_fs_open(): the platform's O_* values, and 0 for the
 * Windows-only ones. */
#define UV_FS_O_APPEND O_APPEND
#define UV_FS_O_CREAT O_CREAT
#define UV_FS_O_DIRECT 0x04000
#define UV_FS_O_DIRECTORY O_DIRECTORY
#define UV_FS_O_DSYNC O_DSYNC
#define UV_FS_O_EXCL O_EXCL
#define UV_FS_O_EXLOCK 0
#ifdef O_NOATIME /* visible with _GNU_SOURCE, as in libuv */
# define UV_FS_O_NOATIME O_NOATIME
#else
# define UV_FS_O_NOATIME 0
#endif
#define UV_FS_O_NOCTTY O_NOCTTY
#define UV_FS_O_NOFOLLOW O_NOFOLLOW
#define UV_FS_O_NONBLOCK O_NONBLOCK
#define UV_FS_O_RDONLY O_RDONLY
#define UV_FS_O_RDWR O_RDWR
#define UV_FS_O_SYMLINK 0
#define UV_FS_O_SYNC O_SYNC
#define UV_FS_O_TRUNC O_TRUNC
#define UV_FS_O_WRONLY O_WRONLY
#define UV_FS_O_FILEMAP 0
#define UV_FS_O_RANDOM 0
#define UV_FS_O_SHORT_LIVED 0
#define UV_FS_O_SEQUENTIAL 0
#define UV_FS_O_TEMPORARY 0

#endif /* GOUV_UV_UNIX_H */
