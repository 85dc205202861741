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

// externalCloser adapts an External to the loop's closer. It is made once
// per handle, at init, so closing allocates nothing.
type externalCloser struct {
	h      *Handle
	impl   External
	userCb func(h *Handle)
}

func (a *externalCloser) closeHandle() {
	a.impl.CloseHandle()
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

// InitExternal links a handle of a type defined outside this package into
// l; see Handle.init for kind and flags.
func (h *Handle) InitExternal(l *Loop, impl External, kind int, flags *uint32) {
	h.init(l, &externalCloser{h: h, impl: impl}, kind, flags)
}

// IOWatched reports whether some watcher of l has fd registered (libuv's
// uv__fd_exists): opening a second handle on it is refused with EEXIST.
func (l *Loop) IOWatched(fd int) bool {
	return fd >= 0 && fd < len(l.fds) && l.fds[fd] != nil
}
