/* gouv implements the interface of libuv 1.53.0 (every function of 1.53, and
 * the binary layout that 1.44 and 1.53 share); these macros describe that
 * interface, so code that checks UV_VERSION_HEX sees the version it expects.
 * uv_version_string() at run time adds a suffix naming gouv. This file is
 * the version's one source: the library, CMake and the Debian packages read
 * it. */
#ifndef GOUV_UV_VERSION_H
#define GOUV_UV_VERSION_H

#define UV_VERSION_MAJOR 1
#define UV_VERSION_MINOR 53
#define UV_VERSION_PATCH 0
#define UV_VERSION_IS_RELEASE 1
#define UV_VERSION_SUFFIX ""

#define UV_VERSION_HEX \
  ((UV_VERSION_MAJOR << 16) | (UV_VERSION_MINOR << 8) | (UV_VERSION_PATCH))

#endif /* GOUV_UV_VERSION_H */
