package uvio

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// The library's one stat is C's, which capi installs as StatFunc. These
// tests of io alone stand in fstatat for it, filling the fields they read.
func init() {
	StatFunc = func(typ FSType, fd int, path *byte, st *Stat) error {
		var s unix.Stat_t
		var err error
		switch typ {
		case FSFstat:
			err = unix.Fstat(fd, &s)
		case FSLstat:
			err = unix.Fstatat(unix.AT_FDCWD, cstring(path), &s, unix.AT_SYMLINK_NOFOLLOW)
		default:
			err = unix.Fstatat(unix.AT_FDCWD, cstring(path), &s, 0)
		}
		if err == nil && st != nil {
			*st = Stat{Dev: s.Dev, Mode: uint64(s.Mode), Ino: s.Ino, Size: uint64(s.Size),
				Mtim: Timespec{s.Mtim.Sec, s.Mtim.Nsec}, Ctim: Timespec{s.Ctim.Sec, s.Ctim.Nsec}}
		}
		return err
	}
}

// cpath returns a NUL-terminated copy of s, as capi hands paths over.
func cpath(s string) *byte {
	b := append([]byte(s), 0)
	return &b[0]
}

func do(t *testing.T, r *FSReq) int64 {
	t.Helper()
	r.Do()
	if r.Err != nil {
		t.Fatalf("%v: %v", r.Type, r.Err)
	}
	return r.Result
}

func TestFSOpenWriteReadStat(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	fd := int(do(t, &FSReq{Type: FSOpen, Path: cpath(p), Flags: unix.O_CREAT | unix.O_RDWR, Mode: 0o600}))
	defer unix.Close(fd)
	a, b := []byte("hello "), []byte("world")
	bufs := []unix.Iovec{{Base: &a[0], Len: uint64(len(a))}, {Base: &b[0], Len: uint64(len(b))}}
	if n := do(t, &FSReq{Type: FSWrite, File: fd, Bufs: bufs, Off: -1}); n != 11 {
		t.Fatalf("wrote %d", n)
	}
	out := make([]byte, 5)
	if n := do(t, &FSReq{Type: FSRead, File: fd, Bufs: []unix.Iovec{{Base: &out[0], Len: 5}}, Off: 6}); n != 5 || string(out) != "world" {
		t.Fatalf("read %d %q", n, out)
	}
	var st Stat
	do(t, &FSReq{Type: FSStat, Path: cpath(p), Stat: &st})
	if st.Size != 11 || st.Mode&unix.S_IFMT != unix.S_IFREG {
		t.Fatalf("stat %+v", st)
	}
	r := FSReq{Type: FSStat, Path: cpath(filepath.Join(dir, "none"))}
	r.Do()
	if r.Err != unix.ENOENT {
		t.Fatalf("stat of a missing file: %v", r.Err)
	}
}

func TestFSScandirSortsAndSkipsDots(t *testing.T) {
	dir := t.TempDir()
	want := []Dirent{{"a", DirentFile}, {"b", DirentDir}, {"c", DirentLink}}
	os.WriteFile(filepath.Join(dir, "a"), nil, 0o600)
	os.Mkdir(filepath.Join(dir, "b"), 0o700)
	os.Symlink("a", filepath.Join(dir, "c"))
	r := FSReq{Type: FSScandir, Path: cpath(dir)}
	if n := do(t, &r); n != 3 {
		t.Fatalf("%d entries", n)
	}
	if d := cmp.Diff(want, r.Entries); d != "" {
		t.Error(d)
	}
}

func TestFSMktempRewritesTemplate(t *testing.T) {
	dir := t.TempDir()
	tpl := append([]byte(filepath.Join(dir, "xXXXXXX")), 0)
	do(t, &FSReq{Type: FSMkdtemp, Path: &tpl[0]})
	name := unsafe.String(&tpl[0], len(tpl)-1)
	if fi, err := os.Stat(name); err != nil || !fi.IsDir() || filepath.Base(name) == "xXXXXXX" {
		t.Fatalf("mkdtemp made %q: %v", name, err)
	}
	bad := cpath(filepath.Join(dir, "nope"))
	r := FSReq{Type: FSMkstemp, Path: bad}
	r.Do()
	if r.Err != unix.EINVAL || *bad != 0 {
		t.Fatalf("bad template: %v", r.Err)
	}
}

func TestFSRealpathAndCopyfile(t *testing.T) {
	dir, _ := filepath.EvalSymlinks(t.TempDir())
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o640)
	os.Symlink("f", filepath.Join(dir, "l"))
	r := FSReq{Type: FSRealpath, Path: cpath(filepath.Join(dir, ".", "l"))}
	do(t, &r)
	if r.Str != filepath.Join(dir, "f") {
		t.Fatalf("realpath %q", r.Str)
	}
	do(t, &FSReq{Type: FSCopyfile, Path: cpath(filepath.Join(dir, "l")), NewPath: cpath(filepath.Join(dir, "g"))})
	if b, _ := os.ReadFile(filepath.Join(dir, "g")); string(b) != "data" {
		t.Fatalf("copy holds %q", b)
	}
	r = FSReq{Type: FSCopyfile, Path: cpath(filepath.Join(dir, "f")), NewPath: cpath(filepath.Join(dir, "g")), Flags: CopyfileExcl}
	r.Do()
	if r.Err != unix.EEXIST {
		t.Fatalf("EXCL onto an existing file: %v", r.Err)
	}
}

func TestDirReadsInBatches(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := 0; i < 300; i++ {
		n := filepath.Join(dir, string(rune('a'+i%26))+string(rune('a'+i/26)))
		os.WriteFile(n, nil, 0o600)
		want = append(want, filepath.Base(n))
	}
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		ents, err := d.Read(7, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) == 0 {
			break
		}
		if len(ents) > 7 {
			t.Fatalf("%d entries in a batch of 7", len(ents))
		}
		for _, e := range ents {
			got = append(got, e.Name)
		}
	}
	if err := d.Close(); err != nil || d.Close() != unix.EBADF {
		t.Fatal("second Close should fail with EBADF")
	}
	sort.Strings(want)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestFSTimespecKeepsMicroseconds(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want unix.Timespec
	}{
		{1.5, unix.Timespec{Sec: 1, Nsec: 500000000}},
		{-1.5, unix.Timespec{Sec: -2, Nsec: 500000000}},
		{1000.0000015, unix.Timespec{Sec: 1000, Nsec: 1000}},
	} {
		if got := fsTimespec(c.in); got != c.want {
			t.Errorf("fsTimespec(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}
