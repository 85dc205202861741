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

// InitExternal links a handle of a type defined outside this package into
// l; see Handle.init for kind and rec.
func (h *Handle) InitExternal(l *Loop, impl External, kind int, rec *Rec) {
	h.init(l, impl, kind, rec)
}

// IOWatched reports whether some watcher of l has fd registered (libuv's
// uv__fd_exists): opening a second handle on it is refused with EEXIST.
func (l *Loop) IOWatched(fd int) bool {
	return fd >= 0 && fd < len(l.fds) && l.fds[fd] != nil
}
