package uvio

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// Fuzz targets over the Go code that takes the host's input: host names
// (IDNA), open flags and modes, spawn options, write buffer arrays and raw
// destination addresses. scripts/harden.sh runs each for a bounded time;
// the seeds are in testdata/fuzz/<target>/ and in the f.Add calls.

// ---- host names ----

// isIDNASep reports the label separators IDNAToASCII accepts.
func isIDNASep(r rune) bool { return r == '.' || r == 0x3002 || r == 0xff0e || r == 0xff61 }

// testPunyDecode is an independent Punycode decoder (RFC 3492, 6.2), so
// that an encoding can be checked by decoding it back.
func testPunyDecode(s string) ([]rune, bool) {
	var out []rune
	if b := strings.LastIndexByte(s, '-'); b >= 0 {
		for _, c := range []byte(s[:b]) {
			if c >= 0x80 {
				return nil, false
			}
			out = append(out, rune(c))
		}
		s = s[b+1:]
	}
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= 700
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > 455 {
			delta /= 35
			k += 36
		}
		return k + 36*delta/(delta+38)
	}
	n, i, bias := 128, 0, 72
	for pos := 0; pos < len(s); {
		oldi, w := i, 1
		for k := 36; ; k += 36 {
			if pos >= len(s) {
				return nil, false
			}
			c := s[pos]
			pos++
			var d int
			switch {
			case c >= 'a' && c <= 'z':
				d = int(c - 'a')
			case c >= '0' && c <= '9':
				d = int(c-'0') + 26
			default:
				return nil, false
			}
			i += d * w
			if i > 1<<40 {
				return nil, false
			}
			t := min(max(k-bias, 1), 26)
			if d < t {
				break
			}
			w *= 36 - t
		}
		bias = adapt(i-oldi, len(out)+1, oldi == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		out = append(out[:i], append([]rune{rune(n)}, out[i:]...)...)
		i++
	}
	return out, true
}

// FuzzIDNAToASCII: any input either fails with EINVAL or gives an ASCII
// name of at most IDNAMaxLen bytes with one label per input label, ASCII
// labels kept as they are and every other label "xn--" plus a Punycode
// string that decodes back to it.
func FuzzIDNAToASCII(f *testing.F) {
	for _, s := range []string{"localhost", "bücher.example", "例え.テスト", "a。b．c｡d",
		"xn--already.example", "-ü-.x", "", ".", "ü", strings.Repeat("ä", 70), "\xff.example", "a..b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, err := IDNAToASCII(nil, []byte(name))
		if err != nil {
			if err != unix.EINVAL {
				t.Fatalf("%q: error %v, want EINVAL", name, err)
			}
			return
		}
		if !utf8.ValidString(name) {
			t.Fatalf("%q: invalid UTF-8 accepted", name)
		}
		if len(got) > IDNAMaxLen {
			t.Fatalf("%q: %d bytes, more than %d", name, len(got), IDNAMaxLen)
		}
		for _, c := range got {
			if c >= 0x80 {
				t.Fatalf("%q: non-ASCII result %q", name, got)
			}
		}
		in := splitFunc(name, isIDNASep)
		out := strings.Split(string(got), ".")
		if len(in) != len(out) {
			t.Fatalf("%q: %d labels became %d: %q", name, len(in), len(out), got)
		}
		for i, label := range in {
			ascii := true
			for _, c := range []byte(label) {
				if c >= 0x80 {
					ascii = false
				}
			}
			if ascii {
				if out[i] != label {
					t.Fatalf("%q: ASCII label %q became %q", name, label, out[i])
				}
				continue
			}
			enc, ok := strings.CutPrefix(out[i], "xn--")
			if !ok {
				t.Fatalf("%q: label %q encoded as %q, without xn--", name, label, out[i])
			}
			dec, ok := testPunyDecode(enc)
			if !ok || string(dec) != label {
				t.Fatalf("%q: label %q encoded as %q, which decodes to %q", name, label, out[i], string(dec))
			}
		}
	})
}

// splitFunc splits s at every rune sep accepts, keeping empty fields.
func splitFunc(s string, sep func(rune) bool) []string {
	var out []string
	start := 0
	for i, r := range s {
		if sep(r) {
			out = append(out, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, s[start:])
}

// ---- open flags and modes ----

// FuzzFSOpen opens a file of a fuzzed name in a fresh directory with
// fuzzed flags and mode: a success is a descriptor with close-on-exec set
// and the access mode asked for, and a file it created has the mode asked
// for less the umask; a failure is an errno with Result 0.
func FuzzFSOpen(f *testing.F) {
	f.Add("f", int32(unix.O_RDWR|unix.O_CREAT|unix.O_EXCL), uint32(0o644))
	f.Add("f", int32(unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_APPEND), uint32(0o7777))
	f.Add("dir", int32(unix.O_RDONLY|unix.O_DIRECTORY), uint32(0))
	f.Add("x", int32(unix.O_TMPFILE|unix.O_RDWR), uint32(0o600))
	f.Add("p", int32(unix.O_PATH|unix.O_NOFOLLOW), uint32(0))
	f.Add(strings.Repeat("n", 300), int32(unix.O_CREAT), uint32(0o600))
	f.Add("f", int32(-1), uint32(0xffffffff))
	base := f.TempDir()
	umask := unix.Umask(0)
	unix.Umask(umask)
	f.Fuzz(func(t *testing.T, name string, flags int32, mode uint32) {
		dir, err := os.MkdirTemp(base, "o")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if err := os.Mkdir(filepath.Join(dir, "dir"), 0o755); err != nil {
			t.Fatal(err)
		}
		name = strings.Map(func(r rune) rune {
			if r == '/' || r == 0 {
				return '_'
			}
			return r
		}, name)
		if name == "" || name == "." || name == ".." {
			name = "f"
		}
		path := filepath.Join(dir, name)
		_, statErr := os.Lstat(path)
		existed := statErr == nil
		p := append([]byte(path), 0)
		r := FSReq{Type: FSOpen, Path: &p[0], Flags: int(flags), Mode: int(mode)}
		r.Do()
		if r.Err != nil {
			var e unix.Errno
			if !errors.As(r.Err, &e) {
				t.Fatalf("open %q %#x %#o: error %v is no errno", name, flags, mode, r.Err)
			}
			if r.Result != 0 {
				t.Fatalf("open failed with %v but Result is %d", r.Err, r.Result)
			}
			return
		}
		fd := int(r.Result)
		if fd < 0 {
			t.Fatalf("open %q %#x: descriptor %d", name, flags, fd)
		}
		defer unix.Close(fd)
		fdFlags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err != nil || fdFlags&unix.FD_CLOEXEC == 0 {
			t.Fatalf("open %q %#x: FD_CLOEXEC not set (%#x, %v)", name, flags, fdFlags, err)
		}
		if flags&unix.O_PATH == 0 {
			fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
			if err != nil || fl&unix.O_ACCMODE != int(flags)&unix.O_ACCMODE {
				t.Fatalf("open %q %#x: access mode %#x (%v)", name, flags, fl&unix.O_ACCMODE, err)
			}
		}
		if !existed && flags&unix.O_CREAT != 0 && flags&unix.O_TMPFILE != unix.O_TMPFILE {
			var st unix.Stat_t
			if err := unix.Lstat(path, &st); err != nil {
				t.Fatalf("open %q %#x succeeded but created nothing: %v", name, flags, err)
			}
			if got, want := st.Mode&0o777, mode&0o777&^uint32(umask); got != want {
				t.Fatalf("open %q %#x mode %#o: file mode %#o, want %#o", name, flags, mode, got, want)
			}
		}
	})
}

// ---- spawn options ----

// recordingForker stands in for fork and exec: it records what Spawn
// would start and fails, so that no random program ever runs.
type recordingForker struct {
	called bool
	path   string
	files  []int
}

var errFakeFork = errors.New("fuzz: not forking")

func (r *recordingForker) ForkExec(path string, o *ProcessOptions, files []int) (int, int, error) {
	r.called = true
	r.path = path
	r.files = append([]int(nil), files...)
	return 0, -1, errFakeFork
}

// FuzzSpawnOptions: Spawn's checks and conversions of random options
// (file, arguments, environment and the PATH in it, working directory,
// stdio, uid and gid flags). Without file or arguments it is ErrNoFile
// and nothing starts; a program not found is ENOENT or EACCES; otherwise
// the forker gets the program found (the file itself if it has a slash, a
// regular executable on PATH if not) and one descriptor per stdio entry
// (at least three; /dev/null for missing 0-2, -1 above). The handle
// stays inactive and closes.
func FuzzSpawnOptions(f *testing.F) {
	f.Add("true", "true", "PATH=/usr/bin:/bin", "", []byte{0, 1, 2}, byte(0), uint32(0), uint32(0))
	f.Add("/bin/true", "", "", "/", []byte{}, byte(3), uint32(65534), uint32(65534))
	f.Add("sh", "sh\x00-c\x00exit 3", "PATH=", "/tmp", []byte{0xff, 0xff, 0xff, 5, 0xff}, byte(1), uint32(1), uint32(2))
	f.Add("", "x", "", "", []byte{}, byte(0), uint32(0), uint32(0))
	f.Add("no-such-program-here", "a", "PATH=/nonexistent:/etc", "", []byte{}, byte(0), uint32(0), uint32(0))
	f.Add("passwd", "passwd", "PATH=/etc", "", []byte{}, byte(0), uint32(0), uint32(0))
	f.Fuzz(func(t *testing.T, file, args, env, dir string, stdio []byte, bits byte, uid, gid uint32) {
		if len(stdio) > 64 {
			stdio = stdio[:64]
		}
		o := &ProcessOptions{File: file, Dir: dir, Detached: bits&4 != 0,
			SetUID: bits&1 != 0, UID: uid, SetGID: bits&2 != 0, GID: gid}
		if args != "" || bits&8 != 0 {
			o.Args = strings.Split(args, "\x00")
		}
		if env != "" || bits&16 != 0 {
			o.Env = strings.Split(env, "\x00")
		}
		for _, b := range stdio {
			o.Stdio = append(o.Stdio, Stdio{FD: int(int8(b)), NonBlock: b&0x40 != 0})
		}
		rf := &recordingForker{}
		SetForker(rf)
		defer SetForker(goForker{})
		l, err := loop.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		var p Process
		InitProcess(l, &p, 0, nil)
		err = p.Spawn(o, func(*Process, int64, int) { t.Error("exit callback of a process never started") })
		switch {
		case file == "" || len(o.Args) == 0:
			if err != ErrNoFile || rf.called {
				t.Fatalf("spawn without file or args: %v (forked: %v)", err, rf.called)
			}
		case !rf.called:
			if err != unix.ENOENT && err != unix.EACCES {
				t.Fatalf("spawn %q: %v before forking, want ENOENT or EACCES", file, err)
			}
			if strings.Contains(file, "/") {
				t.Fatalf("spawn %q: a path with a slash is not looked up, but got %v", file, err)
			}
		default:
			if err != errFakeFork {
				t.Fatalf("spawn %q: %v, want the forker's error", file, err)
			}
			if strings.Contains(file, "/") {
				if rf.path != file {
					t.Fatalf("spawn %q ran %q", file, rf.path)
				}
			} else {
				var st unix.Stat_t
				if !strings.HasSuffix(rf.path, "/"+file) || unix.Stat(rf.path, &st) != nil ||
					st.Mode&unix.S_IFMT != unix.S_IFREG || unix.Access(rf.path, unix.X_OK) != nil {
					t.Fatalf("spawn %q found %q, not an executable of that name", file, rf.path)
				}
			}
			if want := max(len(o.Stdio), 3); len(rf.files) != want {
				t.Fatalf("%d stdio entries gave %d descriptors, want %d", len(o.Stdio), len(rf.files), want)
			}
			for i, fd := range rf.files {
				want := -1
				if i < len(o.Stdio) && o.Stdio[i].FD >= 0 {
					want = o.Stdio[i].FD
				} else if i < 3 {
					want = devNull
				}
				if fd != want || (i < 3 && fd < 0) {
					t.Fatalf("child descriptor %d is %d, want %d", i, fd, want)
				}
			}
		}
		if p.Pid() != 0 || p.IsActive() {
			t.Fatalf("failed spawn left pid %d, active %v", p.Pid(), p.IsActive())
		}
		closed := false
		if err := p.Close(func(*loop.Handle) { closed = true }); err != nil {
			t.Fatal(err)
		}
		l.Run(loop.RunDefault)
		if !closed {
			t.Fatal("no close callback")
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// ---- write buffer arrays ----

// FuzzWriteAdvance: a write request of many buffers (zero lengths, more
// than IOV_MAX of them) written in random pieces: after each piece the
// bytes left, the first buffer not written and the remaining buffers'
// contents are those of the model (the concatenation less what was
// written), and no empty buffer is ever first.
func FuzzWriteAdvance(f *testing.F) {
	f.Add([]byte{1, 0, 3, 0, 0, 5}, []byte{1, 2, 3})
	f.Add([]byte{0, 0, 0}, []byte{0})
	f.Add(bytes.Repeat([]byte{1, 0}, 1100), []byte{200, 255, 7, 0, 9})
	f.Add([]byte{255, 255, 255}, []byte{255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, lens, steps []byte) {
		if len(lens) > 3000 {
			lens = lens[:3000]
		}
		total := 0
		sizes := make([]int, len(lens))
		for i, b := range lens {
			sizes[i] = int(b)
			if b == 255 {
				sizes[i] = 1 << 16 // a large buffer
			}
			total += sizes[i]
		}
		data := make([]byte, total+1) // +1: a buffer of length 0 at the end still points inside
		for i := range data {
			data[i] = byte(i*7 + i>>8)
		}
		r := &WriteReq{iov: make([]unix.Iovec, len(sizes))}
		off := 0
		for i, n := range sizes {
			r.SetBuf(i, unsafe.Pointer(&data[off]), n)
			off += n
		}
		if r.Left() != total {
			t.Fatalf("left %d after setting buffers of %d bytes", r.Left(), total)
		}
		r.advance(0) // what a write of nothing does: skips leading empty buffers
		done := 0
		for _, s := range steps {
			if r.left == 0 {
				break
			}
			n := int(s) % (r.left + 1)
			if s == 255 {
				n = r.left
			}
			r.advance(n)
			done += n
			if r.left != total-done {
				t.Fatalf("left %d, want %d", r.left, total-done)
			}
			if r.idx < len(r.iov) && r.iov[r.idx].Len == 0 {
				t.Fatalf("empty buffer %d is first", r.idx)
			}
			var rest []byte
			for _, v := range r.iov[r.idx:] {
				if v.Len > 0 {
					rest = append(rest, unsafe.Slice(v.Base, v.Len)...)
				}
			}
			if !bytes.Equal(rest, data[done:total]) {
				t.Fatalf("after %d bytes the buffers hold %d bytes that differ from the model's %d", done, len(rest), total-done)
			}
		}
		if r.left == 0 && r.idx != len(r.iov) {
			t.Fatalf("all written but buffer %d of %d is next", r.idx, len(r.iov))
		}
	})
}

// ---- raw destination addresses ----

// FuzzUDPDest sends one datagram to a raw socket address made of fuzzed
// bytes and length, as a host hands uv_udp_try_send a sockaddr. IPv4 and
// IPv6 addresses are pointed at a receiver on loopback (only the family,
// the length and the other fields are random), so nothing leaves the
// machine. A failure is one of the errno values libuv gives; a success
// sent the whole datagram and it arrived; a whole IPv4 address always
// succeeds.
func FuzzUDPDest(f *testing.F) {
	f.Add([]byte{2, 0}, uint32(16), false)
	f.Add([]byte{10, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, uint32(28), false)
	f.Add([]byte{1, 0, '/', 't'}, uint32(110), false)
	f.Add([]byte{2}, uint32(1), true)
	f.Add([]byte{0xff, 0xff}, uint32(200), false)
	f.Add([]byte{2, 0, 0, 0, 9, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8}, uint32(15), false)
	f.Fuzz(func(t *testing.T, raw []byte, namelen uint32, nilName bool) {
		rx, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(rx)
		if err := unix.Bind(rx, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			t.Fatal(err)
		}
		sa, _ := unix.Getsockname(rx)
		port := sa.(*unix.SockaddrInet4).Port

		var buf [128]byte // sockaddr_storage: the kernel reads no more
		copy(buf[:], raw)
		family := int(*(*uint16)(unsafe.Pointer(&buf[0])))
		switch family {
		case unix.AF_INET:
			buf[2], buf[3] = byte(port>>8), byte(port)
			copy(buf[4:8], []byte{127, 0, 0, 1})
		case unix.AF_INET6:
			buf[2], buf[3] = byte(port>>8), byte(port)
			copy(buf[8:24], []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1})
		case unix.AF_UNIX:
			copy(buf[2:], "\x00gouv-fuzz-nowhere") // abstract, never bound
		}
		l, err := loop.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		var u UDP
		if err := InitUDP(l, &u, 15, unix.AF_UNSPEC, UDPPlace{}, nil); err != nil {
			t.Fatal(err)
		}
		payload := []byte("gouv fuzz datagram")
		iov := []unix.Iovec{{Base: &payload[0]}}
		iov[0].SetLen(len(payload))
		name := unsafe.Pointer(&buf[0])
		if nilName {
			name = nil
		}
		n, err := u.TrySend(iov, name, namelen)
		if err != nil {
			var e unix.Errno
			if !errors.As(err, &e) {
				t.Fatalf("family %d len %d: error %v is no errno", family, namelen, err)
			}
			if family == unix.AF_INET && namelen >= 16 && namelen <= 128 && !nilName {
				t.Fatalf("a whole loopback IPv4 address of %d bytes failed: %v", namelen, err)
			}
		} else {
			if nilName {
				t.Fatal("a send without address on an unconnected handle succeeded")
			}
			if n != len(payload) {
				t.Fatalf("sent %d of %d bytes", n, len(payload))
			}
			if family == unix.AF_INET || family == unix.AF_INET6 {
				var got [64]byte
				m, _, err := unix.Recvfrom(rx, got[:], unix.MSG_DONTWAIT)
				if err != nil || !bytes.Equal(got[:m], payload) {
					t.Fatalf("family %d len %d: sent but received %q, %v", family, namelen, got[:m], err)
				}
			}
		}
		u.Close(nil)
		l.Run(loop.RunDefault)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
