package loop

import "sync"

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

// postQueue is a FIFO that any goroutine may push to. The loop takes the
// whole queue at once per wakeup, so a burst of completions costs one
// eventfd write and one lock round trip.
type postQueue struct {
	mu         sync.Mutex
	head, tail *Posted
}

// Post queues p to run on the loop thread and wakes the loop. It is safe
// from any goroutine.
func (l *Loop) Post(p *Posted) {
	p.next = nil
	q := &l.posted
	q.mu.Lock()
	if q.tail != nil {
		q.tail.next = p
	} else {
		q.head = p
	}
	q.tail = p
	q.mu.Unlock()
	l.Wake()
}

// runPosted runs everything posted so far, in the order it was posted.
func (l *Loop) runPosted() {
	q := &l.posted
	q.mu.Lock()
	p := q.head
	q.head, q.tail = nil, nil
	q.mu.Unlock()
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
	// The wakeup that brought them was counted once already.
	if events > 1 {
		l.metrics.Events += events - 1
		if l.pollTimeout == 0 {
			l.metrics.EventsWaiting += events - 1
		}
	}
}
