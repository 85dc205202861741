package loop

import "sync"

// Posted is a unit of work handed to the loop from another goroutine: the
// thread pool delivers its completions this way. Embed it to post without
// allocating; Fn runs on the loop thread.
type Posted struct {
	next *Posted
	Fn   func(p *Posted)
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
	for p != nil {
		next := p.next
		p.next = nil
		p.Fn(p)
		p = next
	}
}
