/* gouv: private declarations shared by the C files of capi/.
 *
 * Nothing here is part of the public interface: these names are local to the
 * library (the linker version script exports only uv_*). Go code in capi/ may
 * include this header from its cgo preamble to reach the same helpers. */
#ifndef GOUV_CAPI_INTERNAL_H
#define GOUV_CAPI_INTERNAL_H

#include <stddef.h>

/* The replaceable allocator (alloc.c). Every block the library hands to the
 * host, or that the host may free with its own allocator, comes from these,
 * so that uv_replace_allocator() sees them all. As in libuv, a zero size
 * yields NULL from gouv__malloc and gouv__realloc frees the old block, and
 * gouv__free leaves errno as it found it. */
void* gouv__malloc(size_t size);
void* gouv__calloc(size_t count, size_t size);
void* gouv__realloc(void* ptr, size_t size);
void gouv__free(void* ptr);
char* gouv__strdup(const char* s);

#endif /* GOUV_CAPI_INTERNAL_H */
