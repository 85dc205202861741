package loop

// External is implemented by handle types defined outside package loop
// (the streams, poll handles and others of package uvio). The loop's own
// handle types implement the unexported closer instead.
type External interface {
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

// externalCloser adapts an External to the loop's closer. It is made once
// per handle, at init, so closing allocates nothing.
type externalCloser struct {
	h       *Handle
	impl    External
	userCb  func(h *Handle)
	waiting bool // closing, but held back until CloseReady
}

func (a *externalCloser) closeHandle() {
	a.impl.CloseHandle()
	if w, ok := a.impl.(CloseWaiter); ok && w.CloseWait() {
		a.waiting = true
	}
	// Close stored the owner's callback before calling us: run the
	// handle's own finish first, then that callback.
	a.userCb = a.h.closeCb
	a.h.closeCb = externalFinish
}

// externalFinish is a plain function, not a method value, so that
// closing allocates no closure.
func externalFinish(h *Handle) {
	a := h.self.(*externalCloser)
	a.impl.FinishClose()
	cb := a.userCb
	a.userCb = nil
	if cb != nil {
		cb(h)
	}
}

// closeWaiting reports whether Close must leave the handle out of the
// closing queue for now (see CloseWaiter).
func (h *Handle) closeWaiting() bool {
	a, ok := h.self.(*externalCloser)
	return ok && a.waiting
}

// CloseReady queues a handle whose close was held back by CloseWait for
// the closing phase (of this iteration, if called before it). It does
// nothing for a handle that is not held back.
func (h *Handle) CloseReady() {
	a, ok := h.self.(*externalCloser)
	if !ok || !a.waiting {
		return
	}
	a.waiting = false
	l := h.loop
	h.nextClosing = l.closing
	l.closing = h
}

// InitExternal links a handle of a type defined outside this package into
// l; see Handle.init for kind and flags.
func (h *Handle) InitExternal(l *Loop, impl External, kind int, flags *uint32) {
	h.init(l, &externalCloser{h: h, impl: impl}, kind, flags)
}

// IOWatchedByOther reports whether a watcher other than w watches fd for
// some event now (libuv's check in uv_poll_start: a second poll handle
// on a descriptor another one watches is refused with EEXIST, until that
// one stops).
func (l *Loop) IOWatchedByOther(fd int, w *IO) bool {
	if fd < 0 || fd >= len(l.fds) {
		return false
	}
	o := l.fds[fd]
	return o != nil && o != w && o.want != 0
}

// IOWatched reports whether some watcher of l has fd registered (libuv's
// uv__fd_exists): opening a second handle on it is refused with EEXIST.
func (l *Loop) IOWatched(fd int) bool {
	return fd >= 0 && fd < len(l.fds) && l.fds[fd] != nil
}
