package uvio

import (
	"strconv"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// TTY modes, at libuv's values (uv_tty_mode_t).
const (
	TTYModeNormal = 0
	TTYModeRaw    = 1
	TTYModeIO     = 2
)

// TTYSaveOrig, when set, is called with a terminal's descriptor before
// its mode first leaves normal, so that the owner can keep the original
// settings where an async-signal-safe reset can reach them.
var TTYSaveOrig func(fd int)

// InitTTY prepares a TTY stream on fd (uv_tty_init); readable is unused,
// as in libuv 1.44. A terminal's slave
// side is reopened so that making it non-blocking does not change the
// descriptor other processes share; without that, writes block.
func InitTTY(l *loop.Loop, s *Stream, handleKind int, hooks StreamHooks, fd int, readable bool,
	rec *loop.Rec, wqSize *uint64) error {
	switch GuessHandle(fd) {
	case HandleFile, HandleUnknown:
		return unix.EINVAL
	case HandleTTY:
		mode, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			return err
		}
		newfd := -1
		if ttyIsSlave(fd) {
			if path, err := ttyName(fd); err == nil {
				newfd, err = unix.Open(path, (mode&unix.O_ACCMODE)|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
				if err != nil {
					newfd = -1
				}
			}
		}
		var extra uint32
		if newfd < 0 {
			if mode&unix.O_ACCMODE != unix.O_RDONLY {
				extra = FlagBlockingWrites
			}
		} else {
			if err := unix.Dup3(newfd, fd, unix.O_CLOEXEC); err != nil && err != unix.EINVAL {
				unix.Close(newfd)
				return err
			}
			fd = newfd
		}
		InitStream(l, s, KindTTY, handleKind, hooks, rec, wqSize)
		s.set(extra)
	default:
		InitStream(l, s, KindTTY, handleKind, hooks, rec, wqSize)
	}
	if !s.has(FlagBlockingWrites) {
		unix.SetNonblock(fd, true)
	}
	// libuv 1.44 ignores the readable argument: what the descriptor was
	// opened for decides (Node passes 0 for its stdin).
	var f uint32
	if mode, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0); err == nil {
		if mode&unix.O_ACCMODE != unix.O_WRONLY {
			f |= FlagReadable
		}
		if mode&unix.O_ACCMODE != unix.O_RDONLY {
			f |= FlagWritable
		}
	}
	s.Open(fd, f)
	s.auxOf().tty = true
	return nil
}

func ttyIsSlave(fd int) bool {
	// Only a master answers TIOCGPTN.
	_, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	return err != nil
}

func ttyName(fd int) (string, error) {
	return readlink("/proc/self/fd/" + strconv.Itoa(fd))
}

func readlink(p string) (string, error) {
	var buf [256]byte
	n, err := unix.Readlink(p, buf[:])
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// SetMode switches the terminal's mode (uv_tty_set_mode).
func (s *Stream) SetMode(mode int) error {
	tty := s.aux()
	if tty == nil || !tty.tty {
		return unix.EINVAL
	}
	if mode == tty.mode {
		return nil
	}
	fd := s.FD()
	if tty.mode == TTYModeNormal {
		t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
		if err != nil {
			return err
		}
		tty.orig = *t
		if TTYSaveOrig != nil {
			TTYSaveOrig(fd)
		}
	}
	t := tty.orig
	switch mode {
	case TTYModeNormal:
	case TTYModeRaw:
		t.Iflag &^= unix.BRKINT | unix.ICRNL | unix.INPCK | unix.ISTRIP | unix.IXON
		t.Oflag |= unix.ONLCR
		t.Cflag |= unix.CS8
		t.Lflag &^= unix.ECHO | unix.ICANON | unix.IEXTEN | unix.ISIG
		t.Cc[unix.VMIN] = 1
		t.Cc[unix.VTIME] = 0
	case TTYModeIO:
		// Everything off, as cfmakeraw.
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB
		t.Cflag |= unix.CS8
		t.Cc[unix.VMIN] = 1
		t.Cc[unix.VTIME] = 0
	default:
		return unix.EINVAL
	}
	// TCSETSW is tcsetattr's TCSADRAIN: output drains first.
	if err := unix.IoctlSetTermios(fd, unix.TCSETSW, &t); err != nil {
		return err
	}
	tty.mode = mode
	return nil
}

// WinSize returns the terminal's columns and rows.
func (s *Stream) WinSize() (int, int, error) {
	ws, err := unix.IoctlGetWinsize(s.FD(), unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0, err
	}
	return int(ws.Col), int(ws.Row), nil
}

// What GuessHandle finds behind a descriptor.
const (
	HandleUnknown = iota
	HandleTCP
	HandleUDP
	HandlePipe
	HandleTTY
	HandleFile
)

// GuessHandle tells what kind of handle suits fd (uv_guess_handle).
func GuessHandle(fd int) int {
	if fd < 0 {
		return HandleUnknown
	}
	if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
		return HandleTTY
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return HandleUnknown
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFCHR:
		return HandleFile
	case unix.S_IFIFO:
		return HandlePipe
	case unix.S_IFSOCK:
	default:
		return HandleUnknown
	}
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return HandleUnknown
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return HandleUnknown
	}
	inet := false
	switch sa.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		inet = true
	}
	switch typ {
	case unix.SOCK_DGRAM:
		if inet {
			return HandleUDP
		}
	case unix.SOCK_STREAM:
		if inet {
			return HandleTCP
		}
		if _, ok := sa.(*unix.SockaddrUnix); ok {
			return HandlePipe
		}
	}
	return HandleUnknown
}
