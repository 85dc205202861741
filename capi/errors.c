/* gouv: error names and messages, and errno translation.
 *
 * Every table here is generated from UV_ERRNO_MAP in uv/errno.h, so a code
 * added there gets its name and message without touching this file. These
 * functions only format text, so they stay in C (no crossing into Go). */
#include <stdio.h>
#include <string.h>

#include "uv.h"
#include "internal.h"

/* libuv's answer for a code it does not know: a fresh string naming the
 * number. Both uv_err_name() and uv_strerror() return it, and it is never
 * freed (the signature returns const char* the caller does not own). */
static const char* gouv__unknown_err_code(int err) {
  char buf[32];
  char* copy;

  snprintf(buf, sizeof(buf), "Unknown system error %d", err);
  copy = gouv__strdup(buf);
  return copy != NULL ? copy : "Unknown system error";
}

/* Copies src into buf, truncating to buflen - 1 bytes and always ending it
 * with a NUL when there is room for one, as libuv's _r functions do. */
static void gouv__copy_truncated(char* buf, const char* src, size_t buflen) {
  size_t len;

  if (buflen == 0)
    return;
  len = strlen(src);
  if (len >= buflen)
    len = buflen - 1;
  memcpy(buf, src, len);
  buf[len] = '\0';
}

/* The codes libuv 1.45 to 1.53 added, and 1.53's number for EFTYPE on
 * Linux (-134; UV_EFTYPE keeps 1.44's -4028): a host built against 1.53's
 * header may pass any of them. UV_ERRNO_MAP stays 1.44's list, so these
 * have a list of their own: X(code, name, message). */
#define GOUV__EFTYPE_153 (-134)
#define GOUV__ERRNO_MAP_NEWER(X)                                              \
  X(UV_ENODATA, "ENODATA", "no data available")                              \
  X(UV_EUNATCH, "EUNATCH", "protocol driver not attached")                   \
  X(UV_ENOEXEC, "ENOEXEC", "exec format error")                              \
  X(GOUV__EFTYPE_153, "EFTYPE", "inappropriate file type or format")

#define GOUV__NEWER_NAME(code, name, _) case code: return name;
#define GOUV__NEWER_MSG(code, _, msg) case code: return msg;
#define GOUV__NEWER_NAME_R(code, name, _)                                     \
  case code:                                                                  \
    gouv__copy_truncated(buf, name, buflen);                                  \
    break;
#define GOUV__NEWER_MSG_R(code, _, msg)                                       \
  case code:                                                                  \
    gouv__copy_truncated(buf, msg, buflen);                                   \
    break;

#define GOUV__ERR_NAME(name, _) case UV_##name: return #name;
const char* uv_err_name(int err) {
  switch (err) {
    UV_ERRNO_MAP(GOUV__ERR_NAME)
    GOUV__ERRNO_MAP_NEWER(GOUV__NEWER_NAME)
  }
  return gouv__unknown_err_code(err);
}
#undef GOUV__ERR_NAME

#define GOUV__STRERROR(name, msg) case UV_##name: return msg;
const char* uv_strerror(int err) {
  switch (err) {
    UV_ERRNO_MAP(GOUV__STRERROR)
    GOUV__ERRNO_MAP_NEWER(GOUV__NEWER_MSG)
  }
  return gouv__unknown_err_code(err);
}
#undef GOUV__STRERROR

#define GOUV__ERR_NAME_R(name, _)                                             \
  case UV_##name:                                                             \
    gouv__copy_truncated(buf, #name, buflen);                                 \
    break;
char* uv_err_name_r(int err, char* buf, size_t buflen) {
  switch (err) {
    UV_ERRNO_MAP(GOUV__ERR_NAME_R)
    GOUV__ERRNO_MAP_NEWER(GOUV__NEWER_NAME_R)
    default:
      snprintf(buf, buflen, "Unknown system error %d", err);
  }
  return buf;
}
#undef GOUV__ERR_NAME_R

#define GOUV__STRERROR_R(name, msg)                                           \
  case UV_##name:                                                             \
    gouv__copy_truncated(buf, msg, buflen);                                   \
    break;
char* uv_strerror_r(int err, char* buf, size_t buflen) {
  switch (err) {
    UV_ERRNO_MAP(GOUV__STRERROR_R)
    GOUV__ERRNO_MAP_NEWER(GOUV__NEWER_MSG_R)
    default:
      snprintf(buf, buflen, "Unknown system error %d", err);
  }
  return buf;
}
#undef GOUV__STRERROR_R

/* On Unix a UV_E* code is the negated errno, so translation is a sign flip;
 * values that are already codes (or zero) pass through unchanged. */
int uv_translate_sys_error(int sys_errno) {
  return sys_errno <= 0 ? sys_errno : -sys_errno;
}
