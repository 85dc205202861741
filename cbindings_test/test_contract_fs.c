/* The file system, FS event, FS poll and thread pool pages of libuv 1.44's
 * documentation, sentence by sentence, where test_fs.c leaves a gap: what
 * each UV_FS_O_* flag does, the public members and getters of a request,
 * uv_fs_opendir's pointer surviving uv_fs_req_cleanup, reading at the end of
 * a file, FS events on a single file, and the loop member of work requests.
 * See docs/contract.md. */
#include <uv.h>

#include <dirent.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "uvtest.h"
#include "contract.h"

static char dir[256];

static void make_dir(const char* tag) {
  uv_fs_t req;
  contract_path(dir, sizeof dir, tag);
  CHECK_EQ(uv_fs_mkdir(NULL, &req, dir, 0700, NULL), 0);
  uv_fs_req_cleanup(&req);
}

static const char* in_dir(const char* name) {
  static char bufs[4][320];
  static int i;
  char* p = bufs[i++ & 3];
  snprintf(p, 320, "%s/%s", dir, name);
  return p;
}

static void remove_dir(void) {
  uv_fs_t req;
  uv_dirent_t ent;
  char names[16][64];
  int n = 0, i;
  CHECK(uv_fs_scandir(NULL, &req, dir, 0, NULL) >= 0);
  while (n < 16 && uv_fs_scandir_next(&req, &ent) != UV_EOF)
    snprintf(names[n++], 64, "%s", ent.name);
  uv_fs_req_cleanup(&req);
  for (i = 0; i < n; i++) {
    uv_fs_unlink(NULL, &req, in_dir(names[i]), NULL);
    uv_fs_req_cleanup(&req);
  }
  CHECK_EQ(uv_fs_rmdir(NULL, &req, dir, NULL), 0);
  uv_fs_req_cleanup(&req);
}

static int open_file(const char* path, int flags, int mode) {
  uv_fs_t req;
  int r = uv_fs_open(NULL, &req, path, flags, mode, NULL);
  CHECK_EQ(r, req.result);
  uv_fs_req_cleanup(&req);
  return r;
}

static void write_at(int fd, const char* s, int64_t off) {
  uv_fs_t req;
  uv_buf_t b = uv_buf_init((char*)s, (unsigned)strlen(s));
  CHECK_EQ(uv_fs_write(NULL, &req, fd, &b, 1, off, NULL), (int)strlen(s));
  uv_fs_req_cleanup(&req);
}

static void close_file(int fd) {
  uv_fs_t req;
  CHECK_EQ(uv_fs_close(NULL, &req, fd, NULL), 0);
  uv_fs_req_cleanup(&req);
}

static int64_t file_size(const char* path) {
  uv_fs_t req;
  int64_t n;
  CHECK_EQ(uv_fs_stat(NULL, &req, path, NULL), 0);
  n = (int64_t)req.statbuf.st_size;
  uv_fs_req_cleanup(&req);
  return n;
}

TEST(fs_open_append_writes_at_the_end_whatever_the_offset) {
  int fd;
  make_dir("append");
  fd = open_file(in_dir("f"), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600);
  write_at(fd, "12345", 0);
  close_file(fd);
  fd = open_file(in_dir("f"), UV_FS_O_WRONLY | UV_FS_O_APPEND, 0);
  write_at(fd, "ab", 0);
  close_file(fd);
  CHECK_EQ(file_size(in_dir("f")), 7);
  remove_dir();
}

TEST(fs_open_creat_creates_and_excl_refuses_an_existing_file) {
  int fd;
  make_dir("excl");
  CHECK_EQ(open_file(in_dir("f"), UV_FS_O_RDONLY, 0), UV_ENOENT);
  fd = open_file(in_dir("f"), UV_FS_O_CREAT | UV_FS_O_EXCL | UV_FS_O_RDWR,
                 0600);
  CHECK(fd >= 0);
  close_file(fd);
  CHECK_EQ(open_file(in_dir("f"), UV_FS_O_CREAT | UV_FS_O_EXCL | UV_FS_O_RDWR,
                     0600),
           UV_EEXIST);
  remove_dir();
}

TEST(fs_open_trunc_empties_the_file_and_rdonly_refuses_writes) {
  int fd;
  uv_fs_t req;
  uv_buf_t b = uv_buf_init("x", 1);
  make_dir("trunc");
  fd = open_file(in_dir("f"), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600);
  write_at(fd, "content", 0);
  close_file(fd);
  fd = open_file(in_dir("f"), UV_FS_O_RDONLY, 0);
  CHECK_EQ(uv_fs_write(NULL, &req, fd, &b, 1, 0, NULL), UV_EBADF);
  uv_fs_req_cleanup(&req);
  close_file(fd);
  CHECK_EQ(file_size(in_dir("f")), 7);
  fd = open_file(in_dir("f"), UV_FS_O_WRONLY | UV_FS_O_TRUNC, 0);
  close_file(fd);
  CHECK_EQ(file_size(in_dir("f")), 0);
  remove_dir();
}

TEST(fs_open_directory_and_nofollow_refuse_what_they_exclude) {
  int fd;
  uv_fs_t req;
  make_dir("dirflag");
  fd = open_file(in_dir("f"), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600);
  close_file(fd);
  CHECK_EQ(open_file(in_dir("f"), UV_FS_O_RDONLY | UV_FS_O_DIRECTORY, 0),
           UV_ENOTDIR);
  fd = open_file(dir, UV_FS_O_RDONLY | UV_FS_O_DIRECTORY, 0);
  CHECK(fd >= 0);
  close_file(fd);
  CHECK_EQ(uv_fs_symlink(NULL, &req, in_dir("f"), in_dir("l"), 0, NULL), 0);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(open_file(in_dir("l"), UV_FS_O_RDONLY | UV_FS_O_NOFOLLOW, 0),
           UV_ELOOP);
  fd = open_file(in_dir("l"), UV_FS_O_RDONLY, 0);
  CHECK(fd >= 0);
  close_file(fd);
  remove_dir();
}

TEST(fs_windows_only_open_flags_are_zero_on_linux) {
  CHECK_EQ(UV_FS_O_EXLOCK, 0);
  CHECK_EQ(UV_FS_O_FILEMAP, 0);
  CHECK_EQ(UV_FS_O_RANDOM, 0);
  CHECK_EQ(UV_FS_O_SEQUENTIAL, 0);
  CHECK_EQ(UV_FS_O_SHORT_LIVED, 0);
  CHECK_EQ(UV_FS_O_TEMPORARY, 0);
}

static int async_calls;
static void check_stat_req(uv_fs_t* req) {
  async_calls++;
  CHECK_EQ(req->result, 0);
  CHECK_EQ(req->fs_type, UV_FS_STAT);
  CHECK_EQ(uv_fs_get_type(req), UV_FS_STAT);
  CHECK_EQ(uv_fs_get_result(req), 0);
  CHECK(strcmp(req->path, dir) == 0);
  CHECK(uv_fs_get_path(req) == req->path);
  CHECK(uv_fs_get_statbuf(req) == &req->statbuf);
  CHECK(req->ptr == &req->statbuf);
  CHECK(S_ISDIR(req->statbuf.st_mode));
  CHECK(req->loop != NULL);
}

TEST(fs_request_members_record_loop_type_path_result_and_statbuf) {
  uv_loop_t loop;
  uv_fs_t req;
  make_dir("members");
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_fs_stat(&loop, &req, dir, check_stat_req), 0);
  CHECK(req.loop == &loop);
  CHECK_EQ(req.type, UV_FS);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK_EQ(async_calls, 1);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_loop_close(&loop), 0);
  remove_dir();
}

TEST(fs_readlink_and_realpath_leave_their_string_in_ptr) {
  uv_fs_t req;
  int fd;
  make_dir("readlink");
  fd = open_file(in_dir("target"), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600);
  close_file(fd);
  CHECK_EQ(uv_fs_symlink(NULL, &req, "target", in_dir("l"), 0, NULL), 0);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_fs_readlink(NULL, &req, in_dir("l"), NULL), 0);
  CHECK(strcmp((char*)req.ptr, "target") == 0);
  CHECK(uv_fs_get_ptr(&req) == req.ptr);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_fs_realpath(NULL, &req, in_dir("l"), NULL), 0);
  CHECK(strstr((char*)req.ptr, "/target") != NULL);
  uv_fs_req_cleanup(&req);
  remove_dir();
}

TEST(fs_opendir_pointer_outlives_req_cleanup_and_readdir_skips_dot_entries) {
  uv_fs_t req;
  uv_dir_t* d;
  uv_dirent_t ents[8];
  int fd, r, total = 0;
  make_dir("opendir");
  fd = open_file(in_dir("a"), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600);
  close_file(fd);
  CHECK_EQ(uv_fs_mkdir(NULL, &req, in_dir("sub"), 0700, NULL), 0);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_fs_opendir(NULL, &req, dir, NULL), 0);
  d = req.ptr;
  CHECK(d != NULL);
  uv_fs_req_cleanup(&req);
  CHECK(req.ptr == NULL);
  d->dirents = ents;
  d->nentries = 8;
  while ((r = uv_fs_readdir(NULL, &req, d, NULL)) > 0) {
    int i;
    for (i = 0; i < r; i++) {
      CHECK(strcmp(ents[i].name, ".") != 0);
      CHECK(strcmp(ents[i].name, "..") != 0);
      if (strcmp(ents[i].name, "a") == 0)
        CHECK_EQ(ents[i].type, UV_DIRENT_FILE);
      else if (strcmp(ents[i].name, "sub") == 0)
        CHECK_EQ(ents[i].type, UV_DIRENT_DIR);
      else
        CHECK(0);
    }
    total += r;
    uv_fs_req_cleanup(&req);
  }
  CHECK_EQ(r, 0);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(total, 2);
  CHECK_EQ(uv_fs_closedir(NULL, &req, d, NULL), 0);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_fs_rmdir(NULL, &req, in_dir("sub"), NULL), 0);
  uv_fs_req_cleanup(&req);
  remove_dir();
}

TEST(fs_read_at_the_end_of_a_file_returns_zero) {
  uv_fs_t req;
  char buf[8];
  uv_buf_t b = uv_buf_init(buf, sizeof buf);
  int fd;
  make_dir("eof");
  fd = open_file(in_dir("f"), UV_FS_O_CREAT | UV_FS_O_RDWR, 0600);
  write_at(fd, "abc", 0);
  CHECK_EQ(uv_fs_read(NULL, &req, fd, &b, 1, 3, NULL), 0);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_fs_read(NULL, &req, fd, &b, 1, 100, NULL), 0);
  uv_fs_req_cleanup(&req);
  CHECK_EQ(uv_fs_read(NULL, &req, fd, &b, 1, 1, NULL), 2);
  uv_fs_req_cleanup(&req);
  close_file(fd);
  remove_dir();
}

TEST(fs_mkstemp_leaves_the_descriptor_in_result_and_the_name_in_path) {
  uv_fs_t req;
  char tpl[320];
  struct stat st;
  int fd;
  make_dir("mkstemp");
  snprintf(tpl, sizeof tpl, "%s/tmpXXXXXX", dir);
  fd = uv_fs_mkstemp(NULL, &req, tpl, NULL);
  CHECK(fd >= 0);
  CHECK_EQ(req.result, fd);
  CHECK(strncmp(req.path, dir, strlen(dir)) == 0);
  CHECK(strstr(req.path, "XXXXXX") == NULL);
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK(S_ISREG(st.st_mode));
  uv_fs_req_cleanup(&req);
  close_file(fd);
  remove_dir();
}

/* ---- FS events on a single file ---------------------------------------- */

static char event_name[64];
static int event_mask;
static void record_event(uv_fs_event_t* h, const char* filename, int events,
                         int status) {
  CHECK_EQ(status, 0);
  snprintf(event_name, sizeof event_name, "%s", filename ? filename : "(null)");
  event_mask |= events;
  CHECK_EQ(uv_fs_event_stop(h), 0);
}

static void touch_in_timer(uv_timer_t* t) {
  int fd = open_file(in_dir("watched"), UV_FS_O_WRONLY, 0);
  write_at(fd, "more", 0);
  close_file(fd);
  uv_close((uv_handle_t*)t, NULL);
}

TEST(fs_event_on_a_file_reports_a_change_under_the_files_name) {
  uv_loop_t loop;
  uv_fs_event_t ev;
  uv_timer_t t;
  int fd;
  make_dir("fsevent");
  fd = open_file(in_dir("watched"), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600);
  close_file(fd);
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_fs_event_init(&loop, &ev), 0);
  CHECK_EQ(uv_fs_event_start(&ev, record_event, in_dir("watched"), 0), 0);
  CHECK_EQ(uv_timer_init(&loop, &t), 0);
  CHECK_EQ(uv_timer_start(&t, touch_in_timer, 10, 0), 0);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(strcmp(event_name, "watched") == 0);
  CHECK(event_mask & UV_CHANGE);
  contract_finish(&loop);
  remove_dir();
}

/* ---- thread pool -------------------------------------------------------- */

static pthread_t loop_thread;
static int ran_elsewhere;
static void note_thread(uv_work_t* req) {
  (void)req;
  ran_elsewhere = !pthread_equal(pthread_self(), loop_thread);
}
static uv_loop_t* work_loop_seen;
static void after_note(uv_work_t* req, int status) {
  CHECK_EQ(status, 0);
  CHECK(pthread_equal(pthread_self(), loop_thread));
  work_loop_seen = req->loop;
}

TEST(queue_work_sets_the_loop_member_and_runs_work_off_the_loop_thread) {
  uv_loop_t loop;
  uv_work_t req;
  loop_thread = pthread_self();
  CHECK_EQ(uv_loop_init(&loop), 0);
  CHECK_EQ(uv_queue_work(&loop, &req, note_thread, after_note), 0);
  CHECK(req.loop == &loop);
  CHECK_EQ(req.type, UV_WORK);
  CHECK_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  CHECK(ran_elsewhere);
  CHECK(work_loop_seen == &loop);
  CHECK_EQ(uv_loop_close(&loop), 0);
}

HARNESS_MAIN
