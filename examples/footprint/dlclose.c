/* dlopen()s the libuv given on the command line (this program does not link
 * one), runs an empty loop through it, dlclose()s it and counts the
 * library's mappings left in /proc/self/maps: 0 means it was unloaded. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  char loop[2048]; /* larger than any uv_loop_t */
  char line[512];
  const char* base;
  int (*init)(void*);
  int (*run)(void*, int);
  int (*close)(void*);
  int mapped = 0, rc;
  FILE* maps;
  void* h;
  if (argc < 2) return 2;
  base = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
  h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) { printf("dlopen: %s\n", dlerror()); return 1; }
  init = (int (*)(void*))dlsym(h, "uv_loop_init");
  run = (int (*)(void*, int))dlsym(h, "uv_run");
  close = (int (*)(void*))dlsym(h, "uv_loop_close");
  init(loop);
  run(loop, 0);
  close(loop);
  rc = dlclose(h);
  maps = fopen("/proc/self/maps", "r");
  while (maps != NULL && fgets(line, sizeof line, maps) != NULL)
    if (strstr(line, base) != NULL) mapped++;
  if (maps != NULL) fclose(maps);
  printf("dlclose(%s) = %d; mappings left: %d (%s)\n", base, rc, mapped,
         mapped ? "still loaded" : "unloaded");
  return 0;
}
