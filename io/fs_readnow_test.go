package uvio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func iovecs(bufs ...[]byte) []unix.Iovec {
	v := make([]unix.Iovec, len(bufs))
	for i, b := range bufs {
		v[i].Base = unsafe.SliceData(b)
		v[i].SetLen(len(b))
	}
	return v
}

// A read of cached bytes finishes in ReadNow, at an offset and at the
// file's position, which it moves.
func TestReadNowAnswersFromThePageCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	data := bytes.Repeat([]byte("0123456789"), 1000)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	out := make([]byte, 100)
	r := FSReq{Type: FSRead, File: fd, Off: 5, Bufs: iovecs(out)}
	if !r.ReadNow() || r.Err != nil || r.Result != 100 || !bytes.Equal(out, data[5:105]) {
		t.Fatalf("at an offset: finished %v, result %d, err %v", r.Result == 100, r.Result, r.Err)
	}
	a, b := make([]byte, 3), make([]byte, 7)
	r = FSReq{Type: FSRead, File: fd, Off: -1, Bufs: iovecs(a, b)}
	if !r.ReadNow() || r.Result != 10 || string(a)+string(b) != "0123456789" {
		t.Fatalf("at the position: result %d, %q %q", r.Result, a, b)
	}
	if pos, _ := unix.Seek(fd, 0, 1); pos != 10 {
		t.Fatalf("position %d after reading 10", pos)
	}
	r = FSReq{Type: FSRead, File: fd, Off: int64(len(data)), Bufs: iovecs(out)}
	if !r.ReadNow() || r.Result != 0 {
		t.Fatalf("at the end: result %d", r.Result)
	}
	// Up to the end, at an offset and at the position: a short read, and
	// the read's whole answer.
	r = FSReq{Type: FSRead, File: fd, Off: int64(len(data)) - 30, Bufs: iovecs(out)}
	if !r.ReadNow() || r.Result != 30 || !bytes.Equal(out[:30], data[len(data)-30:]) {
		t.Fatalf("up to the end at an offset: result %d, partial %d", r.Result, r.Partial)
	}
	unix.Seek(fd, int64(len(data))-40, 0)
	r = FSReq{Type: FSRead, File: fd, Off: -1, Bufs: iovecs(out)}
	if !r.ReadNow() || r.Result != 40 || !bytes.Equal(out[:40], data[len(data)-40:]) {
		t.Fatalf("up to the end at the position: result %d, partial %d", r.Result, r.Partial)
	}
	// What it cannot vouch for goes to the pool untouched.
	for _, c := range []FSReq{
		{Type: FSRead, File: -1, Bufs: iovecs(out)},                   // an error
		{Type: FSRead, File: fd, Bufs: iovecs(make([]byte, 0))},       // nothing to read
		{Type: FSRead, File: fd, Bufs: iovecs(make([]byte, 256<<10))}, // too big a copy
		{Type: FSWrite, File: fd, Bufs: iovecs(out)},                  // not a read
	} {
		c := c
		if c.ReadNow() || c.Result != 0 || c.Partial != 0 {
			t.Errorf("%+v: finished or begun in ReadNow", c)
		}
	}
}

// A read whose range is cached only in part leaves the rest to Do, which
// returns the whole count, with every byte in place.
func TestReadNowLeavesTheUncachedRestToThePool(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	data := make([]byte, 256<<10)
	for i := range data {
		data[i] = byte(i/4096 + i)
	}
	// Page by page: one large write may be cached in one large folio,
	// which a drop of half of it leaves in place.
	w, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(data); i += 4096 {
		if _, err := w.Write(data[i : i+4096]); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	const from, size = 64 << 10, 128 << 10 // half cached, half dropped
	want := data[from : from+size]
	for _, off := range []int64{-1, from} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		fd := int(f.Fd())
		if err := unix.Fsync(fd); err != nil {
			t.Fatal(err)
		}
		// Drop the second half of the file from the cache.
		if err := unix.Fadvise(fd, 128<<10, 128<<10, unix.FADV_DONTNEED); err != nil {
			t.Fatal(err)
		}
		unix.Seek(fd, from, 0)
		a, b := make([]byte, 10000), make([]byte, size-10000)
		r := FSReq{Type: FSRead, File: fd, Off: off, Bufs: iovecs(a, b)}
		if r.ReadNow() {
			f.Close()
			t.Skipf("the file system kept the dropped range cached (%d)", r.Result)
		}
		if r.Partial != 64<<10 || len(r.Bufs) != 1 || r.Bufs[0].Len != size-64<<10 {
			t.Fatalf("off %d: partial %d, rest %d buffers", off, r.Partial, len(r.Bufs))
		}
		r.Do()
		if r.Err != nil || r.Result != size {
			t.Fatalf("off %d: Do gave %d, %v", off, r.Result, r.Err)
		}
		if !bytes.Equal(append(a, b...), want) {
			t.Fatalf("off %d: bytes out of place", off)
		}
		if pos, _ := unix.Seek(fd, 0, 1); off < 0 && pos != from+size {
			t.Fatalf("position %d after reading up to %d", pos, from+size)
		}
		f.Close()
	}
}

// A pipe's short read is its result; an empty one is left to the pool.
func TestReadNowOfAPipe(t *testing.T) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	out := make([]byte, 100)
	r := FSReq{Type: FSRead, File: p[0], Off: -1, Bufs: iovecs(out)}
	if r.ReadNow() {
		t.Fatal("finished a read of an empty pipe")
	}
	unix.Write(p[1], []byte("hello"))
	if !r.ReadNow() || r.Result != 5 || string(out[:5]) != "hello" {
		t.Fatalf("result %d, %q", r.Result, out[:5])
	}
}
