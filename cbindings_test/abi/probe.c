/* gouv ABI probe.
 *
 * Prints, one fact per line and always in the same order, the binary interface
 * that <uv.h> describes: size and alignment of every public type, offset, size
 * and kind of every public field (plus the few private fields that hosts are
 * known to read and that both headers name alike), and the value of every
 * enum and macro constant. scripts/abi_check.sh compiles it once against
 * gouv's include/ and once against the system's libuv 1.44 header and diffs
 * the two outputs; then, with GOUV_PROBE_V153, against ours and libuv 1.53's
 * header (Debian unstable's).
 *
 * Rules for editing:
 *  - include nothing before <uv.h> (a macro such as UV_MAXHOSTNAMESIZE takes
 *    its value from what the header itself pulls in);
 *  - name only fields that exist under the same name in both headers. Private
 *    fields are gouv_* in ours and something else in libuv's: never name them;
 *  - the file must stay valid C and C++ (the C++ build is a syntax check). */
#include <uv.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* SCALAR() compares (T) -1 with 0 on purpose: for unsigned types the answer
 * is constant, which is the point. */
#if defined(__GNUC__)
# pragma GCC diagnostic ignored "-Wtype-limits"
#endif

#ifdef __cplusplus
# define ALIGNOF(T) alignof(T)
# define KIND(e) "-"
#else
# define ALIGNOF(T) _Alignof(T)
/* The arithmetic type of a field, so that a change of signedness shows. */
# define KIND(e) _Generic((e),                                                \
    _Bool: "bool",                                                            \
    char: "char",                                                             \
    signed char: "schar",                                                     \
    unsigned char: "uchar",                                                   \
    short: "short",                                                           \
    unsigned short: "ushort",                                                 \
    int: "int",                                                               \
    unsigned int: "uint",                                                     \
    long: "long",                                                             \
    unsigned long: "ulong",                                                   \
    long long: "llong",                                                       \
    unsigned long long: "ullong",                                             \
    float: "float",                                                           \
    double: "double",                                                         \
    default: "other")
#endif

#define TYPE(T)                                                               \
  printf("sizeof %s %zu\n", #T, (size_t) sizeof(T));                          \
  printf("alignof %s %zu\n", #T, (size_t) ALIGNOF(T));

/* Scalar typedefs: also whether the type is signed. */
#define SCALAR(T)                                                             \
  TYPE(T)                                                                     \
  printf("signed %s %d\n", #T, (int) ((T) -1 < (T) 0));

#define FIELD(T, f)                                                           \
  printf("offsetof %s %s %zu size %zu %s\n", #T, #f, (size_t) offsetof(T, f), \
         (size_t) sizeof(((T*) 0)->f), KIND(((T*) 0)->f));

#define CONST(name) printf("const %s %lld\n", #name, (long long) (name));

/* --- fields shared by every handle and by every request ------------------ */

#define HANDLE_FIELDS(T)                                                      \
  FIELD(T, data)                                                              \
  FIELD(T, loop)                                                              \
  FIELD(T, type)                                                              \
  FIELD(T, close_cb)                                                          \
  FIELD(T, handle_queue)                                                      \
  FIELD(T, u)                                                                 \
  FIELD(T, u.fd)                                                              \
  FIELD(T, u.reserved)                                                        \
  FIELD(T, flags)

#define STREAM_FIELDS(T)                                                      \
  FIELD(T, write_queue_size)                                                  \
  FIELD(T, alloc_cb)                                                          \
  FIELD(T, read_cb)                                                           \
  FIELD(T, io_watcher)                                                        \
  FIELD(T, io_watcher.fd)

#define REQ_FIELDS(T)                                                         \
  FIELD(T, data)                                                              \
  FIELD(T, type)                                                              \
  FIELD(T, reserved)

static void types(void) {
  /* Handles. */
  TYPE(uv_handle_t)
  TYPE(uv_stream_t)
  TYPE(uv_tcp_t)
  TYPE(uv_udp_t)
  TYPE(uv_pipe_t)
  TYPE(uv_tty_t)
  TYPE(uv_poll_t)
  TYPE(uv_timer_t)
  TYPE(uv_prepare_t)
  TYPE(uv_check_t)
  TYPE(uv_idle_t)
  TYPE(uv_async_t)
  TYPE(uv_process_t)
  TYPE(uv_fs_event_t)
  TYPE(uv_fs_poll_t)
  TYPE(uv_signal_t)
  /* Requests. */
  TYPE(uv_req_t)
  TYPE(uv_getaddrinfo_t)
  TYPE(uv_getnameinfo_t)
  TYPE(uv_shutdown_t)
  TYPE(uv_write_t)
  TYPE(uv_connect_t)
  TYPE(uv_udp_send_t)
  TYPE(uv_fs_t)
  TYPE(uv_work_t)
  TYPE(uv_random_t)
  /* Loop, unions, internals that public structs embed. */
  TYPE(uv_loop_t)
  TYPE(union uv_any_handle)
  TYPE(union uv_any_req)
  TYPE(struct uv__work)
  TYPE(uv__io_t)
  /* Plain data. */
  TYPE(uv_buf_t)
  TYPE(uv_stat_t)
  TYPE(uv_timespec_t)
  TYPE(uv_timeval_t)
  TYPE(uv_timeval64_t)
  TYPE(uv_rusage_t)
  TYPE(uv_statfs_t)
  TYPE(uv_dirent_t)
  TYPE(uv_dir_t)
  TYPE(uv_passwd_t)
  TYPE(uv_utsname_t)
  TYPE(uv_cpu_info_t)
  TYPE(struct uv_cpu_times_s)
  TYPE(uv_interface_address_t)
  TYPE(uv_env_item_t)
  TYPE(uv_process_options_t)
  TYPE(uv_stdio_container_t)
  TYPE(uv_thread_options_t)
  TYPE(uv_lib_t)
  /* Threads and synchronisation. */
  TYPE(uv_once_t)
  TYPE(uv_thread_t)
  TYPE(uv_mutex_t)
  TYPE(uv_rwlock_t)
  TYPE(uv_sem_t)
  TYPE(uv_cond_t)
  TYPE(uv_key_t)
  TYPE(uv_barrier_t)
  /* Scalar typedefs. */
  SCALAR(uv_file)
  SCALAR(uv_os_sock_t)
  SCALAR(uv_os_fd_t)
  SCALAR(uv_pid_t)
  SCALAR(uv_uid_t)
  SCALAR(uv_gid_t)
  /* Enums. */
  SCALAR(uv_errno_t)
  SCALAR(uv_handle_type)
  SCALAR(uv_req_type)
  SCALAR(uv_fs_type)
  SCALAR(uv_run_mode)
  SCALAR(uv_loop_option)
  SCALAR(uv_membership)
  SCALAR(uv_tty_mode_t)
  SCALAR(uv_tty_vtermstate_t)
  SCALAR(uv_stdio_flags)
  SCALAR(uv_dirent_type_t)
  SCALAR(uv_thread_create_flags)
  SCALAR(enum uv_poll_event)
  SCALAR(enum uv_fs_event)
  SCALAR(enum uv_fs_event_flags)
  SCALAR(enum uv_udp_flags)
  SCALAR(enum uv_tcp_flags)
  SCALAR(enum uv_process_flags)
  /* Function pointer typedefs. */
  TYPE(uv_malloc_func)
  TYPE(uv_realloc_func)
  TYPE(uv_calloc_func)
  TYPE(uv_free_func)
  TYPE(uv_alloc_cb)
  TYPE(uv_read_cb)
  TYPE(uv_write_cb)
  TYPE(uv_connect_cb)
  TYPE(uv_shutdown_cb)
  TYPE(uv_connection_cb)
  TYPE(uv_close_cb)
  TYPE(uv_poll_cb)
  TYPE(uv_timer_cb)
  TYPE(uv_async_cb)
  TYPE(uv_prepare_cb)
  TYPE(uv_check_cb)
  TYPE(uv_idle_cb)
  TYPE(uv_exit_cb)
  TYPE(uv_walk_cb)
  TYPE(uv_fs_cb)
  TYPE(uv_work_cb)
  TYPE(uv_after_work_cb)
  TYPE(uv_getaddrinfo_cb)
  TYPE(uv_getnameinfo_cb)
  TYPE(uv_random_cb)
  TYPE(uv_fs_event_cb)
  TYPE(uv_fs_poll_cb)
  TYPE(uv_signal_cb)
  TYPE(uv_udp_send_cb)
  TYPE(uv_udp_recv_cb)
  TYPE(uv_thread_cb)
}

static void handle_fields(void) {
  HANDLE_FIELDS(uv_handle_t)

  HANDLE_FIELDS(uv_stream_t)
  STREAM_FIELDS(uv_stream_t)

  HANDLE_FIELDS(uv_tcp_t)
  STREAM_FIELDS(uv_tcp_t)

  HANDLE_FIELDS(uv_pipe_t)
  STREAM_FIELDS(uv_pipe_t)
  FIELD(uv_pipe_t, ipc)

  HANDLE_FIELDS(uv_tty_t)
  STREAM_FIELDS(uv_tty_t)

  HANDLE_FIELDS(uv_udp_t)
  FIELD(uv_udp_t, send_queue_size)
  FIELD(uv_udp_t, send_queue_count)
  FIELD(uv_udp_t, io_watcher)
  FIELD(uv_udp_t, io_watcher.fd)

  HANDLE_FIELDS(uv_poll_t)
  FIELD(uv_poll_t, poll_cb)
  FIELD(uv_poll_t, io_watcher)
  FIELD(uv_poll_t, io_watcher.fd)

  HANDLE_FIELDS(uv_timer_t)
  HANDLE_FIELDS(uv_prepare_t)
  HANDLE_FIELDS(uv_check_t)
  HANDLE_FIELDS(uv_idle_t)
  HANDLE_FIELDS(uv_async_t)

  HANDLE_FIELDS(uv_process_t)
  FIELD(uv_process_t, exit_cb)
  FIELD(uv_process_t, pid)

  HANDLE_FIELDS(uv_fs_event_t)
  FIELD(uv_fs_event_t, path)

  HANDLE_FIELDS(uv_fs_poll_t)
  FIELD(uv_fs_poll_t, poll_ctx)

  HANDLE_FIELDS(uv_signal_t)
  FIELD(uv_signal_t, signal_cb)
  FIELD(uv_signal_t, signum)

  FIELD(uv__io_t, fd)
}

static void req_fields(void) {
  REQ_FIELDS(uv_req_t)

  REQ_FIELDS(uv_shutdown_t)
  FIELD(uv_shutdown_t, handle)
  FIELD(uv_shutdown_t, cb)

  REQ_FIELDS(uv_write_t)
  FIELD(uv_write_t, cb)
  FIELD(uv_write_t, send_handle)
  FIELD(uv_write_t, handle)

  REQ_FIELDS(uv_connect_t)
  FIELD(uv_connect_t, cb)
  FIELD(uv_connect_t, handle)

  REQ_FIELDS(uv_udp_send_t)
  FIELD(uv_udp_send_t, handle)
  FIELD(uv_udp_send_t, cb)

  REQ_FIELDS(uv_getaddrinfo_t)
  FIELD(uv_getaddrinfo_t, loop)
  FIELD(uv_getaddrinfo_t, addrinfo)
  FIELD(uv_getaddrinfo_t, retcode)

  REQ_FIELDS(uv_getnameinfo_t)
  FIELD(uv_getnameinfo_t, loop)
  FIELD(uv_getnameinfo_t, host)
  FIELD(uv_getnameinfo_t, service)
  FIELD(uv_getnameinfo_t, retcode)

  REQ_FIELDS(uv_fs_t)
  FIELD(uv_fs_t, fs_type)
  FIELD(uv_fs_t, loop)
  FIELD(uv_fs_t, cb)
  FIELD(uv_fs_t, result)
  FIELD(uv_fs_t, ptr)
  FIELD(uv_fs_t, path)
  FIELD(uv_fs_t, statbuf)
  FIELD(uv_fs_t, statbuf.st_size)
  FIELD(uv_fs_t, statbuf.st_birthtim.tv_nsec)

  REQ_FIELDS(uv_work_t)
  FIELD(uv_work_t, loop)
  FIELD(uv_work_t, work_cb)
  FIELD(uv_work_t, after_work_cb)

  REQ_FIELDS(uv_random_t)
  FIELD(uv_random_t, loop)
  FIELD(uv_random_t, status)
  FIELD(uv_random_t, buf)
  FIELD(uv_random_t, buflen)
  FIELD(uv_random_t, cb)
  FIELD(uv_random_t, work_req)
  FIELD(uv_random_t, work_req.work)
  FIELD(uv_random_t, work_req.done)
  FIELD(uv_random_t, work_req.loop)
  FIELD(uv_random_t, work_req.wq)
}

static void loop_fields(void) {
  FIELD(uv_loop_t, data)
  FIELD(uv_loop_t, active_handles)
  FIELD(uv_loop_t, handle_queue)
  FIELD(uv_loop_t, active_reqs)
  FIELD(uv_loop_t, active_reqs.unused)
  FIELD(uv_loop_t, active_reqs.count)
  FIELD(uv_loop_t, internal_fields)
  FIELD(uv_loop_t, stop_flag)
  FIELD(uv_loop_t, flags)
  FIELD(uv_loop_t, backend_fd)
  FIELD(uv_loop_t, time)
}

static void data_fields(void) {
  FIELD(struct uv__work, work)
  FIELD(struct uv__work, done)
  FIELD(struct uv__work, loop)
  FIELD(struct uv__work, wq)

  FIELD(uv_buf_t, base)
  FIELD(uv_buf_t, len)

  FIELD(uv_timespec_t, tv_sec)
  FIELD(uv_timespec_t, tv_nsec)

  FIELD(uv_stat_t, st_dev)
  FIELD(uv_stat_t, st_mode)
  FIELD(uv_stat_t, st_nlink)
  FIELD(uv_stat_t, st_uid)
  FIELD(uv_stat_t, st_gid)
  FIELD(uv_stat_t, st_rdev)
  FIELD(uv_stat_t, st_ino)
  FIELD(uv_stat_t, st_size)
  FIELD(uv_stat_t, st_blksize)
  FIELD(uv_stat_t, st_blocks)
  FIELD(uv_stat_t, st_flags)
  FIELD(uv_stat_t, st_gen)
  FIELD(uv_stat_t, st_atim)
  FIELD(uv_stat_t, st_atim.tv_sec)
  FIELD(uv_stat_t, st_atim.tv_nsec)
  FIELD(uv_stat_t, st_mtim)
  FIELD(uv_stat_t, st_ctim)
  FIELD(uv_stat_t, st_birthtim)

  FIELD(uv_timeval_t, tv_sec)
  FIELD(uv_timeval_t, tv_usec)

  FIELD(uv_timeval64_t, tv_sec)
  FIELD(uv_timeval64_t, tv_usec)

  FIELD(uv_rusage_t, ru_utime)
  FIELD(uv_rusage_t, ru_utime.tv_sec)
  FIELD(uv_rusage_t, ru_utime.tv_usec)
  FIELD(uv_rusage_t, ru_stime)
  FIELD(uv_rusage_t, ru_maxrss)
  FIELD(uv_rusage_t, ru_ixrss)
  FIELD(uv_rusage_t, ru_idrss)
  FIELD(uv_rusage_t, ru_isrss)
  FIELD(uv_rusage_t, ru_minflt)
  FIELD(uv_rusage_t, ru_majflt)
  FIELD(uv_rusage_t, ru_nswap)
  FIELD(uv_rusage_t, ru_inblock)
  FIELD(uv_rusage_t, ru_oublock)
  FIELD(uv_rusage_t, ru_msgsnd)
  FIELD(uv_rusage_t, ru_msgrcv)
  FIELD(uv_rusage_t, ru_nsignals)
  FIELD(uv_rusage_t, ru_nvcsw)
  FIELD(uv_rusage_t, ru_nivcsw)

  FIELD(uv_statfs_t, f_type)
  FIELD(uv_statfs_t, f_bsize)
  FIELD(uv_statfs_t, f_blocks)
  FIELD(uv_statfs_t, f_bfree)
  FIELD(uv_statfs_t, f_bavail)
  FIELD(uv_statfs_t, f_files)
  FIELD(uv_statfs_t, f_ffree)
  FIELD(uv_statfs_t, f_spare)

  FIELD(uv_dirent_t, name)
  FIELD(uv_dirent_t, type)

  FIELD(uv_dir_t, dirents)
  FIELD(uv_dir_t, nentries)
  FIELD(uv_dir_t, reserved)

  FIELD(uv_passwd_t, username)
  FIELD(uv_passwd_t, uid)
  FIELD(uv_passwd_t, gid)
  FIELD(uv_passwd_t, shell)
  FIELD(uv_passwd_t, homedir)

  FIELD(uv_utsname_t, sysname)
  FIELD(uv_utsname_t, release)
  FIELD(uv_utsname_t, version)
  FIELD(uv_utsname_t, machine)

  FIELD(struct uv_cpu_times_s, user)
  FIELD(struct uv_cpu_times_s, nice)
  FIELD(struct uv_cpu_times_s, sys)
  FIELD(struct uv_cpu_times_s, idle)
  FIELD(struct uv_cpu_times_s, irq)

  FIELD(uv_cpu_info_t, model)
  FIELD(uv_cpu_info_t, speed)
  FIELD(uv_cpu_info_t, cpu_times)
  FIELD(uv_cpu_info_t, cpu_times.user)
  FIELD(uv_cpu_info_t, cpu_times.irq)

  FIELD(uv_interface_address_t, name)
  FIELD(uv_interface_address_t, phys_addr)
  FIELD(uv_interface_address_t, is_internal)
  FIELD(uv_interface_address_t, address)
  FIELD(uv_interface_address_t, address.address4)
  FIELD(uv_interface_address_t, address.address6)
  FIELD(uv_interface_address_t, netmask)
  FIELD(uv_interface_address_t, netmask.netmask4)
  FIELD(uv_interface_address_t, netmask.netmask6)

  FIELD(uv_env_item_t, name)
  FIELD(uv_env_item_t, value)

  FIELD(uv_process_options_t, exit_cb)
  FIELD(uv_process_options_t, file)
  FIELD(uv_process_options_t, args)
  FIELD(uv_process_options_t, env)
  FIELD(uv_process_options_t, cwd)
  FIELD(uv_process_options_t, flags)
  FIELD(uv_process_options_t, stdio_count)
  FIELD(uv_process_options_t, stdio)
  FIELD(uv_process_options_t, uid)
  FIELD(uv_process_options_t, gid)

  FIELD(uv_stdio_container_t, flags)
  FIELD(uv_stdio_container_t, data)
  FIELD(uv_stdio_container_t, data.stream)
  FIELD(uv_stdio_container_t, data.fd)

  FIELD(uv_thread_options_t, flags)
  FIELD(uv_thread_options_t, stack_size)

  FIELD(uv_lib_t, handle)
  FIELD(uv_lib_t, errmsg)
}

/* One member per handle or request kind, from the X-macro maps. */
#define ANY_HANDLE_MEMBER(uc, lc)                                             \
  printf("any_handle %s %zu %zu\n", #lc,                                      \
         (size_t) offsetof(union uv_any_handle, lc),                          \
         (size_t) sizeof(((union uv_any_handle*) 0)->lc));
#define ANY_REQ_MEMBER(uc, lc)                                                \
  printf("any_req %s %zu %zu\n", #lc,                                         \
         (size_t) offsetof(union uv_any_req, lc),                             \
         (size_t) sizeof(((union uv_any_req*) 0)->lc));

static void unions(void) {
  UV_HANDLE_TYPE_MAP(ANY_HANDLE_MEMBER)
  UV_REQ_TYPE_MAP(ANY_REQ_MEMBER)
}

#define ERRNO_LINE(name, msg)                                                 \
  printf("errno UV_%s %d \"%s\"\n", #name, (int) UV_##name, msg);
#define HANDLE_TYPE_LINE(uc, lc)                                              \
  printf("handle_type UV_%s %d %s sizeof %zu\n", #uc, (int) UV_##uc, #lc,     \
         (size_t) sizeof(uv_##lc##_t));
#define REQ_TYPE_LINE(uc, lc)                                                 \
  printf("req_type UV_%s %d %s sizeof %zu\n", #uc, (int) UV_##uc, #lc,        \
         (size_t) sizeof(uv_##lc##_t));

static void constants(void) {
  CONST(UV_VERSION_MAJOR)
  CONST(UV_VERSION_MINOR)
  CONST(UV_VERSION_PATCH)
  CONST(UV_VERSION_IS_RELEASE)
  CONST(UV_VERSION_HEX)
  printf("const UV_VERSION_SUFFIX \"%s\"\n", UV_VERSION_SUFFIX);

  UV_ERRNO_MAP(ERRNO_LINE)
  CONST(UV_ERRNO_MAX)

  UV_HANDLE_TYPE_MAP(HANDLE_TYPE_LINE)
  CONST(UV_UNKNOWN_HANDLE)
  CONST(UV_FILE)
  CONST(UV_HANDLE_TYPE_MAX)

  UV_REQ_TYPE_MAP(REQ_TYPE_LINE)
  CONST(UV_UNKNOWN_REQ)
  CONST(UV_REQ_TYPE_MAX)

  /* uv_fs_type */
  CONST(UV_FS_UNKNOWN)
  CONST(UV_FS_CUSTOM)
  CONST(UV_FS_OPEN)
  CONST(UV_FS_CLOSE)
  CONST(UV_FS_READ)
  CONST(UV_FS_WRITE)
  CONST(UV_FS_SENDFILE)
  CONST(UV_FS_STAT)
  CONST(UV_FS_LSTAT)
  CONST(UV_FS_FSTAT)
  CONST(UV_FS_FTRUNCATE)
  CONST(UV_FS_UTIME)
  CONST(UV_FS_FUTIME)
  CONST(UV_FS_ACCESS)
  CONST(UV_FS_CHMOD)
  CONST(UV_FS_FCHMOD)
  CONST(UV_FS_FSYNC)
  CONST(UV_FS_FDATASYNC)
  CONST(UV_FS_UNLINK)
  CONST(UV_FS_RMDIR)
  CONST(UV_FS_MKDIR)
  CONST(UV_FS_MKDTEMP)
  CONST(UV_FS_RENAME)
  CONST(UV_FS_SCANDIR)
  CONST(UV_FS_LINK)
  CONST(UV_FS_SYMLINK)
  CONST(UV_FS_READLINK)
  CONST(UV_FS_CHOWN)
  CONST(UV_FS_FCHOWN)
  CONST(UV_FS_REALPATH)
  CONST(UV_FS_COPYFILE)
  CONST(UV_FS_LCHOWN)
  CONST(UV_FS_OPENDIR)
  CONST(UV_FS_READDIR)
  CONST(UV_FS_CLOSEDIR)
  CONST(UV_FS_STATFS)
  CONST(UV_FS_MKSTEMP)
  CONST(UV_FS_LUTIME)

  /* uv_fs_open() flags (some depend on _GNU_SOURCE). */
  CONST(UV_FS_O_APPEND)
  CONST(UV_FS_O_CREAT)
  CONST(UV_FS_O_DIRECT)
  CONST(UV_FS_O_DIRECTORY)
  CONST(UV_FS_O_DSYNC)
  CONST(UV_FS_O_EXCL)
  CONST(UV_FS_O_EXLOCK)
  CONST(UV_FS_O_NOATIME)
  CONST(UV_FS_O_NOCTTY)
  CONST(UV_FS_O_NOFOLLOW)
  CONST(UV_FS_O_NONBLOCK)
  CONST(UV_FS_O_RDONLY)
  CONST(UV_FS_O_RDWR)
  CONST(UV_FS_O_SYMLINK)
  CONST(UV_FS_O_SYNC)
  CONST(UV_FS_O_TRUNC)
  CONST(UV_FS_O_WRONLY)
  CONST(UV_FS_O_FILEMAP)
  CONST(UV_FS_O_RANDOM)
  CONST(UV_FS_O_SHORT_LIVED)
  CONST(UV_FS_O_SEQUENTIAL)
  CONST(UV_FS_O_TEMPORARY)

  CONST(UV_FS_COPYFILE_EXCL)
  CONST(UV_FS_COPYFILE_FICLONE)
  CONST(UV_FS_COPYFILE_FICLONE_FORCE)
  CONST(UV_FS_SYMLINK_DIR)
  CONST(UV_FS_SYMLINK_JUNCTION)

  /* uv_stdio_flags */
  CONST(UV_IGNORE)
  CONST(UV_CREATE_PIPE)
  CONST(UV_INHERIT_FD)
  CONST(UV_INHERIT_STREAM)
  CONST(UV_READABLE_PIPE)
  CONST(UV_WRITABLE_PIPE)
  CONST(UV_NONBLOCK_PIPE)
  CONST(UV_OVERLAPPED_PIPE)

  /* enum uv_process_flags */
  CONST(UV_PROCESS_SETUID)
  CONST(UV_PROCESS_SETGID)
  CONST(UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS)
  CONST(UV_PROCESS_DETACHED)
  CONST(UV_PROCESS_WINDOWS_HIDE)
  CONST(UV_PROCESS_WINDOWS_HIDE_CONSOLE)
  CONST(UV_PROCESS_WINDOWS_HIDE_GUI)

  /* enum uv_udp_flags */
  CONST(UV_UDP_IPV6ONLY)
  CONST(UV_UDP_PARTIAL)
  CONST(UV_UDP_REUSEADDR)
  CONST(UV_UDP_MMSG_CHUNK)
  CONST(UV_UDP_MMSG_FREE)
  CONST(UV_UDP_LINUX_RECVERR)
  CONST(UV_UDP_RECVMMSG)

  /* enum uv_tcp_flags */
  CONST(UV_TCP_IPV6ONLY)

  /* uv_tty_mode_t, uv_tty_vtermstate_t */
  CONST(UV_TTY_MODE_NORMAL)
  CONST(UV_TTY_MODE_RAW)
  CONST(UV_TTY_MODE_IO)
  CONST(UV_TTY_SUPPORTED)
  CONST(UV_TTY_UNSUPPORTED)

  /* uv_run_mode, uv_loop_option */
  CONST(UV_RUN_DEFAULT)
  CONST(UV_RUN_ONCE)
  CONST(UV_RUN_NOWAIT)
  CONST(UV_LOOP_BLOCK_SIGNAL)
  CONST(UV_METRICS_IDLE_TIME)

  /* enum uv_poll_event */
  CONST(UV_READABLE)
  CONST(UV_WRITABLE)
  CONST(UV_DISCONNECT)
  CONST(UV_PRIORITIZED)

  /* enum uv_fs_event, enum uv_fs_event_flags */
  CONST(UV_RENAME)
  CONST(UV_CHANGE)
  CONST(UV_FS_EVENT_WATCH_ENTRY)
  CONST(UV_FS_EVENT_STAT)
  CONST(UV_FS_EVENT_RECURSIVE)

  /* uv_membership */
  CONST(UV_LEAVE_GROUP)
  CONST(UV_JOIN_GROUP)

  /* uv_dirent_type_t */
  CONST(UV_DIRENT_UNKNOWN)
  CONST(UV_DIRENT_FILE)
  CONST(UV_DIRENT_DIR)
  CONST(UV_DIRENT_LINK)
  CONST(UV_DIRENT_FIFO)
  CONST(UV_DIRENT_SOCKET)
  CONST(UV_DIRENT_CHAR)
  CONST(UV_DIRENT_BLOCK)

  /* uv_thread_create_flags */
  CONST(UV_THREAD_NO_FLAGS)
  CONST(UV_THREAD_HAS_STACK_SIZE)

  CONST(UV_PRIORITY_LOW)
  CONST(UV_PRIORITY_BELOW_NORMAL)
  CONST(UV_PRIORITY_NORMAL)
  CONST(UV_PRIORITY_ABOVE_NORMAL)
  CONST(UV_PRIORITY_HIGH)
  CONST(UV_PRIORITY_HIGHEST)

  CONST(UV_MAXHOSTNAMESIZE)
  CONST(UV_IF_NAMESIZE)
}

/* UV_ONCE_INIT must initialise a static uv_once_t; print its bytes. */
static uv_once_t probe_once = UV_ONCE_INIT;

static void once_init(void) {
  unsigned char bytes[sizeof(uv_once_t)];
  size_t i;
  memcpy(bytes, &probe_once, sizeof bytes);
  printf("UV_ONCE_INIT");
  for (i = 0; i < sizeof bytes; i++) printf(" %02x", bytes[i]);
  printf("\n");
}

#ifdef GOUV_PROBE_V153
/* What libuv 1.45 to 1.53 added and gouv's header also declares: built
 * only for the comparison with libuv 1.53's header (scripts/abi_check.sh
 * defines GOUV_PROBE_V153 there), since 1.44's has none of it. */
static void v153(void) {
  TYPE(uv_metrics_t)
  FIELD(uv_metrics_t, loop_count)
  FIELD(uv_metrics_t, events)
  FIELD(uv_metrics_t, events_waiting)
  FIELD(uv_metrics_t, reserved)
  TYPE(uv_group_t)
  FIELD(uv_group_t, groupname)
  FIELD(uv_group_t, gid)
  FIELD(uv_group_t, members)
  TYPE(uv_timespec64_t)
  FIELD(uv_timespec64_t, tv_sec)
  FIELD(uv_timespec64_t, tv_nsec)
  TYPE(uv_clock_id)
  CONST(UV_CLOCK_MONOTONIC)
  CONST(UV_CLOCK_REALTIME)
  CONST(UV_PIPE_NO_TRUNCATE)
  CONST(UV_UDP_REUSEPORT)
  CONST(UV_THREAD_PRIORITY_HIGHEST)
  CONST(UV_THREAD_PRIORITY_ABOVE_NORMAL)
  CONST(UV_THREAD_PRIORITY_NORMAL)
  CONST(UV_THREAD_PRIORITY_BELOW_NORMAL)
  CONST(UV_THREAD_PRIORITY_LOWEST)
  CONST(UV_ENODATA)
  CONST(UV_EUNATCH)
  CONST(UV_ENOEXEC)
}
#endif

#ifdef __cplusplus
/* Syntax check only: C++ callers may pass a plain int as the tty mode, and
 * an enum argument must still pick the C function unambiguously. */
int probe_cxx_tty(uv_tty_t* handle);
int probe_cxx_tty(uv_tty_t* handle) {
  return uv_tty_set_mode(handle, 1) + uv_tty_set_mode(handle, UV_TTY_MODE_RAW);
}
#endif

int main(void) {
  types();
  handle_fields();
  req_fields();
  loop_fields();
  data_fields();
  unions();
  constants();
  once_init();
#ifdef GOUV_PROBE_V153
  v153();
#endif
  return 0;
}
