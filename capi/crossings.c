//go:build gouvcrossings

/* A build of the library that counts its crossings, for the crossing-table
 * tests (cbindings_test/crossings_table.c; docs/design.md, "Crossings per
 * call"). Every call from C into Go goes through cgo's crosscall2; the
 * linker's --wrap sends those calls here first. Normal builds leave this
 * file out. */
#include <stdint.h>

void __real_crosscall2(void (*fn)(void*), void* a, int c, uintptr_t ctxt);

uint64_t gouv_c_to_go_calls;

void __wrap_crosscall2(void (*fn)(void*), void* a, int c, uintptr_t ctxt) {
  __atomic_fetch_add(&gouv_c_to_go_calls, 1, __ATOMIC_RELAXED);
  __real_crosscall2(fn, a, c, ctxt);
}
