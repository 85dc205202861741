/* gouv: UTF-16 <-> WTF-8 conversions (libuv 1.47's helpers, meant for
 * Windows paths but exported everywhere).
 *
 * WTF-8 is UTF-8 that may also encode lone surrogates (U+D800..U+DFFF) as
 * three-byte sequences, so that any sequence of 16-bit units survives a
 * round trip. A UTF-16 length of -1 means the input ends at its first zero
 * unit. Pure C, no crossing into Go. */
#include <stdint.h>
#include <stdlib.h>

#include "uv.h"
#include "internal.h"

/* Reads one code point (or lone surrogate) at units[*i], of at most left
 * units (left < 0: no limit), and advances *i past it. */
static uint32_t gouv__utf16_next(const uint16_t* units, ssize_t left, size_t* i) {
  uint32_t hi = units[*i];
  uint32_t lo;
  (*i)++;
  if (hi < 0xD800 || hi > 0xDBFF || left == 1)
    return hi;
  lo = units[*i];
  if (lo < 0xDC00 || lo > 0xDFFF)
    return hi; /* a high surrogate alone */
  (*i)++;
  return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

static size_t gouv__wtf8_width(uint32_t cp) {
  if (cp < 0x80)
    return 1;
  if (cp < 0x800)
    return 2;
  if (cp < 0x10000)
    return 3;
  return 4;
}

/* Writes cp's encoding into out (4 bytes of room). */
static size_t gouv__wtf8_put(uint32_t cp, unsigned char* out) {
  size_t n = gouv__wtf8_width(cp);
  size_t k;
  static const unsigned char lead[5] = {0, 0x00, 0xC0, 0xE0, 0xF0};
  for (k = n - 1; k > 0; k--) {
    out[k] = (unsigned char)(0x80 | (cp & 0x3F));
    cp >>= 6;
  }
  out[0] = (unsigned char)(lead[n] | cp);
  return n;
}

/* How many units remain at position i of a string of len units. */
static ssize_t gouv__utf16_left(ssize_t len, size_t i) {
  return len < 0 ? -1 : len - (ssize_t)i;
}

size_t uv_utf16_length_as_wtf8(const uint16_t* utf16, ssize_t utf16_len) {
  size_t i = 0;
  size_t total = 0;
  if (utf16 == NULL)
    return 0;
  while (utf16_len < 0 || (ssize_t)i < utf16_len) {
    uint32_t cp;
    if (utf16_len < 0 && utf16[i] == 0)
      break;
    cp = gouv__utf16_next(utf16, gouv__utf16_left(utf16_len, i), &i);
    total += gouv__wtf8_width(cp);
  }
  return total;
}

int uv_utf16_to_wtf8(const uint16_t* utf16, ssize_t utf16_len, char** wtf8_ptr,
                     size_t* wtf8_len_ptr) {
  size_t need;
  size_t cap;
  size_t used = 0;
  size_t i = 0;
  unsigned char* out;

  need = uv_utf16_length_as_wtf8(utf16, utf16_len);
  if (wtf8_ptr == NULL) {
    /* Only the length is wanted. */
    if (wtf8_len_ptr != NULL)
      *wtf8_len_ptr = need;
    return 0;
  }
  if (*wtf8_ptr == NULL) {
    out = gouv__malloc(need + 1);
    if (out == NULL)
      return UV_ENOMEM;
    *wtf8_ptr = (char*)out;
    cap = need;
  } else {
    /* The caller's buffer: *wtf8_len_ptr bytes plus one for the NUL. */
    out = (unsigned char*)*wtf8_ptr;
    cap = wtf8_len_ptr != NULL ? *wtf8_len_ptr : 0;
  }

  while (used < cap && (utf16_len < 0 || (ssize_t)i < utf16_len)) {
    unsigned char enc[4];
    size_t n;
    size_t k;
    uint32_t cp;
    if (utf16_len < 0 && utf16[i] == 0)
      break;
    cp = gouv__utf16_next(utf16, gouv__utf16_left(utf16_len, i), &i);
    n = gouv__wtf8_put(cp, enc);
    /* A character that does not fit is cut, as libuv does: the caller
     * learns the size it needs from UV_ENOBUFS. */
    for (k = 0; k < n && used < cap; k++)
      out[used++] = enc[k];
  }
  out[used] = '\0';
  if (wtf8_len_ptr != NULL)
    *wtf8_len_ptr = need > cap ? need : used;
  return need > cap ? UV_ENOBUFS : 0;
}

/* Decodes the WTF-8 sequence at *p and moves *p to its last byte. Returns
 * the code point, or -1 for bytes that are not WTF-8. */
static int32_t gouv__wtf8_next(const unsigned char** p) {
  const unsigned char* s = *p;
  uint32_t cp;
  int more;
  int k;
  if (s[0] < 0x80)
    return s[0];
  if (s[0] < 0xC2 || s[0] > 0xF4)
    return -1; /* a continuation byte, an overlong pair, or past U+10FFFF */
  if (s[0] < 0xE0) {
    more = 1;
    cp = s[0] & 0x1F;
  } else if (s[0] < 0xF0) {
    more = 2;
    cp = s[0] & 0x0F;
  } else {
    more = 3;
    cp = s[0] & 0x07;
  }
  for (k = 1; k <= more; k++) {
    if ((s[k] & 0xC0) != 0x80)
      return -1;
    cp = (cp << 6) | (s[k] & 0x3F);
  }
  if (cp > 0x10FFFF)
    return -1;
  *p = s + more;
  return (int32_t)cp;
}

ssize_t uv_wtf8_length_as_utf16(const char* wtf8) {
  const unsigned char* p = (const unsigned char*)wtf8;
  ssize_t units = 0;
  if (p == NULL)
    return UV_EINVAL;
  for (;;) {
    int32_t cp = gouv__wtf8_next(&p);
    if (cp < 0)
      return UV_EINVAL;
    units += cp > 0xFFFF ? 2 : 1;
    if (*p++ == 0)
      return units; /* the terminator is counted too */
  }
}

void uv_wtf8_to_utf16(const char* wtf8, uint16_t* utf16, size_t utf16_len) {
  const unsigned char* p = (const unsigned char*)wtf8;
  size_t n = 0;
  if (p == NULL || utf16 == NULL)
    return;
  /* The caller measured with uv_wtf8_length_as_utf16 first; stop at
   * anything invalid or at the end of the buffer all the same. */
  while (n < utf16_len) {
    int32_t cp = gouv__wtf8_next(&p);
    if (cp < 0)
      return;
    if (cp > 0xFFFF) {
      if (n + 2 > utf16_len)
        return;
      utf16[n++] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
      utf16[n++] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      utf16[n++] = (uint16_t)cp;
    }
    if (*p++ == 0)
      return;
  }
}
