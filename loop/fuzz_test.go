package loop

import (
	"testing"
)

// FuzzLoopOps drives random sequences of loop operations (start, stop,
// ref, unref, close, send, run) on a small set of timers, watchers and
// async handles, and checks them against a simple model after every
// step: the loop's active-handle count equals the number of active,
// referenced, not closing handles; activity is what the model predicts;
// no callback runs after its handle's close; every close callback runs
// exactly once; Alive agrees with the model; and the loop closes cleanly
// once every handle has been closed.
//
// Each input byte pair is one operation: the first byte picks the
// operation, the second the handle (and, for timer starts, whether the
// timer is due now or far away and whether it repeats).
func FuzzLoopOps(f *testing.F) {
	f.Add([]byte{0, 0, 6, 0, 5, 0})
	f.Add([]byte{0, 1, 1, 1, 6, 0, 4, 1, 6, 0})
	f.Add([]byte{0, 0x40, 6, 0, 2, 0, 4, 0, 6, 0})
	f.Add([]byte{7, 4, 4, 4, 6, 0, 7, 4, 6, 0})
	f.Add([]byte{2, 2, 3, 2, 0, 2, 6, 0, 4, 2, 0, 2, 6, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 512 {
			ops = ops[:512]
		}
		runLoopOps(t, ops)
	})
}

// fuzzHandle is one handle of FuzzLoopOps and its model.
type fuzzHandle struct {
	kind    int // 0 timer, 1 idle, 2 prepare, 3 check, 4 async
	timer   Timer
	watcher Watcher
	async   Async

	active   bool // the model's idea of the active bit
	ref      bool
	closing  bool
	closed   int  // close callbacks seen
	repeats  bool // timer: started with a repeat
	dueNow   bool // timer: started with timeout 0
	sent     bool // async: a send not yet delivered
	fired    int
	firedCur int // callbacks during the last run
}

func (h *fuzzHandle) handle() *Handle {
	switch h.kind {
	case 0:
		return &h.timer.Handle
	case 4:
		return &h.async.Handle
	}
	return &h.watcher.Handle
}

// cbOf returns the callback of handle i: it fails the test if the handle
// is closing, and counts the call.
func cbOf(t *testing.T, h *fuzzHandle, i int) func() {
	return func() {
		if h.closing {
			t.Fatalf("handle %d (kind %d): callback after uv_close", i, h.kind)
		}
		h.fired++
		h.firedCur++
	}
}

func runLoopOps(t *testing.T, ops []byte) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var hs [n]*fuzzHandle
	for i := range hs {
		h := &fuzzHandle{kind: i % 5, ref: true}
		hs[i] = h
		switch h.kind {
		case 0:
			l.InitTimer(&h.timer, 0)
		case 1:
			l.InitWatcher(&h.watcher, PhaseIdle, 0)
		case 2:
			l.InitWatcher(&h.watcher, PhasePrepare, 0)
		case 3:
			l.InitWatcher(&h.watcher, PhaseCheck, 0)
		case 4:
			fired := cbOf(t, h, i)
			l.InitAsync(&h.async, 0, func(*Async) { fired(); h.sent = false })
			h.active = true
		}
	}

	check := func(step int) {
		t.Helper()
		count := uint32(0)
		anyClosingPending := false
		for i, h := range hs {
			b := h.handle()
			if b.IsActive() != (h.active && !h.closing) {
				t.Fatalf("step %d: handle %d (kind %d): active %v, model %v", step, i, h.kind, b.IsActive(), h.active && !h.closing)
			}
			if b.HasRef() != h.ref {
				t.Fatalf("step %d: handle %d: ref %v, model %v", step, i, b.HasRef(), h.ref)
			}
			if h.closing != b.IsClosing() {
				t.Fatalf("step %d: handle %d: closing %v, model %v", step, i, b.IsClosing(), h.closing)
			}
			if h.closed > 1 {
				t.Fatalf("step %d: handle %d: %d close callbacks", step, i, h.closed)
			}
			if h.closing && h.closed == 0 {
				anyClosingPending = true
			}
			if h.active && !h.closing && h.ref {
				count++
			}
		}
		l.drain()
		if got := *l.w.ActiveHandles; got != count {
			t.Fatalf("step %d: active handles %d, model %d", step, got, count)
		}
		want := count > 0 || anyClosingPending
		if got := l.Alive(); got != want {
			t.Fatalf("step %d: Alive %v, model %v", step, got, want)
		}
	}

	for s := 0; s+1 < len(ops); s += 2 {
		op, arg := ops[s]%8, ops[s+1]
		i := int(arg) % n
		h := hs[i]
		switch op {
		case 0: // start
			var err error
			switch h.kind {
			case 0:
				h.dueNow = arg&0x40 == 0
				h.repeats = arg&0x80 != 0
				timeout, repeat := uint64(0), uint64(0)
				if !h.dueNow {
					timeout = 1 << 40
				}
				if h.repeats {
					repeat = 1 << 40
				}
				cb := cbOf(t, h, i)
				err = h.timer.Start(func(*Timer) { cb() }, timeout, repeat)
			case 1, 2, 3:
				cb := cbOf(t, h, i)
				err = h.watcher.Start(func(*Watcher) { cb() })
			case 4:
				continue
			}
			if h.closing {
				if err == nil {
					t.Fatalf("step %d: start of a closing handle succeeded", s)
				}
			} else {
				if err != nil {
					t.Fatalf("step %d: start: %v", s, err)
				}
				h.active = true
			}
		case 1: // stop
			switch h.kind {
			case 0:
				h.timer.Stop()
			case 1, 2, 3:
				h.watcher.Stop()
			case 4:
				continue
			}
			h.active = false
		case 2: // ref (a closed handle lost its reference when it finished
			// closing, as in libuv, and may take the bit again)
			h.handle().Ref()
			h.ref = true
		case 3: // unref
			h.handle().Unref()
			h.ref = false
		case 4: // close
			hh := h
			err := h.handle().Close(func(*Handle) { hh.closed++; hh.ref = false })
			if h.closing {
				if err == nil {
					t.Fatalf("step %d: second close succeeded", s)
				}
			} else if err != nil {
				t.Fatalf("step %d: close: %v", s, err)
			}
			h.closing = true
			h.active = false
		case 5, 7: // async send
			if h.kind == 4 && !h.closing {
				h.async.Send()
				h.sent = true
			}
		case 6: // one non-blocking run
			// A loop that nothing keeps alive returns at once, without
			// an iteration: nothing is called, as in libuv.
			alive := false
			for _, h := range hs {
				h.firedCur = 0
				if (h.active && h.ref && !h.closing) || (h.closing && h.closed == 0) {
					alive = true
				}
			}
			if _, err := l.Run(RunNoWait); err != nil {
				t.Fatalf("step %d: run: %v", s, err)
			}
			if !alive {
				for j, h := range hs {
					if h.firedCur != 0 {
						t.Fatalf("step %d: handle %d called in a run of a dead loop", s, j)
					}
				}
				break
			}
			for j, h := range hs {
				if h.closing && h.closed != 1 {
					t.Fatalf("step %d: handle %d closed, %d close callbacks after a run", s, j, h.closed)
				}
				switch h.kind {
				case 0:
					if h.active && h.dueNow {
						if h.firedCur != 1 {
							t.Fatalf("step %d: timer %d due now fired %d times", s, j, h.firedCur)
						}
						if !h.repeats {
							h.active = false
						}
					} else if h.firedCur != 0 && !(h.active && h.dueNow) {
						t.Fatalf("step %d: timer %d not due fired %d times", s, j, h.firedCur)
					}
					if h.repeats {
						h.dueNow = false // re-armed a long way off
					}
				case 1, 2, 3:
					if h.active && h.firedCur != 1 {
						t.Fatalf("step %d: watcher %d (kind %d) fired %d times in one iteration", s, j, h.kind, h.firedCur)
					}
				case 4:
					if h.sent && !h.closing {
						t.Fatalf("step %d: async %d send not delivered", s, j)
					}
				}
			}
		}
		check(s)
	}

	for _, h := range hs {
		if !h.closing {
			hh := h
			if err := h.handle().Close(func(*Handle) { hh.closed++; hh.ref = false }); err != nil {
				t.Fatalf("final close: %v", err)
			}
			h.closing = true
		}
	}
	if _, err := l.Run(RunDefault); err != nil {
		t.Fatalf("final run: %v", err)
	}
	for i, h := range hs {
		if h.closed != 1 {
			t.Fatalf("handle %d: %d close callbacks", i, h.closed)
		}
	}
	if l.Alive() {
		t.Fatal("loop alive with every handle closed")
	}
	if err := l.Close(); err != nil {
		t.Fatalf("loop close: %v", err)
	}
}
