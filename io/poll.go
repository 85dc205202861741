package uvio

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// Poll events, at libuv's values (uv_poll_event).
const (
	PollReadable    = 1
	PollWritable    = 2
	PollDisconnect  = 4
	PollPrioritized = 8
)

// Poll watches a descriptor the host owns and reports its readiness
// (uv_poll_t); it never reads, writes or closes the descriptor.
type Poll struct {
	loop.Handle
	l      *loop.Loop
	w      loop.IO
	fdWord *int32
	ownFd  int32
	cb     func(p *Poll, err error, events int)
}

// InitPoll prepares p on fd (uv_poll_init); fdWord, when non-nil, is the
// host-visible io_watcher.fd. cb receives every event.
func InitPoll(l *loop.Loop, p *Poll, handleKind int, fd int, rec *loop.Rec, fdWord *int32,
	cb func(p *Poll, err error, events int)) error {
	if l.IOWatched(fd) {
		return unix.EEXIST
	}
	// epoll refuses regular files (EPERM): find out now, as libuv does.
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if err := unix.EpollCtl(l.BackendFD(), unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		if err != unix.EEXIST {
			return err
		}
	} else {
		unix.EpollCtl(l.BackendFD(), unix.EPOLL_CTL_DEL, fd, nil)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return err
	}
	if fdWord == nil {
		fdWord = &p.ownFd
	}
	p.Handle.InitExternal(l, p, handleKind, rec)
	p.l = l
	p.fdWord = fdWord
	*fdWord = int32(fd)
	p.cb = cb
	l.InitIO(&p.w, fd, pollClass)
	return nil
}

// Start watches for events (a mask of Poll*), replacing what was watched.
func (p *Poll) Start(events int) error {
	if events&^(PollReadable|PollWritable|PollDisconnect|PollPrioritized) != 0 {
		return unix.EINVAL
	}
	if p.IsClosing() {
		return unix.EINVAL
	}
	if p.l.IOWatchedByOther(p.w.FD(), &p.w) {
		return unix.EEXIST
	}
	p.l.IOStop(&p.w, loop.EventRead|loop.EventWrite|loop.EventRDHup|loop.EventPri)
	p.Handle.Stop()
	if events == 0 {
		return nil
	}
	var want uint32
	if events&PollReadable != 0 {
		want |= loop.EventRead
	}
	if events&PollWritable != 0 {
		want |= loop.EventWrite
	}
	if events&PollDisconnect != 0 {
		want |= loop.EventRDHup
	}
	if events&PollPrioritized != 0 {
		want |= loop.EventPri
	}
	p.l.IOStart(&p.w, want)
	p.Handle.Start()
	return nil
}

// Stop stops watching.
func (p *Poll) Stop() {
	p.l.IOStop(&p.w, loop.EventRead|loop.EventWrite|loop.EventRDHup|loop.EventPri)
	p.Handle.Stop()
}

// pollClass is the watcher class of every poll handle.
var pollClass = loop.RegisterIO(pollIO)

func pollIO(w *loop.IO, events uint32) {
	p := loop.OwnerOf[Poll](w, unsafe.Offsetof(Poll{}.w))
	if events&loop.EventError != 0 {
		p.Stop()
		p.cb(p, unix.EBADF, 0)
		return
	}
	ev := 0
	if events&loop.EventRead != 0 {
		ev |= PollReadable
	}
	if events&loop.EventWrite != 0 {
		ev |= PollWritable
	}
	if events&loop.EventRDHup != 0 {
		ev |= PollDisconnect
	}
	if events&loop.EventPri != 0 {
		ev |= PollPrioritized
	}
	if events&loop.EventHup != 0 && w.Active(loop.EventRDHup) {
		ev |= PollDisconnect
	}
	p.cb(p, nil, ev)
}

// CloseHandle stops watching; the descriptor stays the host's.
func (p *Poll) CloseHandle() {
	p.l.IOClose(&p.w)
	p.Handle.Stop()
}

// FinishClose has nothing to cancel.
func (p *Poll) FinishClose() {}
