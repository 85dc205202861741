/* Functions of the fs area not implemented yet: each reports UV_ENOSYS
 * (or the documented failure value) until its area lands. scripts/test.sh
 * counts the gouv_enosys calls in these files. */
#include "capi.h"

int uv_cancel(uv_req_t* req) {
  (void)req;
  return gouv_enosys(__func__);
}

int uv_fs_access(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)mode;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_chmod(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)mode;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_chown(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)uid;
  (void)gid;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_close(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_closedir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)dir;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_copyfile(uv_loop_t* loop, uv_fs_t* req, const char* path, const char* new_path, int flags, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)new_path;
  (void)flags;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_event_getpath(uv_fs_event_t* handle, char* buffer, size_t* size) {
  (void)handle;
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_fs_event_init(uv_loop_t* loop, uv_fs_event_t* handle) {
  (void)loop;
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_fs_event_start(uv_fs_event_t* handle, uv_fs_event_cb cb, const char* path, unsigned int flags) {
  (void)handle;
  (void)cb;
  (void)path;
  (void)flags;
  return gouv_enosys(__func__);
}

int uv_fs_event_stop(uv_fs_event_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_fs_fchmod(uv_loop_t* loop, uv_fs_t* req, uv_file file, int mode, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)mode;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_fchown(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)uid;
  (void)gid;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_fdatasync(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_fstat(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_fsync(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_ftruncate(uv_loop_t* loop, uv_fs_t* req, uv_file file, int64_t offset, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)offset;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_futime(uv_loop_t* loop, uv_fs_t* req, uv_file file, double atime, double mtime, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)atime;
  (void)mtime;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_lchown(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)uid;
  (void)gid;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_link(uv_loop_t* loop, uv_fs_t* req, const char* path, const char* new_path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)new_path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_lstat(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_lutime(uv_loop_t* loop, uv_fs_t* req, const char* path, double atime, double mtime, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)atime;
  (void)mtime;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_mkdir(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)mode;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_mkdtemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)tpl;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_mkstemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)tpl;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_open(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags, int mode, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)flags;
  (void)mode;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_opendir(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_poll_getpath(uv_fs_poll_t* handle, char* buffer, size_t* size) {
  (void)handle;
  (void)buffer;
  (void)size;
  return gouv_enosys(__func__);
}

int uv_fs_poll_init(uv_loop_t* loop, uv_fs_poll_t* handle) {
  (void)loop;
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_fs_poll_start(uv_fs_poll_t* handle, uv_fs_poll_cb poll_cb, const char* path, unsigned int interval) {
  (void)handle;
  (void)poll_cb;
  (void)path;
  (void)interval;
  return gouv_enosys(__func__);
}

int uv_fs_poll_stop(uv_fs_poll_t* handle) {
  (void)handle;
  return gouv_enosys(__func__);
}

int uv_fs_read(uv_loop_t* loop, uv_fs_t* req, uv_file file, const uv_buf_t bufs[], unsigned int nbufs, int64_t offset, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)bufs;
  (void)nbufs;
  (void)offset;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_readdir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)dir;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_readlink(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_realpath(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_rename(uv_loop_t* loop, uv_fs_t* req, const char* path, const char* new_path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)new_path;
  (void)cb;
  return gouv_enosys(__func__);
}

void uv_fs_req_cleanup(uv_fs_t* req) {
  (void)req;
  gouv_enosys(__func__);
}

int uv_fs_rmdir(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_scandir(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)flags;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_scandir_next(uv_fs_t* req, uv_dirent_t* ent) {
  (void)req;
  (void)ent;
  return gouv_enosys(__func__);
}

int uv_fs_sendfile(uv_loop_t* loop, uv_fs_t* req, uv_file out_fd, uv_file in_fd, int64_t in_offset, size_t length, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)out_fd;
  (void)in_fd;
  (void)in_offset;
  (void)length;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_stat(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_statfs(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_symlink(uv_loop_t* loop, uv_fs_t* req, const char* path, const char* new_path, int flags, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)new_path;
  (void)flags;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_unlink(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_utime(uv_loop_t* loop, uv_fs_t* req, const char* path, double atime, double mtime, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)path;
  (void)atime;
  (void)mtime;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_fs_write(uv_loop_t* loop, uv_fs_t* req, uv_file file, const uv_buf_t bufs[], unsigned int nbufs, int64_t offset, uv_fs_cb cb) {
  (void)loop;
  (void)req;
  (void)file;
  (void)bufs;
  (void)nbufs;
  (void)offset;
  (void)cb;
  return gouv_enosys(__func__);
}

int uv_queue_work(uv_loop_t* loop, uv_work_t* req, uv_work_cb work_cb, uv_after_work_cb after_work_cb) {
  (void)loop;
  (void)req;
  (void)work_cb;
  (void)after_work_cb;
  return gouv_enosys(__func__);
}

int uv_random(uv_loop_t* loop, uv_random_t* req, void* buf, size_t buflen, unsigned flags, uv_random_cb cb) {
  (void)loop;
  (void)req;
  (void)buf;
  (void)buflen;
  (void)flags;
  (void)cb;
  return gouv_enosys(__func__);
}
