/* The shared body of every function that is not implemented yet. */
#include "capi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gouv_enosys(const char* function) {
  const char* debug = getenv("GOUV_DEBUG");
  if (debug != NULL && strcmp(debug, "1") == 0)
    fprintf(stderr, "gouv: %s is not implemented yet (UV_ENOSYS)\n", function);
  return UV_ENOSYS;
}
