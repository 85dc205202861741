/* gouv: libuv 1.44 compatible error codes for Linux x86-64.
 *
 * Every code is a negative number. Codes that mirror a Linux errno are that
 * errno negated; the others (resolver failures, end of file, ...) use the
 * fixed values that libuv assigns them, so that programs built against
 * either library agree on every number. */
#ifndef GOUV_UV_ERRNO_H
#define GOUV_UV_ERRNO_H

/* UV_ERRNO_MAP(X) expands X(NAME, "message") once per error code, in the
 * order libuv lists them. The messages are what uv_strerror() returns. */
#define UV_ERRNO_MAP(X)                                                       \
  X(E2BIG, "argument list too long")                                          \
  X(EACCES, "permission denied")                                              \
  X(EADDRINUSE, "address already in use")                                     \
  X(EADDRNOTAVAIL, "address not available")                                   \
  X(EAFNOSUPPORT, "address family not supported")                             \
  X(EAGAIN, "resource temporarily unavailable")                               \
  X(EAI_ADDRFAMILY, "address family not supported")                           \
  X(EAI_AGAIN, "temporary failure")                                           \
  X(EAI_BADFLAGS, "bad ai_flags value")                                       \
  X(EAI_BADHINTS, "invalid value for hints")                                  \
  X(EAI_CANCELED, "request canceled")                                         \
  X(EAI_FAIL, "permanent failure")                                            \
  X(EAI_FAMILY, "ai_family not supported")                                    \
  X(EAI_MEMORY, "out of memory")                                              \
  X(EAI_NODATA, "no address")                                                 \
  X(EAI_NONAME, "unknown node or service")                                    \
  X(EAI_OVERFLOW, "argument buffer overflow")                                 \
  X(EAI_PROTOCOL, "resolved protocol is unknown")                             \
  X(EAI_SERVICE, "service not available for socket type")                     \
  X(EAI_SOCKTYPE, "socket type not supported")                                \
  X(EALREADY, "connection already in progress")                               \
  X(EBADF, "bad file descriptor")                                             \
  X(EBUSY, "resource busy or locked")                                         \
  X(ECANCELED, "operation canceled")                                          \
  X(ECHARSET, "invalid Unicode character")                                    \
  X(ECONNABORTED, "software caused connection abort")                         \
  X(ECONNREFUSED, "connection refused")                                       \
  X(ECONNRESET, "connection reset by peer")                                   \
  X(EDESTADDRREQ, "destination address required")                             \
  X(EEXIST, "file already exists")                                            \
  X(EFAULT, "bad address in system call argument")                            \
  X(EFBIG, "file too large")                                                  \
  X(EHOSTUNREACH, "host is unreachable")                                      \
  X(EINTR, "interrupted system call")                                         \
  X(EINVAL, "invalid argument")                                               \
  X(EIO, "i/o error")                                                         \
  X(EISCONN, "socket is already connected")                                   \
  X(EISDIR, "illegal operation on a directory")                               \
  X(ELOOP, "too many symbolic links encountered")                             \
  X(EMFILE, "too many open files")                                            \
  X(EMSGSIZE, "message too long")                                             \
  X(ENAMETOOLONG, "name too long")                                            \
  X(ENETDOWN, "network is down")                                              \
  X(ENETUNREACH, "network is unreachable")                                    \
  X(ENFILE, "file table overflow")                                            \
  X(ENOBUFS, "no buffer space available")                                     \
  X(ENODEV, "no such device")                                                 \
  X(ENOENT, "no such file or directory")                                      \
  X(ENOMEM, "not enough memory")                                              \
  X(ENONET, "machine is not on the network")                                  \
  X(ENOPROTOOPT, "protocol not available")                                    \
  X(ENOSPC, "no space left on device")                                        \
  X(ENOSYS, "function not implemented")                                       \
  X(ENOTCONN, "socket is not connected")                                      \
  X(ENOTDIR, "not a directory")                                               \
  X(ENOTEMPTY, "directory not empty")                                         \
  X(ENOTSOCK, "socket operation on non-socket")                               \
  X(ENOTSUP, "operation not supported on socket")                             \
  X(EOVERFLOW, "value too large for defined data type")                       \
  X(EPERM, "operation not permitted")                                         \
  X(EPIPE, "broken pipe")                                                     \
  X(EPROTO, "protocol error")                                                 \
  X(EPROTONOSUPPORT, "protocol not supported")                                \
  X(EPROTOTYPE, "protocol wrong type for socket")                             \
  X(ERANGE, "result too large")                                               \
  X(EROFS, "read-only file system")                                           \
  X(ESHUTDOWN, "cannot send after transport endpoint shutdown")               \
  X(ESPIPE, "invalid seek")                                                   \
  X(ESRCH, "no such process")                                                 \
  X(ETIMEDOUT, "connection timed out")                                        \
  X(ETXTBSY, "text file is busy")                                             \
  X(EXDEV, "cross-device link not permitted")                                 \
  X(UNKNOWN, "unknown error")                                                 \
  X(EOF, "end of file")                                                       \
  X(ENXIO, "no such device or address")                                       \
  X(EMLINK, "too many links")                                                 \
  X(EHOSTDOWN, "host is down")                                                \
  X(EREMOTEIO, "remote I/O error")                                            \
  X(ENOTTY, "inappropriate ioctl for device")                                 \
  X(EFTYPE, "inappropriate file type or format")                              \
  X(EILSEQ, "illegal byte sequence")                                          \
  X(ESOCKTNOSUPPORT, "socket type not supported")                             \

/* The numbers themselves (Linux x86-64). */
typedef enum {
  UV_E2BIG = -7,
  UV_EACCES = -13,
  UV_EADDRINUSE = -98,
  UV_EADDRNOTAVAIL = -99,
  UV_EAFNOSUPPORT = -97,
  UV_EAGAIN = -11,
  UV_EAI_ADDRFAMILY = -3000,
  UV_EAI_AGAIN = -3001,
  UV_EAI_BADFLAGS = -3002,
  UV_EAI_BADHINTS = -3013,
  UV_EAI_CANCELED = -3003,
  UV_EAI_FAIL = -3004,
  UV_EAI_FAMILY = -3005,
  UV_EAI_MEMORY = -3006,
  UV_EAI_NODATA = -3007,
  UV_EAI_NONAME = -3008,
  UV_EAI_OVERFLOW = -3009,
  UV_EAI_PROTOCOL = -3014,
  UV_EAI_SERVICE = -3010,
  UV_EAI_SOCKTYPE = -3011,
  UV_EALREADY = -114,
  UV_EBADF = -9,
  UV_EBUSY = -16,
  UV_ECANCELED = -125,
  UV_ECHARSET = -4080,
  UV_ECONNABORTED = -103,
  UV_ECONNREFUSED = -111,
  UV_ECONNRESET = -104,
  UV_EDESTADDRREQ = -89,
  UV_EEXIST = -17,
  UV_EFAULT = -14,
  UV_EFBIG = -27,
  UV_EHOSTUNREACH = -113,
  UV_EINTR = -4,
  UV_EINVAL = -22,
  UV_EIO = -5,
  UV_EISCONN = -106,
  UV_EISDIR = -21,
  UV_ELOOP = -40,
  UV_EMFILE = -24,
  UV_EMSGSIZE = -90,
  UV_ENAMETOOLONG = -36,
  UV_ENETDOWN = -100,
  UV_ENETUNREACH = -101,
  UV_ENFILE = -23,
  UV_ENOBUFS = -105,
  UV_ENODEV = -19,
  UV_ENOENT = -2,
  UV_ENOMEM = -12,
  UV_ENONET = -64,
  UV_ENOPROTOOPT = -92,
  UV_ENOSPC = -28,
  UV_ENOSYS = -38,
  UV_ENOTCONN = -107,
  UV_ENOTDIR = -20,
  UV_ENOTEMPTY = -39,
  UV_ENOTSOCK = -88,
  UV_ENOTSUP = -95,
  UV_EOVERFLOW = -75,
  UV_EPERM = -1,
  UV_EPIPE = -32,
  UV_EPROTO = -71,
  UV_EPROTONOSUPPORT = -93,
  UV_EPROTOTYPE = -91,
  UV_ERANGE = -34,
  UV_EROFS = -30,
  UV_ESHUTDOWN = -108,
  UV_ESPIPE = -29,
  UV_ESRCH = -3,
  UV_ETIMEDOUT = -110,
  UV_ETXTBSY = -26,
  UV_EXDEV = -18,
  UV_UNKNOWN = -4094,
  UV_EOF = -4095,
  UV_ENXIO = -6,
  UV_EMLINK = -31,
  UV_EHOSTDOWN = -112,
  UV_EREMOTEIO = -121,
  UV_ENOTTY = -25,
  UV_EFTYPE = -4028,
  UV_EILSEQ = -84,
  UV_ESOCKTNOSUPPORT = -94,
  /* Added by libuv 1.45 to 1.53, outside UV_ERRNO_MAP, which stays 1.44's.
   * libuv 1.53 also renumbers UV_EFTYPE to -134 on Linux; UV_EFTYPE here
   * keeps 1.44's value, and uv_err_name and uv_strerror know both. */
  UV_ENODATA = -61,
  UV_EUNATCH = -49,
  UV_ENOEXEC = -8,
  /* One below the smallest code (end of file), as in libuv. */
  UV_ERRNO_MAX = -4096
} uv_errno_t;

#endif /* GOUV_UV_ERRNO_H */
