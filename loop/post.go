package loop

import "sync/atomic"

// Posted is a unit of work handed to the loop from another goroutine: the
// thread pool delivers its completions this way. Embed it to post without
// allocating; Fn runs on the loop thread.
type Posted struct {
	next *Posted
	Fn   func(p *Posted)
	// Event makes each run of Fn count as an event of its own in the
	// loop's metrics, as libuv counts each finished thread-pool request
	// (uv_metrics_t.events), not the one wakeup that delivered a batch.
	Event bool
}

// postQueue is where any goroutine may push. Senders push onto a stack
// with a compare-and-swap; the loop takes the whole stack with one swap
// per wakeup and reverses it into the order of the posts. No sender or
// loop ever waits for a lock: a pool worker descheduled in the middle of
// its post holds nothing the loop needs, and the loop's goroutine, which
// is locked to its thread, never parks on a contended mutex (a park and
// wake of a locked goroutine costs two thread wakeups).
type postQueue struct {
	top atomic.Pointer[Posted]
	// senders counts the Posts under way. A post's work may be done (its
	// request finished, the loop free to close) before its sender has
	// written the wakeup; Close waits for the count to reach 0 before it
	// closes the eventfd, which might otherwise be written after its
	// number was given to another file.
	senders atomic.Int32
}

// Post queues p to run on the loop thread and wakes the loop. It is safe
// from any goroutine.
func (l *Loop) Post(p *Posted) {
	q := &l.posted
	q.senders.Add(1)
	for {
		top := q.top.Load()
		p.next = top
		if q.top.CompareAndSwap(top, p) {
			break
		}
	}
	l.Wake()
	q.senders.Add(-1)
}

// PostHere queues p to run in the poll phase of this iteration, if its
// poll is still to come, or of the next. It must be called on the loop
// thread. Unlike Post it writes no wakeup: the loop does not block in its
// poll while anything waits here (BackendTimeout is 0).
func (l *Loop) PostHere(p *Posted) {
	p.next = nil
	if l.hereTail != nil {
		l.hereTail.next = p
	} else {
		l.hereHead = p
	}
	l.hereTail = p
}

// runPostedHere runs what PostHere queued before it began, in order;
// what their callbacks queue waits for the next poll.
func (l *Loop) runPostedHere() {
	p := l.hereHead
	l.hereHead, l.hereTail = nil, nil
	l.countEvents(runChain(p))
}

// runChain runs the chain that starts at p, in order, and returns how
// many of its entries count as events.
func runChain(p *Posted) uint64 {
	events := uint64(0)
	for p != nil {
		next := p.next
		p.next = nil
		if p.Event {
			events++
		}
		p.Fn(p)
		p = next
	}
	return events
}

// countEvents adds n events to the loop's metrics, as events that were
// waiting if the poll did not wait.
func (l *Loop) countEvents(n uint64) {
	l.metrics.Events += n
	if l.pollTimeout == 0 {
		l.metrics.EventsWaiting += n
	}
}

// waitPosters waits until no Post is under way (see postQueue.senders).
func (l *Loop) waitPosters() {
	waitUntil(func() bool { return l.posted.senders.Load() == 0 })
}

// runPosted runs everything posted so far, in the order it was posted.
func (l *Loop) runPosted() {
	var p *Posted
	for s := l.posted.top.Swap(nil); s != nil; {
		next := s.next
		s.next = p
		p = s
		s = next
	}
	// The wakeup that brought them was counted once already.
	if events := runChain(p); events > 1 {
		l.countEvents(events - 1)
	}
}
