package loop

// Phase names the loop phase a Watcher runs in.
type Phase int

// The three loop-watcher phases: idle and prepare before polling for I/O,
// check after it.
const (
	PhaseIdle Phase = iota
	PhasePrepare
	PhaseCheck
)

// Watcher is an idle, prepare or check handle: one piece of code for the
// three, since they differ only in the phase they run in. An active idle
// watcher also makes the loop poll without blocking.
type Watcher struct {
	Handle
	phase      Phase
	cb         func(w *Watcher)
	prev, next *Watcher // in the phase's list while active
}

// watcherList is a circular intrusive list with a sentinel node, so that
// a watcher can be removed without knowing which list holds it: a callback
// may stop a watcher that is waiting in the current pass.
type watcherList struct {
	root Watcher
}

func (q *watcherList) init() {
	q.root.next = &q.root
	q.root.prev = &q.root
}

func (q *watcherList) empty() bool { return q.root.next == &q.root }

func (q *watcherList) first() *Watcher { return q.root.next }

func (q *watcherList) pushFront(w *Watcher) {
	w.prev = &q.root
	w.next = q.root.next
	q.root.next.prev = w
	q.root.next = w
}

func (q *watcherList) pushBack(w *Watcher) {
	w.next = &q.root
	w.prev = q.root.prev
	q.root.prev.next = w
	q.root.prev = w
}

// moveTo moves every element of q to the empty list dst.
func (q *watcherList) moveTo(dst *watcherList) {
	if q.empty() {
		dst.init()
		return
	}
	dst.root.next = q.root.next
	dst.root.prev = q.root.prev
	dst.root.next.prev = &dst.root
	dst.root.prev.next = &dst.root
	q.init()
}

func unlinkWatcher(w *Watcher) {
	w.prev.next = w.next
	w.next.prev = w.prev
	w.prev, w.next = nil, nil
}

// InitWatcher prepares w on l for the given phase. rec may be nil (see
// Handle.init).
func (l *Loop) InitWatcher(w *Watcher, phase Phase, kind int, rec *Rec) {
	w.Handle.init(l, w, kind, rec)
	w.phase = phase
	w.cb = nil
	w.prev, w.next = nil, nil
}

func (w *Watcher) list() *watcherList { return &w.loop.watchers[w.phase] }

// Start makes cb run once per loop iteration in the watcher's phase.
// Starting an active watcher does nothing.
func (w *Watcher) Start(cb func(w *Watcher)) error {
	if w.IsActive() {
		return nil
	}
	if cb == nil {
		return ErrNoCallback
	}
	// Newly started watchers go to the front, as in libuv: they run first
	// from the next iteration on, and not in the pass that started them.
	w.list().pushFront(w)
	w.cb = cb
	w.Handle.Start()
	return nil
}

// Stop stops the watcher; stopping an inactive one does nothing.
func (w *Watcher) Stop() {
	if !w.IsActive() {
		return
	}
	unlinkWatcher(w)
	w.Handle.Stop()
}

func (w *Watcher) closeHandle() { w.Stop() }

// runWatchers calls every watcher active at the start of the phase. The
// list is moved aside and each watcher put back before its callback, so a
// callback may start or stop any watcher, itself included.
func (l *Loop) runWatchers(p Phase) {
	q := &l.watchers[p]
	if q.empty() {
		return
	}
	pass := &l.watcherPass[p]
	q.moveTo(pass)
	for !pass.empty() {
		w := pass.first()
		unlinkWatcher(w)
		q.pushBack(w)
		w.cb(w)
	}
}
