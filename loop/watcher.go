package loop

import "unsafe"

// Phase names the loop phase a Watcher runs in.
type Phase int

// The three loop-watcher phases: idle and prepare before polling for I/O,
// check after it.
const (
	PhaseIdle Phase = iota
	PhasePrepare
	PhaseCheck
)

// WatcherRec is an idle, prepare or check handle's state, laid out like
// TimerRec to live in memory the Go heap does not own, right after its
// handle's Rec (see WatcherHandle): the owner's callback and the links of
// the phase's list, which the loop alone writes. Which phase it runs in is
// in its Rec (RecWatcher and the phase above RecPhaseShift).
type WatcherRec struct {
	Cb         unsafe.Pointer // the owner's callback; the loop never calls it
	Prev, Next *WatcherRec
}

// WatcherHandle is the memory of a watcher's loop state: its Rec, then its
// WatcherRec. capi's uv_idle_t, uv_prepare_t and uv_check_t hold one from
// their handle_queue field on.
type WatcherHandle struct {
	Rec     Rec
	Watcher WatcherRec
}

func watcherOfRec(r *Rec) *WatcherRec {
	return (*WatcherRec)(unsafe.Add(unsafe.Pointer(r), unsafe.Offsetof(WatcherHandle{}.Watcher)))
}

func recOfWatcher(w *WatcherRec) *Rec {
	return (*Rec)(unsafe.Add(unsafe.Pointer(w), -int(unsafe.Offsetof(WatcherHandle{}.Watcher))))
}

func phaseOf(r *Rec) Phase { return Phase(r.Sub>>RecPhaseShift) & 3 }

// Watcher is an idle, prepare or check handle of a Go program: one piece
// of code for the three, since they differ only in the phase they run in.
// An active idle watcher also makes the loop poll without blocking.
// Watchers without Go state (capi's) share the same lists through
// WatcherHandle.
type Watcher struct {
	Handle
	wh WatcherHandle
	cb func(w *Watcher)
}

// watcherList is a list of watchers with its ends in the loop. The nodes
// link only to each other, never to the loop, so nodes in C memory hold no
// pointer into the Go heap.
type watcherList struct {
	head, tail *WatcherRec
}

func (q *watcherList) empty() bool { return q.head == nil }

func (q *watcherList) pushFront(w *WatcherRec) {
	w.Prev, w.Next = nil, q.head
	if q.head != nil {
		q.head.Prev = w
	} else {
		q.tail = w
	}
	q.head = w
}

func (q *watcherList) pushBack(w *WatcherRec) {
	w.Next, w.Prev = nil, q.tail
	if q.tail != nil {
		q.tail.Next = w
	} else {
		q.head = w
	}
	q.tail = w
}

// unlinkWatcher takes w out of whichever of its phase's two lists holds
// it: the running list, or the pass that runWatchers is working through
// (a callback may stop a watcher still waiting in the pass).
func (l *Loop) unlinkWatcher(w *WatcherRec) {
	r := recOfWatcher(w)
	if r.Sub&RecLinked == 0 {
		return
	}
	r.Sub &^= RecLinked
	p := phaseOf(r)
	q := &l.watchers[p]
	if w.Prev == nil && q.head != w {
		q = &l.watcherPass[p]
	} else if w.Next == nil && q.tail != w {
		q = &l.watcherPass[p]
	}
	if w.Prev != nil {
		w.Prev.Next = w.Next
	} else {
		q.head = w.Next
	}
	if w.Next != nil {
		w.Next.Prev = w.Prev
	} else {
		q.tail = w.Prev
	}
	w.Prev, w.Next = nil, nil
}

// linkWatcher puts a started watcher at the front of its phase's list, as
// libuv does: it runs first from the next pass on, not in the pass that
// started it.
func (l *Loop) linkWatcher(w *WatcherRec) {
	r := recOfWatcher(w)
	r.Sub |= RecLinked
	l.watchers[phaseOf(r)].pushFront(w)
}

// syncWatcher puts a watcher whose state changed outside the loop where
// its state says. started reports a start since the last drain: a watcher
// stopped and started again moves to the front, as a fresh start does.
func (l *Loop) syncWatcher(r *Rec, started bool) {
	w := watcherOfRec(r)
	active := r.Flags&(FlagActive|FlagClosing|FlagClosed) == FlagActive
	if r.Sub&RecLinked != 0 && (!active || started) {
		l.unlinkWatcher(w)
	}
	if active && r.Sub&RecLinked == 0 {
		l.linkWatcher(w)
	}
}

// InitWatcher prepares w on l for the given phase.
func (l *Loop) InitWatcher(w *Watcher, phase Phase, kind int) {
	w.wh = WatcherHandle{}
	w.Handle.init(l, w, kind, &w.wh.Rec, false)
	w.wh.Rec.Sub = RecWatcher | uint32(phase)<<RecPhaseShift
	w.cb = nil
}

// Start makes cb run once per loop iteration in the watcher's phase.
// Starting an active watcher does nothing.
func (w *Watcher) Start(cb func(w *Watcher)) error {
	if w.IsActive() {
		return nil
	}
	if cb == nil {
		return ErrNoCallback
	}
	if w.IsClosing() {
		// A closing watcher linked into its phase would be called after
		// its close callback (found by FuzzLoopOps).
		return ErrClosing
	}
	w.cb = cb
	w.Handle.Start()
	w.Loop().linkWatcher(&w.wh.Watcher)
	return nil
}

// Stop stops the watcher; stopping an inactive one does nothing.
func (w *Watcher) Stop() {
	if !w.IsActive() {
		return
	}
	w.Loop().unlinkWatcher(&w.wh.Watcher)
	w.Handle.Stop()
}

func (w *Watcher) closeHandle() { w.Stop() }

// runWatchers calls every watcher active at the start of the phase. The
// list is moved aside and each watcher put back before its callback, so a
// callback may start or stop any watcher, itself included; what a callback
// did outside the loop is applied before the next watcher is chosen.
func (l *Loop) runWatchers(p Phase) {
	l.drain()
	q := &l.watchers[p]
	if q.empty() {
		return
	}
	pass := &l.watcherPass[p]
	*pass = *q
	*q = watcherList{}
	for {
		w := pass.head
		if w == nil {
			break
		}
		pass.head = w.Next
		if w.Next != nil {
			w.Next.Prev = nil
		} else {
			pass.tail = nil
		}
		q.pushBack(w)
		r := recOfWatcher(w)
		if r.Slot == 0 {
			l.light.FireWatcher(r)
		} else {
			o := l.objs[r.Slot].(*Watcher)
			o.cb(o)
		}
		l.drain()
	}
}
