package uvio

import (
	"os"
	"path/filepath"
	"testing"

	"gouv/loop"
)

func newFSLoop(t *testing.T) *loop.Loop {
	t.Helper()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { CloseFSEvents(l); l.Close() })
	return l
}

func TestFSEventSeesACreatedFile(t *testing.T) {
	l := newFSLoop(t)
	dir := t.TempDir()
	var e FSEvent
	InitFSEvent(l, &e, 0, nil)
	var got string
	var events int
	e.Cb = func(e *FSEvent, name []byte, ev int) {
		got = string(name[:indexNUL(name)])
		events |= ev
		e.Stop()
	}
	if err := e.Start(dir, 0); err != nil {
		t.Fatal(err)
	}
	if string(e.Path()) != dir {
		t.Fatalf("Path() = %q", e.Path())
	}
	os.WriteFile(filepath.Join(dir, "new"), nil, 0o600)
	l.Run(loop.RunDefault)
	if got != "new" || events&FSEventRename == 0 {
		t.Fatalf("event %q %d", got, events)
	}
	if e.Path() != nil {
		t.Fatal("a stopped handle still has a path")
	}
}

func TestFSPollReportsAGrowingFile(t *testing.T) {
	l := newFSLoop(t)
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("1"), 0o600)
	var fp FSPoll
	InitFSPoll(l, &fp, 0, nil, nil)
	var sizes [][2]uint64
	ticks := 0
	fp.Cb = func(fp *FSPoll, err error, prev, curr *Stat) {
		if err != nil {
			t.Errorf("poll: %v", err)
		}
		sizes = append(sizes, [2]uint64{prev.Size, curr.Size})
		fp.Close(nil)
	}
	// Grow the file once the baseline stat has been taken: a timer does it.
	var tm loop.Timer
	l.InitTimer(&tm, 0)
	tm.Start(func(*loop.Timer) {
		ticks++
		os.WriteFile(p, []byte("12345"), 0o600)
		tm.Close(nil)
	}, 30, 0)
	if err := fp.Start(p, 5); err != nil {
		t.Fatal(err)
	}
	l.Run(loop.RunDefault)
	if len(sizes) != 1 || sizes[0] != [2]uint64{1, 5} {
		t.Fatalf("changes %v", sizes)
	}
}
