/* Address parsing and formatting on random input, against the C library:
 * uv_inet_pton and uv_inet_ntop must agree with inet_pton and inet_ntop
 * (libuv also accepts an IPv6 zone after '%', which it drops), and
 * uv_ip4_addr/uv_ip6_addr and uv_ip4_name/uv_ip6_name must agree with
 * them. The inputs come from a fixed generator: digits, hex letters, dots,
 * colons and percent signs with some random bytes, so that most of them
 * are near-addresses. Under the sanitizers (scripts/harden.sh) this is
 * also a memory check of the parsers on malformed text. */
#include <uv.h>

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

/* A near-address: pieces of addresses, mostly. */
static void gen(char* s, size_t cap) {
  static const char alpha[] = "0123456789abcdefABCDEF.:%";
  static const char* pieces[] = {"::", "ffff:", "127.0.0.1", "1.2.3.4", "255", "256", "0x1",
                                 "fe80::", "%eth0", "::1", "1:2:3:4:5:6:7:8", "00", "1.2.3",
                                 ".", ":", "%", "::ffff:", "01.2.3.4"};
  size_t n = 0, want = rnd(40);
  while (n < want && n + 20 < cap) {
    unsigned k = rnd(10);
    if (k < 4) {
      const char* p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
      memcpy(s + n, p, strlen(p));
      n += strlen(p);
    } else if (k < 9) {
      s[n++] = alpha[rnd(sizeof alpha - 1)];
    } else {
      s[n++] = (char)(1 + rnd(255));
    }
  }
  s[n] = '\0';
}

TEST(inet_pton_agrees_with_libc_on_random_text) {
  char s[128], plain[128];
  unsigned char a[16], b[16];
  int i, accepted4 = 0, accepted6 = 0;
  for (i = 0; i < 200000; i++) {
    char* pct;
    int r, want;
    gen(s, sizeof s);
    memset(a, 0xaa, sizeof a);
    memset(b, 0xaa, sizeof b);
    r = uv_inet_pton(AF_INET, s, a);
    want = inet_pton(AF_INET, s, b);
    if ((r == 0) != (want == 1) || (r == 0 && memcmp(a, b, 4) != 0)) {
      fprintf(stderr, "AF_INET \"%s\": uv %d, libc %d\n", s, r, want);
      CHECK(0);
    }
    accepted4 += r == 0;
    /* libuv reads an IPv6 zone ("%eth0") and drops it; libc has none. */
    strcpy(plain, s);
    pct = strchr(plain, '%');
    if (pct != NULL)
      *pct = '\0';
    memset(a, 0xaa, sizeof a);
    memset(b, 0xaa, sizeof b);
    r = uv_inet_pton(AF_INET6, s, a);
    want = inet_pton(AF_INET6, plain, b);
    if ((r == 0) != (want == 1) || (r == 0 && memcmp(a, b, 16) != 0)) {
      fprintf(stderr, "AF_INET6 \"%s\": uv %d, libc %d\n", s, r, want);
      CHECK(0);
    }
    accepted6 += r == 0;
  }
  printf("accepted as IPv4 %d, as IPv6 %d of 200000\n", accepted4, accepted6);
  /* The generator must produce addresses too, not only garbage. */
  CHECK(accepted4 > 100);
  CHECK(accepted6 > 100);
}

TEST(inet_ntop_agrees_with_libc_on_random_addresses) {
  unsigned char a[16];
  char got[64], want[64];
  int i, j, size;
  for (i = 0; i < 200000; i++) {
    /* Mostly zero words, so that runs of zeros and mapped and compatible
     * forms come up often. */
    for (j = 0; j < 16; j += 2) {
      unsigned k = rnd(4);
      a[j] = k == 0 ? (unsigned char)rnd(256) : 0;
      a[j + 1] = k == 0 || k == 1 ? (unsigned char)rnd(256) : 0;
    }
    if (rnd(8) == 0)
      a[10] = a[11] = 0xff;
    CHECK_EQ(uv_inet_ntop(AF_INET6, a, got, sizeof got), 0);
    CHECK(inet_ntop(AF_INET6, a, want, sizeof want) != NULL);
    if (strcmp(got, want) != 0) {
      fprintf(stderr, "AF_INET6: uv \"%s\", libc \"%s\"\n", got, want);
      CHECK(0);
    }
    CHECK_EQ(uv_inet_ntop(AF_INET, a + 12, got, sizeof got), 0);
    CHECK(inet_ntop(AF_INET, a + 12, want, sizeof want) != NULL);
    CHECK(strcmp(got, want) == 0);
    /* Too small a buffer is ENOSPC, never an overrun. */
    size = (int)rnd((unsigned)strlen(want) + 1);
    CHECK_EQ(uv_inet_ntop(AF_INET, a + 12, got, (size_t)size), UV_ENOSPC);
  }
}

TEST(ip_addr_and_name_round_trip_on_random_text) {
  char s[128], name[64];
  struct sockaddr_in a4;
  struct sockaddr_in6 a6;
  int i, port;
  for (i = 0; i < 100000; i++) {
    gen(s, sizeof s);
    port = (int)rnd(65536);
    if (uv_ip4_addr(s, port, &a4) == 0) {
      CHECK_EQ(a4.sin_family, AF_INET);
      CHECK_EQ(ntohs(a4.sin_port), port);
      CHECK_EQ(uv_ip4_name(&a4, name, sizeof name), 0);
      CHECK_EQ(uv_ip4_addr(name, port, &a4), 0);
    }
    if (uv_ip6_addr(s, port, &a6) == 0) {
      struct sockaddr_in6 back;
      CHECK_EQ(a6.sin6_family, AF_INET6);
      CHECK_EQ(ntohs(a6.sin6_port), port);
      CHECK_EQ(uv_ip6_name(&a6, name, sizeof name), 0);
      CHECK_EQ(uv_ip6_addr(name, port, &back), 0);
      CHECK(memcmp(&back.sin6_addr, &a6.sin6_addr, 16) == 0);
    }
  }
}

HARNESS_MAIN
