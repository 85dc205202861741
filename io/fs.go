package uvio

import (
	"math"
	"path/filepath"
	"sort"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// FSType numbers the file system operations as uv_fs_type does.
type FSType int32

// The operations, at uv_fs_type's values.
const (
	FSCustom FSType = iota
	FSOpen
	FSClose
	FSRead
	FSWrite
	FSSendfile
	FSStat
	FSLstat
	FSFstat
	FSFtruncate
	FSUtime
	FSFutime
	FSAccess
	FSChmod
	FSFchmod
	FSFsync
	FSFdatasync
	FSUnlink
	FSRmdir
	FSMkdir
	FSMkdtemp
	FSRename
	FSScandir
	FSLink
	FSSymlink
	FSReadlink
	FSChown
	FSFchown
	FSRealpath
	FSCopyfile
	FSLchown
	FSOpendir
	FSReaddir
	FSClosedir
	FSStatfs
	FSMkstemp
	FSLutime
)

// Copyfile flags, at libuv's values.
const (
	CopyfileExcl         = 1
	CopyfileFiclone      = 2
	CopyfileFicloneForce = 4
)

// Dirent types, at uv_dirent_type_t's values.
const (
	DirentUnknown = iota
	DirentFile
	DirentDir
	DirentLink
	DirentFifo
	DirentSocket
	DirentChar
	DirentBlock
)

// Timespec is uv_timespec_t.
type Timespec struct{ Sec, Nsec int64 }

// Stat is uv_stat_t, field for field, so that a caller may point Stat at
// the C struct and have the worker fill it in place.
type Stat struct {
	Dev, Mode, Nlink, UID, GID, Rdev, Ino, Size, Blksize, Blocks, Flags, Gen uint64
	Atim, Mtim, Ctim, Birthtim                                               Timespec
}

// Statfs is uv_statfs_t, field for field.
type Statfs struct {
	Type, Bsize, Blocks, Bfree, Bavail, Files, Ffree uint64
	Spare                                            [4]uint64
}

// Dirent is one directory entry: its name and one of the Dirent* types.
type Dirent struct {
	Name string
	Type int
}

// FSReq is one file system operation: the caller fills the inputs its
// Type uses, calls Do (on any goroutine), and reads Result and Err.
//
// Paths are NUL-terminated byte strings the caller owns (capi points them
// at C memory, which does not move); mkdtemp and mkstemp rewrite the
// template's XXXXXX in place, as libuv does, so that the caller sees the
// name that was made.
type FSReq struct {
	Type         FSType
	Path         *byte
	NewPath      *byte
	File         int
	OutFile      int // sendfile's destination
	Flags        int
	Mode         int
	Off          int64 // read/write position (-1: current), sendfile/ftruncate offset
	Len          int   // sendfile length
	Bufs         []unix.Iovec
	Atime, Mtime float64
	UID, GID     uint32
	Stat         *Stat // stat/lstat/fstat write here
	Dir          *Dir  // readdir and closedir
	DirMax       int   // readdir: at most this many entries

	Result    int64
	Partial   int64  // read: bytes ReadNow read before the pool took over
	StatfsOut Statfs // statfs
	Err       error
	Str       string   // readlink and realpath
	Entries   []Dirent // scandir and readdir
}

// StatFunc fills st for an FSStat or FSLstat of path, or an FSFstat of
// fd, and is what those requests (fs_poll's among them) run. The library
// has one stat, written in C so that synchronous calls need not enter Go
// (capi/fs.c: statx, and libuv's fallback to the old calls where the
// kernel refuses statx); capi sets StatFunc to it at start-up, so every
// path fills uv_stat_t alike. Without it the requests fail with ENOSYS.
// st may be nil. Set it before the first request, never later.
var StatFunc func(t FSType, fd int, path *byte, st *Stat) error

// errFSNoPath is the error of a path operation without a path.
var errFSNoPath = unix.EINVAL

// Do runs the operation on the calling goroutine, blocking it, and sets
// Result and Err.
func (r *FSReq) Do() {
	r.Result, r.Err = r.do()
	if r.Err != nil {
		r.Result = 0
	}
}

func (r *FSReq) do() (int64, error) {
	switch r.Type {
	case FSOpen, FSStat, FSLstat, FSUnlink, FSRmdir, FSMkdir, FSMkdtemp, FSMkstemp,
		FSAccess, FSChmod, FSChown, FSLchown, FSUtime, FSLutime, FSReadlink,
		FSRealpath, FSScandir, FSOpendir, FSStatfs:
		if r.Path == nil {
			return 0, errFSNoPath
		}
	case FSRename, FSLink, FSSymlink, FSCopyfile:
		if r.Path == nil || r.NewPath == nil {
			return 0, errFSNoPath
		}
	}
	p := uintptr(unsafe.Pointer(r.Path))
	np := uintptr(unsafe.Pointer(r.NewPath))
	at := fsFD(unix.AT_FDCWD)
	switch r.Type {
	case FSOpen:
		return fsSys(unix.SYS_OPENAT, at, p, uintptr(r.Flags|unix.O_CLOEXEC), uintptr(r.Mode), 0, 0)
	case FSClose:
		// Never retried: after EINTR the descriptor is already gone and
		// its number may belong to someone else.
		_, _, e := unix.Syscall(unix.SYS_CLOSE, uintptr(r.File), 0, 0)
		if e == 0 || e == unix.EINTR || e == unix.EINPROGRESS {
			return 0, nil // the close goes on; the fd is gone either way
		}
		return 0, e
	case FSRead:
		n, err := fsRead(r.File, r.Bufs, r.Off)
		if r.Partial > 0 {
			// What ReadNow read counts, whatever became of the rest.
			return r.Partial + n, nil
		}
		return n, err
	case FSWrite:
		return fsWriteAll(r.File, r.Bufs, r.Off)
	case FSSendfile:
		return fsSendfile(r.OutFile, r.File, r.Off, r.Len)
	case FSStat, FSLstat, FSFstat:
		if StatFunc == nil {
			return 0, unix.ENOSYS
		}
		return 0, StatFunc(r.Type, r.File, r.Path, r.Stat)
	case FSFtruncate:
		return fsSys(unix.SYS_FTRUNCATE, uintptr(r.File), uintptr(r.Off), 0, 0, 0, 0)
	case FSUtime, FSLutime, FSFutime:
		ts := [2]unix.Timespec{fsTimespec(r.Atime), fsTimespec(r.Mtime)}
		if r.Type == FSFutime {
			return fsSys(unix.SYS_UTIMENSAT, uintptr(r.File), 0, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		}
		flags := 0
		if r.Type == FSLutime {
			flags = unix.AT_SYMLINK_NOFOLLOW
		}
		return fsSys(unix.SYS_UTIMENSAT, at, p, uintptr(unsafe.Pointer(&ts)), uintptr(flags), 0, 0)
	case FSAccess:
		return fsSys(unix.SYS_FACCESSAT, at, p, uintptr(r.Mode), 0, 0, 0)
	case FSChmod:
		return fsSys(unix.SYS_FCHMODAT, at, p, uintptr(r.Mode), 0, 0, 0)
	case FSFchmod:
		return fsSys(unix.SYS_FCHMOD, uintptr(r.File), uintptr(r.Mode), 0, 0, 0, 0)
	case FSFsync:
		return fsSys(unix.SYS_FSYNC, uintptr(r.File), 0, 0, 0, 0, 0)
	case FSFdatasync:
		return fsSys(unix.SYS_FDATASYNC, uintptr(r.File), 0, 0, 0, 0, 0)
	case FSUnlink:
		return fsSys(unix.SYS_UNLINKAT, at, p, 0, 0, 0, 0)
	case FSRmdir:
		return fsSys(unix.SYS_UNLINKAT, at, p, unix.AT_REMOVEDIR, 0, 0, 0)
	case FSMkdir:
		return fsSys(unix.SYS_MKDIRAT, at, p, uintptr(r.Mode), 0, 0, 0)
	case FSMkdtemp, FSMkstemp:
		return fsMktemp(r.Path, r.Type == FSMkstemp)
	case FSRename:
		return fsSys(unix.SYS_RENAMEAT, at, p, at, np, 0, 0)
	case FSLink:
		return fsSys(unix.SYS_LINKAT, at, p, at, np, 0, 0)
	case FSSymlink:
		return fsSys(unix.SYS_SYMLINKAT, p, at, np, 0, 0, 0)
	case FSChown, FSLchown:
		flags := 0
		if r.Type == FSLchown {
			flags = unix.AT_SYMLINK_NOFOLLOW
		}
		return fsSys(unix.SYS_FCHOWNAT, at, p, uintptr(r.UID), uintptr(r.GID), uintptr(flags), 0)
	case FSFchown:
		return fsSys(unix.SYS_FCHOWN, uintptr(r.File), uintptr(r.UID), uintptr(r.GID), 0, 0, 0)
	case FSReadlink:
		s, err := fsReadlink(cstring(r.Path))
		r.Str = s
		return 0, err
	case FSRealpath:
		s, err := fsRealpath(cstring(r.Path))
		r.Str = s
		return 0, err
	case FSCopyfile:
		return 0, fsCopyfile(cstring(r.Path), cstring(r.NewPath), r.Flags)
	case FSScandir:
		ents, err := fsScandir(cstring(r.Path))
		r.Entries = ents
		return int64(len(ents)), err
	case FSOpendir:
		d, err := OpenDir(cstring(r.Path))
		r.Dir = d
		return 0, err
	case FSReaddir:
		if r.Dir == nil {
			return 0, unix.EBADF
		}
		ents, err := r.Dir.Read(r.DirMax, r.Entries[:0])
		r.Entries = ents
		return int64(len(ents)), err
	case FSClosedir:
		if r.Dir == nil {
			return 0, unix.EBADF
		}
		return 0, r.Dir.Close()
	case FSStatfs:
		var st unix.Statfs_t
		if err := unix.Statfs(cstring(r.Path), &st); err != nil {
			return 0, err
		}
		// Newer libuv keeps the same layout and puts the fragment size
		// (f_frsize) in the first spare field, where 1.44 left a zero.
		r.StatfsOut = Statfs{Type: uint64(st.Type), Bsize: uint64(st.Bsize),
			Blocks: st.Blocks, Bfree: st.Bfree, Bavail: st.Bavail,
			Files: st.Files, Ffree: st.Ffree, Spare: [4]uint64{uint64(st.Frsize)}}
		return 0, nil
	}
	return 0, unix.EINVAL
}

// fsSys makes one system call, retrying when a signal (Go's preemption
// SIGURG among them) interrupts it. Arguments are C or pinned memory.
func fsSys(trap, a1, a2, a3, a4, a5, a6 uintptr) (int64, error) {
	for {
		r, _, e := unix.Syscall6(trap, a1, a2, a3, a4, a5, a6)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return 0, e
		}
		return int64(r), nil
	}
}

// cstring views a NUL-terminated byte string as a Go string without
// copying; the caller keeps the bytes alive and unchanged meanwhile.
func cstring(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return unsafe.String(p, n)
}

// fsIOVMax is the kernel's limit on buffers per readv/writev.
const fsIOVMax = 1024

// fsRead reads once into bufs, at off or (off < 0) at the current position.
func fsRead(fd int, bufs []unix.Iovec, off int64) (int64, error) {
	if len(bufs) > fsIOVMax {
		bufs = bufs[:fsIOVMax]
	}
	if len(bufs) == 0 {
		return 0, unix.EINVAL
	}
	iov := uintptr(unsafe.Pointer(&bufs[0]))
	if off < 0 {
		if len(bufs) == 1 {
			return fsSys(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(bufs[0].Base)), uintptr(bufs[0].Len), 0, 0, 0)
		}
		return fsSys(unix.SYS_READV, uintptr(fd), iov, uintptr(len(bufs)), 0, 0, 0)
	}
	if len(bufs) == 1 {
		return fsSys(unix.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(bufs[0].Base)), uintptr(bufs[0].Len), uintptr(off), 0, 0)
	}
	return fsSys(unix.SYS_PREADV, uintptr(fd), iov, uintptr(len(bufs)), uintptr(off), 0, 0)
}

// fsWriteAll writes every buffer, going on after short writes as libuv
// does; it stops at the first error or a write of nothing, and reports
// the bytes written so far, or the error if nothing was.
func fsWriteAll(fd int, bufs []unix.Iovec, off int64) (int64, error) {
	if len(bufs) == 0 {
		return 0, unix.EINVAL
	}
	var total int64
	// A partially written buffer is resumed from a private copy of its
	// iovec, so the caller's array is never changed.
	var part unix.Iovec
	for len(bufs) > 0 {
		chunk := bufs
		if len(chunk) > fsIOVMax {
			chunk = chunk[:fsIOVMax]
		}
		var n int64
		var err error
		iov := uintptr(unsafe.Pointer(&chunk[0]))
		switch {
		case off < 0 && len(chunk) == 1:
			n, err = fsSys(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(chunk[0].Base)), uintptr(chunk[0].Len), 0, 0, 0)
		case off < 0:
			n, err = fsSys(unix.SYS_WRITEV, uintptr(fd), iov, uintptr(len(chunk)), 0, 0, 0)
		case len(chunk) == 1:
			n, err = fsSys(unix.SYS_PWRITE64, uintptr(fd), uintptr(unsafe.Pointer(chunk[0].Base)), uintptr(chunk[0].Len), uintptr(off), 0, 0)
		default:
			n, err = fsSys(unix.SYS_PWRITEV, uintptr(fd), iov, uintptr(len(chunk)), uintptr(off), 0, 0)
		}
		if err != nil || n == 0 {
			if total == 0 {
				return 0, err
			}
			return total, nil
		}
		total += n
		if off >= 0 {
			off += n
		}
		// Skip the buffers written in full; resume a partial one.
		for len(bufs) > 0 && n >= int64(bufs[0].Len) {
			n -= int64(bufs[0].Len)
			bufs = bufs[1:]
		}
		if n > 0 {
			part = unix.Iovec{Base: (*byte)(unsafe.Add(unsafe.Pointer(bufs[0].Base), n)), Len: bufs[0].Len - uint64(n)}
			rest := make([]unix.Iovec, 0, len(bufs))
			rest = append(rest, part)
			bufs = append(rest, bufs[1:]...)
		}
	}
	return total, nil
}

// fsFD passes a descriptor (AT_FDCWD is negative) as a system call
// argument: the conversion of a variable sign-extends, as C's does.
func fsFD(fd int) uintptr { return uintptr(fd) }

// fsTimespec turns seconds since the epoch into a timespec at microsecond
// precision, the precision libuv keeps on every platform. Newer libuv
// names two special values: UV_FS_UTIME_NOW (an infinity) sets the
// current time and UV_FS_UTIME_OMIT (a NaN) leaves the time as it is,
// which utimensat spells UTIME_NOW and UTIME_OMIT.
func fsTimespec(t float64) unix.Timespec {
	if math.IsInf(t, 0) {
		return unix.Timespec{Sec: 0, Nsec: unix.UTIME_NOW}
	}
	if math.IsNaN(t) {
		return unix.Timespec{Sec: 0, Nsec: unix.UTIME_OMIT}
	}
	sec := int64(t) // truncates toward zero, as a C cast does
	nsec := int64((t - float64(sec)) * 1e9)
	nsec -= nsec % 1000
	if nsec < 0 {
		nsec += 1e9
		sec--
	}
	return unix.Timespec{Sec: sec, Nsec: nsec}
}

// fsMktemp replaces the XXXXXX at the end of the template with random
// characters and creates a directory (or, for mkstemp, a file opened
// read-write) of that name, trying again while the name exists.
func fsMktemp(tpl *byte, file bool) (int64, error) {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	name := cstring(tpl)
	n := len(name)
	if n < 6 || name[n-6:] != "XXXXXX" {
		if file {
			*tpl = 0 // libuv clears a failed mkstemp's path
		}
		return 0, unix.EINVAL
	}
	buf := unsafe.Slice(tpl, n)
	var rnd [6]byte
	for try := 0; try < 100; try++ {
		if _, err := unix.Getrandom(rnd[:], 0); err != nil {
			return 0, err
		}
		for i, b := range rnd {
			buf[n-6+i] = letters[int(b)%len(letters)]
		}
		p := uintptr(unsafe.Pointer(tpl))
		at := fsFD(unix.AT_FDCWD)
		var fd int64
		var err error
		if file {
			fd, err = fsSys(unix.SYS_OPENAT, at, p, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600, 0, 0)
		} else {
			_, err = fsSys(unix.SYS_MKDIRAT, at, p, 0o700, 0, 0, 0)
		}
		if err == unix.EEXIST {
			continue
		}
		if err != nil {
			if file {
				*tpl = 0
			} else {
				copy(buf[n-6:], "XXXXXX")
			}
			return 0, err
		}
		return fd, nil
	}
	if file {
		*tpl = 0
	}
	return 0, unix.EEXIST
}

func fsReadlink(path string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlink(path, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}

// fsRealpath resolves every symbolic link and dot component, as
// realpath(3): the result is absolute and the file must exist.
func fsRealpath(path string) (string, error) {
	if path == "" {
		return "", unix.ENOENT
	}
	if !strings.HasPrefix(path, "/") {
		wd, err := unix.Getwd()
		if err != nil {
			return "", err
		}
		path = wd + "/" + path
	}
	resolved := "/"
	rest := path
	links := 0
	for rest != "" {
		var comp string
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			comp, rest = rest[:i], rest[i+1:]
		} else {
			comp, rest = rest, ""
		}
		switch comp {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, comp)
		var st unix.Stat_t
		if err := unix.Lstat(next, &st); err != nil {
			return "", err
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			links++
			if links > 40 {
				return "", unix.ELOOP
			}
			target, err := fsReadlink(next)
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(target, "/") {
				resolved = "/"
			}
			rest = target + "/" + rest
			continue
		}
		if rest != "" && st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return "", unix.ENOTDIR
		}
		resolved = next
	}
	return resolved, nil
}

// fsCopyfile copies src to dst with libuv's flags: EXCL fails if dst
// exists, FICLONE tries a copy-on-write clone first, FICLONE_FORCE
// insists on one. A destination made here is removed if the copy fails.
func fsCopyfile(src, dst string, flags int) (err error) {
	if flags&^(CopyfileExcl|CopyfileFiclone|CopyfileFicloneForce) != 0 {
		return unix.EINVAL
	}
	in, err := unix.Open(src, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(in)
	var sst unix.Stat_t
	if err := unix.Fstat(in, &sst); err != nil {
		return err
	}
	oflags := unix.O_WRONLY | unix.O_CREAT | unix.O_CLOEXEC
	if flags&CopyfileExcl != 0 {
		oflags |= unix.O_EXCL
	}
	out, err := unix.Open(dst, oflags, sst.Mode&0o7777)
	if err != nil {
		return err
	}
	var dstat unix.Stat_t
	if err := unix.Fstat(out, &dstat); err != nil {
		unix.Close(out)
		return err
	}
	// Copying a file onto itself succeeds and changes nothing.
	if dstat.Dev == sst.Dev && dstat.Ino == sst.Ino {
		unix.Close(out)
		return nil
	}
	defer func() {
		if cerr := unix.Close(out); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			unix.Unlink(dst)
		}
	}()
	if err := unix.Fchmod(out, sst.Mode&0o7777); err != nil && err != unix.EPERM {
		return err
	}
	if err := unix.Ftruncate(out, 0); err != nil {
		return err
	}
	if flags&(CopyfileFiclone|CopyfileFicloneForce) != 0 {
		cerr := unix.IoctlFileClone(out, in)
		if cerr == nil {
			return nil
		}
		if flags&CopyfileFicloneForce != 0 {
			return cerr
		}
	}
	var off int64
	for off < sst.Size {
		n, err := fsSendfile(out, in, off, int(min(sst.Size-off, 1<<30)))
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		off += n
	}
	return nil
}

// fsSendfile copies up to n bytes of in, from off, to out's current
// position; where the kernel refuses sendfile between these two files it
// falls back to reading and writing.
func fsSendfile(out, in int, off int64, n int) (int64, error) {
	o := off
	w, err := unix.Sendfile(out, in, &o, n)
	for err == unix.EINTR || err == unix.EAGAIN && w == 0 {
		w, err = unix.Sendfile(out, in, &o, n)
	}
	if err == nil {
		return int64(w), nil
	}
	switch err {
	case unix.EINVAL, unix.EIO, unix.ENOTSOCK, unix.EXDEV, unix.ENOSYS, unix.EOPNOTSUPP:
	default:
		return 0, err
	}
	buf := make([]byte, min(n, 64*1024))
	var total int64
	for total < int64(n) {
		want := min(len(buf), n-int(total))
		r, err := unix.Pread(in, buf[:want], off+total)
		if err == unix.EINTR {
			continue
		}
		if err != nil || r == 0 {
			if total == 0 {
				return 0, err
			}
			break
		}
		wrote := 0
		for wrote < r {
			k, err := unix.Write(out, buf[wrote:r])
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				if total == 0 && wrote == 0 {
					return 0, err
				}
				return total + int64(wrote), nil
			}
			wrote += k
		}
		total += int64(r)
	}
	return total, nil
}

// fsScandir lists a directory without "." and "..", sorted by name in
// byte order (what alphasort does in the C locale).
func fsScandir(path string) ([]Dirent, error) {
	d, err := OpenDir(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var all []Dirent
	for {
		ents, err := d.Read(4096, nil)
		if err != nil {
			return nil, err
		}
		if len(ents) == 0 {
			break
		}
		all = append(all, ents...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all, nil
}

// Dir is an open directory read a batch at a time (uv_fs_opendir). It
// holds no pointers, its buffer included, so that an embedder may copy an
// open Dir into memory that Go does not manage and keep it there with the
// object that owns it (capi keeps it in the uv_dir_t's own allocation).
type Dir struct {
	fd       int
	pos, end int
	buf      [dirBufSize]byte
}

// dirBufSize is how much of the directory one getdents call may fetch.
const dirBufSize = 32 * 1024

// OpenDir opens a directory for reading.
func OpenDir(path string) (*Dir, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	d := new(Dir)
	d.fd = fd
	return d, nil
}

// Read appends up to max entries (never "." or "..") to ents; none at
// the end of the directory.
func (d *Dir) Read(max int, ents []Dirent) ([]Dirent, error) {
	if d.fd < 0 {
		return ents, unix.EBADF
	}
	got := 0
	for got < max {
		if d.pos >= d.end {
			n, err := unix.Getdents(d.fd, d.buf[:])
			for err == unix.EINTR {
				n, err = unix.Getdents(d.fd, d.buf[:])
			}
			if err != nil {
				return ents, err
			}
			if n <= 0 {
				break
			}
			d.pos, d.end = 0, n
		}
		// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
		rec := d.buf[d.pos:d.end]
		reclen := int(rec[16]) | int(rec[17])<<8
		typ := rec[18]
		name := rec[19:reclen]
		if i := indexNUL(name); i >= 0 {
			name = name[:i]
		}
		d.pos += reclen
		if s := string(name); s != "." && s != ".." {
			ents = append(ents, Dirent{Name: s, Type: fsDirentType(typ)})
			got++
		}
	}
	return ents, nil
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}

func fsDirentType(t uint8) int {
	switch t {
	case unix.DT_REG:
		return DirentFile
	case unix.DT_DIR:
		return DirentDir
	case unix.DT_LNK:
		return DirentLink
	case unix.DT_FIFO:
		return DirentFifo
	case unix.DT_SOCK:
		return DirentSocket
	case unix.DT_CHR:
		return DirentChar
	case unix.DT_BLK:
		return DirentBlock
	}
	return DirentUnknown
}

// Close closes the directory; a second Close reports EBADF.
func (d *Dir) Close() error {
	if d.fd < 0 {
		return unix.EBADF
	}
	err := unix.Close(d.fd)
	d.fd = -1
	return err
}
