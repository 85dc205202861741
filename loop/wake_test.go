package loop

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Posts from other goroutines racing with the loop's own wakeup handling
// must never leave the loop asleep with work queued.
func TestPostsRacingWithWakeupsAreNeverLost(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	const producers, each = 2, 20000
	posts := make([]Posted, producers*each)
	done := 0
	for range posts {
		l.ReqStart()
	}
	fn := func(p *Posted) {
		done++
		l.ReqDone()
	}
	var stuck atomic.Bool
	finished := make(chan struct{})
	go func() {
		// Watchdog: a lost wakeup leaves Run blocked forever; record it
		// and write the eventfd directly (Wake would trust the stale
		// word) so the test reports instead of hanging.
		select {
		case <-finished:
		case <-time.After(10 * time.Second):
			stuck.Store(true)
			for {
				l.writeWakeup()
				select {
				case <-finished:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for g := 0; g < producers; g++ {
		wg.Add(1)
		go func(part []Posted) {
			defer wg.Done()
			for i := range part {
				part[i].Fn = fn
				l.Post(&part[i])
			}
		}(posts[g*each : (g+1)*each])
	}
	if _, err := l.Run(RunDefault); err != nil {
		t.Fatal(err)
	}
	close(finished)
	wg.Wait()
	if stuck.Load() {
		t.Fatal("the loop slept with posted work queued (lost wakeup)")
	}
	if done != len(posts) {
		t.Fatalf("%d of %d posts ran", done, len(posts))
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}
