/* Private declarations of the os area (processes, signals, OS helpers),
 * shared by its C and Go files in capi/. */
#ifndef GOUV_CAPI_OS_H
#define GOUV_CAPI_OS_H

#include <uv.h>

/* proctitle.c: releases the argv copy made by uv_setup_args. */
void gouv_proctitle_shutdown(void);

#endif
