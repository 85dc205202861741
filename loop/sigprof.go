package loop

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// epollPwaitNoProf is epoll_wait with SIGPROF blocked for its duration.
func epollPwaitNoProf(epfd int, events []unix.EpollEvent, timeout int) (int, error) {
	var set unix.Sigset_t
	// SIGPROF is signal 27: bit 26 of the first word.
	set.Val[0] = 1 << (unix.SIGPROF - 1)
	n, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)),
		uintptr(timeout), uintptr(unsafe.Pointer(&set)), 8)
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}
