/* Error codes: uv_err_name, uv_strerror, their _r forms, and
 * uv_translate_sys_error. The table is walked through UV_ERRNO_MAP from the
 * header under test, so every code the header declares is checked against
 * the library's name and message for it. */
#include <errno.h>
#include <uv.h>

#include "harness.h"

struct code {
  int err;
  const char* name;
  const char* msg;
};

#define CODE_ENTRY(name, msg) {UV_##name, #name, msg},
static const struct code codes[] = {UV_ERRNO_MAP(CODE_ENTRY)};
#undef CODE_ENTRY

#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* The number the library under test uses for a code of this header.
 * UV_EFTYPE is -4028 here, libuv 1.44's number; libuv 1.53 built where the
 * system's errno.h defines EFTYPE (Debian's, with Linux 7.2's headers) uses
 * -134 and names -4028 an unknown error; gouv knows both numbers
 * (docs/differences.md). */
static int lib_code(int err) {
  if (err == -4028 && strstr(uv_version_string(), "gouv") == NULL &&
      uv_version() >= 0x013500)
    return -134;
  return err;
}

TEST(err_name_gives_the_name_of_every_code) {
  size_t i;

  for (i = 0; i < NCODES; i++) {
    const char* name = uv_err_name(lib_code(codes[i].err));
    CHECK(name != NULL);
    if (strcmp(name, codes[i].name) != 0) {
      fprintf(stderr, "uv_err_name(%d) = \"%s\", want \"%s\"\n", codes[i].err,
              name, codes[i].name);
      CHECK(0);
    }
    /* Every name is the constant without UV_, an E... name except one. */
    CHECK(name[0] == 'E' || strcmp(name, "UNKNOWN") == 0);
  }
}

TEST(strerror_gives_the_message_of_every_code) {
  size_t i;

  for (i = 0; i < NCODES; i++) {
    const char* msg = uv_strerror(lib_code(codes[i].err));
    CHECK(msg != NULL);
    if (strcmp(msg, codes[i].msg) != 0) {
      fprintf(stderr, "uv_strerror(%s) = \"%s\", want \"%s\"\n", codes[i].name,
              msg, codes[i].msg);
      CHECK(0);
    }
  }
}

TEST(every_code_is_negative_and_distinct) {
  size_t i, j;

  for (i = 0; i < NCODES; i++) {
    CHECK(codes[i].err < 0);
    CHECK(codes[i].err > UV_ERRNO_MAX);
    for (j = i + 1; j < NCODES; j++)
      CHECK(codes[i].err != codes[j].err);
  }
}

TEST(some_well_known_codes_have_their_expected_text) {
  CHECK(strcmp(uv_err_name(UV_EOF), "EOF") == 0);
  CHECK(strcmp(uv_strerror(UV_EOF), "end of file") == 0);
  CHECK(strcmp(uv_err_name(UV_ENOENT), "ENOENT") == 0);
  CHECK(strcmp(uv_strerror(UV_ENOENT), "no such file or directory") == 0);
  CHECK(strcmp(uv_err_name(UV_EAI_NONAME), "EAI_NONAME") == 0);
  CHECK(strcmp(uv_strerror(UV_ECANCELED), "operation canceled") == 0);
}

TEST(err_name_r_and_strerror_r_copy_the_whole_text_when_it_fits) {
  char buf[128];
  size_t i;

  for (i = 0; i < NCODES; i++) {
    CHECK(uv_err_name_r(lib_code(codes[i].err), buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, codes[i].name) == 0);
    CHECK(uv_strerror_r(lib_code(codes[i].err), buf, sizeof(buf)) == buf);
    CHECK(strcmp(buf, codes[i].msg) == 0);
  }
}

TEST(err_name_r_and_strerror_r_truncate_and_terminate_in_small_buffers) {
  char buf[16];

  memset(buf, 'x', sizeof(buf));
  CHECK(uv_err_name_r(UV_EADDRINUSE, buf, 4) == buf);
  CHECK(strcmp(buf, "EAD") == 0);
  CHECK_EQ(buf[4], 'x'); /* nothing written past the given length */

  memset(buf, 'x', sizeof(buf));
  CHECK(uv_strerror_r(UV_EADDRINUSE, buf, 8) == buf);
  CHECK(strcmp(buf, "address") == 0);
  CHECK_EQ(buf[8], 'x');

  memset(buf, 'x', sizeof(buf));
  uv_strerror_r(UV_EOF, buf, 1);
  CHECK_EQ(buf[0], '\0');
  CHECK_EQ(buf[1], 'x');
}

TEST(err_name_r_and_strerror_r_write_nothing_into_a_zero_length_buffer) {
  char buf[8];

  memset(buf, 'x', sizeof(buf));
  CHECK(uv_err_name_r(UV_EOF, buf, 0) == buf);
  CHECK(uv_strerror_r(UV_EOF, buf, 0) == buf);
  CHECK(uv_err_name_r(-9999, buf, 0) == buf);
  CHECK(uv_strerror_r(-9999, buf, 0) == buf);
  CHECK(memcmp(buf, "xxxxxxxx", 8) == 0);
}

TEST(unknown_codes_are_named_by_number) {
  CHECK(strcmp(uv_err_name(-9999), "Unknown system error -9999") == 0);
  CHECK(strcmp(uv_strerror(-9999), "Unknown system error -9999") == 0);
  CHECK(strcmp(uv_err_name(0), "Unknown system error 0") == 0);
  CHECK(strcmp(uv_strerror(0), "Unknown system error 0") == 0);
  CHECK(strcmp(uv_err_name(12345), "Unknown system error 12345") == 0);
}

TEST(unknown_codes_in_r_forms_are_named_by_number_and_truncated) {
  char buf[64];

  CHECK(uv_err_name_r(-9999, buf, sizeof(buf)) == buf);
  CHECK(strcmp(buf, "Unknown system error -9999") == 0);
  CHECK(uv_strerror_r(-9999, buf, sizeof(buf)) == buf);
  CHECK(strcmp(buf, "Unknown system error -9999") == 0);

  memset(buf, 'x', sizeof(buf));
  uv_strerror_r(-9999, buf, 8);
  CHECK(strcmp(buf, "Unknown") == 0);
  CHECK_EQ(buf[8], 'x');
  memset(buf, 'x', sizeof(buf));
  uv_err_name_r(-9999, buf, 8);
  CHECK(strcmp(buf, "Unknown") == 0);
}

TEST(translate_sys_error_negates_errno_and_passes_codes_through) {
  CHECK_EQ(uv_translate_sys_error(EPERM), UV_EPERM);
  CHECK_EQ(uv_translate_sys_error(ENOENT), UV_ENOENT);
  CHECK_EQ(uv_translate_sys_error(EAGAIN), UV_EAGAIN);
  CHECK_EQ(uv_translate_sys_error(EINVAL), UV_EINVAL);
  CHECK_EQ(uv_translate_sys_error(ECONNRESET), UV_ECONNRESET);
  CHECK_EQ(uv_translate_sys_error(UV_EPIPE), UV_EPIPE);
  CHECK_EQ(uv_translate_sys_error(UV_EOF), UV_EOF);
  CHECK_EQ(uv_translate_sys_error(0), 0);
}

TEST(system_codes_are_the_negated_linux_errno) {
  CHECK_EQ(UV_EPERM, -EPERM);
  CHECK_EQ(UV_ENOENT, -ENOENT);
  CHECK_EQ(UV_EAGAIN, -EAGAIN);
  CHECK_EQ(UV_ETIMEDOUT, -ETIMEDOUT);
  CHECK_EQ(UV_ENOTSUP, -ENOTSUP);
  CHECK_EQ(UV_ECANCELED, -ECANCELED);
}

HARNESS_MAIN
