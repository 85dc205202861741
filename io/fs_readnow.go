package uvio

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// ReadNow tries an FSRead on the calling thread without waiting, so that
// a read the page cache can answer costs no trip through the pool:
// preadv2 with RWF_NOWAIT copies what is cached and fails with EAGAIN
// rather than wait for the disk, an empty pipe or a lock. It reports
// whether the request is finished (Result set, Err nil). Otherwise the
// pool must Do it, and does only what is left: after a read of a regular
// file that stopped short of its end (part of the range cached), Bufs and
// Off describe the rest and Do adds what was read here. Everything
// ReadNow cannot vouch for is left to the pool untouched: an error of any
// kind, a descriptor opened with O_DIRECT (whose reads wait for the
// device even when told not to), a kernel or file without RWF_NOWAIT.
//
// A short read at a file's end, or of a pipe, a socket or a terminal, is
// that read's result, as a blocking read would have returned it.
//
// It writes Bufs' entries in place when it shortens them: the caller must
// own that array (capi gives asynchronous requests a copy, as libuv does).
func (r *FSReq) ReadNow() bool {
	bufs := r.Bufs
	if r.Type != FSRead || len(bufs) == 0 {
		return false
	}
	if len(bufs) > fsIOVMax {
		bufs = bufs[:fsIOVMax]
	}
	var want uint64
	for i := range bufs {
		want += bufs[i].Len
	}
	if want == 0 || want > readNowMax {
		return false
	}
	fl, _, e := unix.RawSyscall(unix.SYS_FCNTL, uintptr(r.File), unix.F_GETFL, 0)
	if e != 0 || fl&unix.O_DIRECT != 0 {
		return false
	}
	// preadv2 takes the offset as two words; on 64 bits the low one is
	// all of it, and -1 reads at the file's position.
	got, _, e := unix.RawSyscall6(unix.SYS_PREADV2, uintptr(r.File),
		uintptr(unsafe.Pointer(&bufs[0])), uintptr(len(bufs)), uintptr(r.Off), 0, unix.RWF_NOWAIT)
	if e != 0 {
		return false
	}
	n := uint64(got)
	if n == want || n == 0 || !stoppedShort(r.File, r.Off, n) {
		r.Result, r.Err = int64(n), nil
		return true
	}
	// Part of a file's range was cached: the pool reads the rest.
	r.Partial = int64(n)
	if r.Off >= 0 {
		r.Off += int64(n)
	}
	for n >= bufs[0].Len {
		n -= bufs[0].Len
		bufs = bufs[1:]
	}
	bufs[0].Base = (*byte)(unsafe.Add(unsafe.Pointer(bufs[0].Base), n))
	bufs[0].Len -= n
	r.Bufs = bufs
	return false
}

// readNowMax bounds what ReadNow copies on the loop thread. A copy of
// this size takes about as long as a trip through the pool; a larger one
// is better left to the workers, which copy in parallel (1 MiB reads, four
// in flight, ran at 0.8 of the pool's speed when copied here).
const readNowMax = 128 << 10

// stoppedShort reports whether a read of n bytes from fd at off (-1: at
// the position, which the read moved) stopped before the end of a regular
// file or a block device, where a blocking read would have gone on. A
// short read at a file's end, or of a pipe, socket or terminal, is what
// a blocking read returns too.
func stoppedShort(fd int, off int64, n uint64) bool {
	var st unix.Stat_t
	if _, _, e := unix.RawSyscall(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0); e != 0 {
		return false
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		end := off + int64(n)
		if off < 0 {
			pos, _, e := unix.RawSyscall(unix.SYS_LSEEK, uintptr(fd), 0, unix.SEEK_CUR)
			if e != 0 {
				return true
			}
			end = int64(pos)
		}
		return end < st.Size
	case unix.S_IFBLK:
		return true // its size is not in st_size; the pool finds the end
	}
	return false
}
