package loop

// Words is the loop state that a host may read (and sometimes adjust)
// directly in its uv_loop_t. The loop reads and writes these through
// pointers: by default they point into the Loop itself; capi points them
// into the C struct, so the C fields are the state rather than a mirror.
type Words struct {
	ActiveHandles *uint32      // active, referenced handles
	ActiveReqs    *uint32      // requests in flight
	StopFlag      *uint32      // set by Stop, cleared when Run returns
	Time          *uint64      // cached clock in milliseconds (uv_now)
	Wakeup        *uint32      // non-zero while a write to the wakeup eventfd is unread
	TimerSeq      *uint64      // start order of timers (nil: the loop keeps its own)
	Sub           *Submissions // records queued by the embedder (nil: the loop's own)
}

// ownWords is the backing store for a Loop that nobody else looks into.
type ownWords struct {
	activeHandles uint32
	activeReqs    uint32
	stopFlag      uint32
	wakeup        uint32
	time          uint64
	timerSeq      uint64
	sub           Submissions
}

func (o *ownWords) words() Words {
	return Words{
		ActiveHandles: &o.activeHandles,
		ActiveReqs:    &o.activeReqs,
		StopFlag:      &o.stopFlag,
		Time:          &o.time,
		Wakeup:        &o.wakeup,
		TimerSeq:      &o.timerSeq,
		Sub:           &o.sub,
	}
}
