package uvio

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

func TestSetBytesWritesGoSlices(t *testing.T) {
	l := newLoop(t)
	h := &testHooks{buf: make([]byte, 64)}
	s, peer := pipePair(t, l, h)
	defer unix.Close(peer)
	r := s.NewWrite(nil, 3)
	r.SetBytes(0, []byte("go "))
	r.SetBytes(1, nil)
	r.SetBytes(2, []byte("bytes"))
	if r.Left() != 8 {
		t.Fatalf("Left() = %d", r.Left())
	}
	if err := s.Write(r, -1); err != nil {
		t.Fatal(err)
	}
	l.Run(loop.RunNoWait)
	if len(h.written) != 1 || h.written[0] != nil {
		t.Fatalf("written = %v", h.written)
	}
	got := make([]byte, 16)
	n, _ := unix.Read(peer, got)
	if !bytes.Equal(got[:n], []byte("go bytes")) {
		t.Fatalf("peer got %q", got[:n])
	}
	closeAndRun(t, l, &s.Handle)
}
