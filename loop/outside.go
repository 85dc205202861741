package loop

// OutsideCloser is what a handle type defined outside this package gives
// its Handle: CloseHandle stops whatever the handle watches when it is
// closed (uv_close), before the close callback is queued.
type OutsideCloser interface {
	CloseHandle()
}

type outsideCloser struct{ c OutsideCloser }

func (o outsideCloser) closeHandle() { o.c.CloseHandle() }

// InitOutside links h, embedded in a handle type of another package, into
// l, as the Init methods of this package's handle types do. flags, when
// non-nil, is where the state bits live (a C struct's flags field).
func (h *Handle) InitOutside(l *Loop, c OutsideCloser, kind int, flags *uint32) {
	h.init(l, outsideCloser{c}, kind, flags)
}
