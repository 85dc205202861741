package uvio

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
	"gouv/pool"
)

// FSPoll polls a path with stat on the thread pool (uv_fs_poll_t) and
// reports each change: Cb gets the previous and the current stat. As with
// libuv, the first successful stat only sets the baseline; a failing stat
// is reported once per distinct error, with a zeroed current stat.
type FSPoll struct {
	loop.Handle
	ticker FSPollTicker
	ctx    *fsPollCtx
	// stats counts the stats on the pool, of this start and of earlier
	// ones that were stopped: closing waits for all of them, as libuv's
	// does, so that the close callback means no request is left.
	stats int
	// Cb gets nil or the stat's error, the previous and the current stat
	// (Go memory, valid during the call).
	Cb func(p *FSPoll, err error, prev, curr *Stat)
}

// fsPollCtx is one run of polling, from Start to Stop. A stat may still
// be on the pool after Stop: it completes into its own, detached context.
type fsPollCtx struct {
	work     pool.Work // first: the pool hands back *pool.Work
	p        *FSPoll
	req      FSReq
	path     []byte // NUL-terminated
	interval uint64
	start    uint64 // loop time when the stat in flight was started
	busy     int    // 0: no stat yet; 1: last one worked; <0: last errno
	stopped  bool
	// st holds the stat in flight, the last successful one and zeros: an
	// allocation of its own without pointers, so that C may be handed
	// pointers into it.
	st *[3]Stat
}

// FSPollTicker times a poll's stats: Arm after each stat for the next one,
// which it runs with p.Tick, and Close at stop and at close. A Go
// program's is a timer of the loop (nil to InitFSPoll), made at the first
// Arm of each start; capi's is a timer of the host's loop in C memory, as
// libuv's poll context is, made by capi before the start, so that no
// record in Go memory joins a loop of records in the host's memory.
type FSPollTicker interface {
	Arm(p *FSPoll, ms uint64)
	Close(p *FSPoll)
}

// InitFSPoll prepares p on l; rec is as for the loop's Init methods, and
// ticker nil gives p a timer of the loop.
func InitFSPoll(l *loop.Loop, p *FSPoll, kind int, rec *loop.Rec, ticker FSPollTicker) {
	p.InitExternal(l, p, kind, rec)
	if ticker == nil {
		ticker = &goTicker{}
	}
	p.ticker = ticker
}

// goTicker is a Go program's FSPollTicker: an internal, unreferenced timer
// of the loop, made at the first Arm after a start.
type goTicker struct {
	t    loop.Timer // first: the timer's callback finds the ticker from it
	p    *FSPoll
	open bool
}

func (g *goTicker) Arm(p *FSPoll, ms uint64) {
	if !g.open {
		g.p = p
		p.Loop().InitTimer(&g.t, p.Kind())
		g.t.SetInternal()
		g.t.Unref()
		g.open = true
	}
	g.t.Start(goTickerFired, ms, 0)
}

func (g *goTicker) Close(p *FSPoll) {
	if g.open {
		g.open = false
		g.t.Close(nil)
	}
}

func goTickerFired(t *loop.Timer) { (*goTicker)(unsafe.Pointer(t)).p.Tick() }

// Start polls path every interval milliseconds. Starting an active
// handle does nothing, as in libuv.
func (p *FSPoll) Start(path string, interval uint64) error {
	if p.IsClosing() {
		return unix.EINVAL
	}
	if p.IsActive() {
		return nil
	}
	c := &fsPollCtx{p: p, interval: max(interval, 1), st: new([3]Stat)}
	c.path = append([]byte(path), 0)
	c.req.Type = FSStat
	c.req.Path = &c.path[0]
	c.req.Stat = &c.st[0]
	c.work.Run = fsPollRun
	c.work.Done = fsPollDone
	p.ctx = c
	p.Handle.Start()
	c.submit()
	return nil
}

func (c *fsPollCtx) submit() {
	c.p.stats++
	c.start = c.p.Loop().Now()
	pool.Submit(c.p.Loop(), &c.work, pool.FastIO)
}

func fsPollRun(w *pool.Work) {
	c := (*fsPollCtx)(unsafePointer(w))
	c.req.Do()
}

func fsPollDone(w *pool.Work, err error) {
	c := (*fsPollCtx)(unsafePointer(w))
	p := c.p
	p.stats--
	if p.stats == 0 && p.IsClosing() {
		// The last stat of a closed handle: its close may finish now.
		p.CloseReady()
	}
	if c.stopped || err != nil {
		return
	}
	if c.req.Err != nil {
		e := -int(errnoOf(c.req.Err))
		if c.busy != e {
			c.busy = e
			if p.Cb != nil {
				p.Cb(p, c.req.Err, &c.st[1], &c.st[2])
			}
		}
	} else {
		if c.busy != 0 && (c.busy < 0 || fsStatChanged(&c.st[1], &c.st[0])) {
			if p.Cb != nil {
				p.Cb(p, nil, &c.st[1], &c.st[0])
			}
		}
		c.st[1] = c.st[0]
		c.busy = 1
	}
	if c.stopped || p.ctx != c {
		return // the callback stopped or closed the handle
	}
	elapsed := p.Loop().Now() - c.start
	p.ticker.Arm(p, c.interval-elapsed%c.interval)
}

// Tick starts the next stat: the ticker's time has come.
func (p *FSPoll) Tick() {
	if c := p.ctx; c != nil && !c.stopped {
		c.submit()
	}
}

// fsStatChanged compares what libuv compares: times, size, mode, owner,
// inode, device and flags.
func fsStatChanged(a, b *Stat) bool {
	return a.Ctim != b.Ctim || a.Mtim != b.Mtim || a.Birthtim != b.Birthtim ||
		a.Size != b.Size || a.Mode != b.Mode || a.UID != b.UID || a.GID != b.GID ||
		a.Ino != b.Ino || a.Dev != b.Dev || a.Flags != b.Flags || a.Gen != b.Gen
}

// Stop stops polling. A stat in flight finishes unseen.
func (p *FSPoll) Stop() {
	if !p.IsActive() {
		return
	}
	if p.ctx != nil {
		p.ctx.stopped = true
		p.ctx = nil
	}
	p.ticker.Close(p)
	p.Handle.Stop()
}

// Path returns the polled path, or nil when stopped.
func (p *FSPoll) Path() []byte {
	if p.ctx == nil {
		return nil
	}
	return p.ctx.path[:len(p.ctx.path)-1]
}

// FinishClose has nothing to cancel: the close waited for the stats.
func (p *FSPoll) FinishClose() {}

// CloseWait holds the close back while stats are in flight; the last one
// to finish releases it (fsPollDone).
func (p *FSPoll) CloseWait() bool { return p.stats > 0 }

// CloseHandle stops polling, which closes the ticker.
func (p *FSPoll) CloseHandle() { p.Stop() }
