/* A small test harness for gouv's C tests.
 *
 * Each test file defines tests with TEST(name) { ... } and ends with
 * HARNESS_MAIN. CMake reads the TEST(...) lines and registers one ctest case
 * per test, running `<binary> <name>`; with no argument the binary runs every
 * test it holds. The same sources build against gouv and against the system
 * libuv (reference mode); a test passes only if it passes on both.
 *
 * CHECK(cond) fails the current test with the file, line and condition.
 * CHECK_EQ(a, b) compares two integers and prints both on failure. */
#ifndef GOUV_TEST_HARNESS_H
#define GOUV_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef void (*harness_fn)(void);

struct harness_case {
  const char* name;
  harness_fn fn;
  struct harness_case* next;
};

static struct harness_case* harness_cases;

#define TEST(name)                                                          \
  static void test_##name(void);                                            \
  __attribute__((constructor)) static void harness_register_##name(void) {  \
    static struct harness_case c = {#name, test_##name, NULL};              \
    c.next = harness_cases;                                                 \
    harness_cases = &c;                                                     \
  }                                                                         \
  static void test_##name(void)

/* HELPER(name) registers a function the binary can run by name but that
 * ctest does not list: the child half of a test that re-executes itself. */
#define HELPER(name) TEST(name)

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                       \
      abort();                                                              \
    }                                                                       \
  } while (0)

#define CHECK_EQ(a, b)                                                      \
  do {                                                                      \
    long long harness_a_ = (long long)(a), harness_b_ = (long long)(b);     \
    if (harness_a_ != harness_b_) {                                         \
      fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n",     \
              __FILE__, __LINE__, #a, #b, harness_a_, harness_b_);          \
      abort();                                                              \
    }                                                                       \
  } while (0)

static inline int harness_run(int argc, char** argv) {
  struct harness_case* c;
  int ran = 0;
  for (c = harness_cases; c != NULL; c = c->next) {
    if (argc > 1 && strcmp(argv[1], c->name) != 0)
      continue;
    c->fn();
    ran++;
  }
  if (ran == 0) {
    fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "(any)");
    return 2;
  }
  return 0;
}

#define HARNESS_MAIN \
  int main(int argc, char** argv) { return harness_run(argc, argv); }

#endif /* GOUV_TEST_HARNESS_H */
