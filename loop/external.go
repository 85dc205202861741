package loop

// External is implemented by handle types defined outside package loop
// (the streams, poll handles and others of package uvio). The loop's own
// handle types implement the unexported closer instead.
type External interface {
	Object
	// CloseHandle runs inside Close: stop watching, release descriptors.
	CloseHandle()
	// FinishClose runs in the closing phase just before the close
	// callback: the place to cancel requests still queued (libuv runs
	// their callbacks with UV_ECANCELED before close_cb).
	FinishClose()
}

// CloseWaiter is an External whose close must wait for work it has in
// flight: libuv runs an fs_poll handle's close callback only after its
// stat on the thread pool has finished. CloseWait runs right after
// CloseHandle; if it reports true, the handle is not queued for the
// closing phase until its owner calls CloseReady.
type CloseWaiter interface {
	CloseWait() bool
}

// CloseReady queues a handle whose close was held back by CloseWait for
// the closing phase (of this iteration, if called before it). It does
// nothing for a handle that is not held back.
func (h *Handle) CloseReady() {
	r := h.rec
	if r.Sub&RecCloseWait == 0 {
		return
	}
	r.Sub &^= RecCloseWait
	h.Loop().pushClosing(r)
}

// InitExternal links a handle of a type defined outside this package into
// l; see Handle.init for kind and rec.
func (h *Handle) InitExternal(l *Loop, impl External, kind int, rec *Rec) {
	h.init(l, impl, kind, rec, false)
}

// InitInPlace is InitExternal for a handle that lives in its embedder's
// memory, with its record: on a loop with an in-place hook (SetInPlace),
// which finds impl from rec, it takes no slot in the loop's table.
func (h *Handle) InitInPlace(l *Loop, impl External, kind int, rec *Rec) {
	h.init(l, impl, kind, rec, true)
}

// IOWatchedByOther reports whether a watcher other than w watches fd for
// some event now (libuv's check in uv_poll_start: a second poll handle
// on a descriptor another one watches is refused with EEXIST, until that
// one stops).
func (l *Loop) IOWatchedByOther(fd int, w *IO) bool {
	l.drain() // a read started outside the loop watches its descriptor
	if fd < 0 || fd >= len(l.fds) {
		return false
	}
	o := l.fds[fd]
	return o != nil && o != w && o.want != 0
}

// IOWatched reports whether some watcher of l has fd registered (libuv's
// uv__fd_exists): opening a second handle on it is refused with EEXIST.
func (l *Loop) IOWatched(fd int) bool {
	l.drain() // a read started outside the loop watches its descriptor
	return fd >= 0 && fd < len(l.fds) && l.fds[fd] != nil
}
