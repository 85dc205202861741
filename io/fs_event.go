package uvio

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"gouv/loop"
)

// FS event kinds, at uv_fs_event's values.
const (
	FSEventRename = 1
	FSEventChange = 2
)

// FSEventRecursive is uv_fs_event_flags' UV_FS_EVENT_RECURSIVE.
const FSEventRecursive = 4

// fsEventMask is what every watch asks inotify for.
const fsEventMask = unix.IN_ATTRIB | unix.IN_CREATE | unix.IN_MODIFY | unix.IN_DELETE |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_MOVED_FROM | unix.IN_MOVED_TO

// FSEvent watches a file or directory for changes (uv_fs_event_t), on the
// loop's one inotify descriptor. Several handles may watch one path.
type FSEvent struct {
	loop.Handle
	path []byte // NUL-terminated
	base int    // where the last path component starts in path
	wd   int
	ino  *fsInotify
	// The handles on one watch descriptor form a list (see fsWatch).
	prev, next *FSEvent
	list       *fsEventList
	// Cb gets the name that changed (NUL-terminated, valid during the call:
	// the entry's name for a directory, else the watched file's own name)
	// and FSEventRename/FSEventChange bits.
	Cb func(e *FSEvent, name []byte, events int)
	// OnStop, if set, runs whenever the handle stops watching (by Stop or
	// by closing): capi frees the path it gave the host there.
	OnStop func(e *FSEvent)
}

// fsInotify is a loop's inotify descriptor and its watches.
type fsInotify struct {
	l       *loop.Loop
	io      loop.IO
	watches map[int]*fsWatch
	buf     []byte
}

// fsWatch is one inotify watch descriptor and the handles on it, in the
// order libuv keeps them: started handles join the end of live. While an
// event is delivered, the handles still to be called wait in pass and each
// moves back to the end of live just before its callback; a handle stopped
// by a callback leaves whichever list holds it, so it is not called, and a
// handle started by a callback joins live, so it waits for the next event.
type fsWatch struct {
	live, pass fsEventList
	delivering bool
}

// fsEventList is a doubly linked list of handles.
type fsEventList struct {
	head, tail *FSEvent
}

func (q *fsEventList) pushBack(e *FSEvent) {
	e.list, e.prev, e.next = q, q.tail, nil
	if q.tail != nil {
		q.tail.next = e
	} else {
		q.head = e
	}
	q.tail = e
}

func (q *fsEventList) remove(e *FSEvent) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		q.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		q.tail = e.prev
	}
	e.list, e.prev, e.next = nil, nil, nil
}

var (
	fsInotifyMu sync.Mutex
	fsInotifies = map[*loop.Loop]*fsInotify{}
)

// InitFSEvent prepares e on l; rec is as for the loop's Init methods.
func InitFSEvent(l *loop.Loop, e *FSEvent, kind int, rec *loop.Rec) {
	e.InitExternal(l, e, kind, rec)
	e.wd = -1
}

func fsInotifyOf(l *loop.Loop) (*fsInotify, error) {
	fsInotifyMu.Lock()
	defer fsInotifyMu.Unlock()
	if ino := fsInotifies[l]; ino != nil {
		return ino, nil
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, err
	}
	ino := &fsInotify{l: l, watches: map[int]*fsWatch{}, buf: make([]byte, 64*1024)}
	l.InitIO(&ino.io, fd, inotifyClass)
	l.IOStart(&ino.io, loop.EventRead)
	fsInotifies[l] = ino
	return ino, nil
}

// CloseFSEvents releases l's inotify descriptor; call it when l closes.
func CloseFSEvents(l *loop.Loop) {
	fsInotifyMu.Lock()
	ino := fsInotifies[l]
	delete(fsInotifies, l)
	fsInotifyMu.Unlock()
	if ino != nil {
		fd := ino.io.FD()
		l.IOClose(&ino.io)
		unix.Close(fd)
	}
}

// Start watches path. As libuv 1.44 on Linux, it accepts the recursive
// flag and watches only path itself (inotify watches are not recursive).
func (e *FSEvent) Start(path string, flags uint32) error {
	if e.IsClosing() || e.IsActive() {
		return unix.EINVAL
	}
	ino, err := fsInotifyOf(e.Loop())
	if err != nil {
		return err
	}
	wd, err := unix.InotifyAddWatch(ino.io.FD(), path, fsEventMask)
	if err != nil {
		return err
	}
	e.path = append(append(e.path[:0], path...), 0)
	e.base = 0
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			e.base = i + 1
			break
		}
	}
	e.wd, e.ino = wd, ino
	w := ino.watches[wd]
	if w == nil {
		w = &fsWatch{}
		ino.watches[wd] = w
	}
	w.live.pushBack(e)
	e.Handle.Start()
	return nil
}

// Stop stops watching; the inotify watch goes when its last handle does.
func (e *FSEvent) Stop() {
	if !e.IsActive() || e.ino == nil {
		return
	}
	ino := e.ino
	if e.list != nil {
		e.list.remove(e)
	}
	ino.release(e.wd)
	e.wd, e.ino = -1, nil
	e.Handle.Stop()
	if e.OnStop != nil {
		e.OnStop(e)
	}
}

// Path returns the watched path (without its NUL), or nil when stopped.
func (e *FSEvent) Path() []byte {
	if !e.IsActive() {
		return nil
	}
	return e.path[:len(e.path)-1]
}

// CloseHandle stops the handle when it is closed.
func (e *FSEvent) CloseHandle() { e.Stop() }

// FinishClose has nothing to cancel.
func (e *FSEvent) FinishClose() {}

// inotifyClass is the watcher class of every loop's inotify descriptor.
var inotifyClass = loop.RegisterIO(func(w *loop.IO, _ uint32) {
	loop.OwnerOf[fsInotify](w, unsafe.Offsetof(fsInotify{}.io)).ready()
})

func (ino *fsInotify) ready() {
	for {
		n, err := unix.Read(ino.io.FD(), ino.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return
		}
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			// The kernel writes whole, aligned inotify_event records.
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&ino.buf[off]))
			nameStart := off + unix.SizeofInotifyEvent
			off = nameStart + int(ev.Len)
			var uvEvents int
			if ev.Mask&(unix.IN_ATTRIB|unix.IN_MODIFY) != 0 {
				uvEvents |= FSEventChange
			}
			if ev.Mask&^uint32(unix.IN_ATTRIB|unix.IN_MODIFY|unix.IN_IGNORED|unix.IN_ISDIR) != 0 {
				uvEvents |= FSEventRename
			}
			if uvEvents == 0 {
				continue
			}
			var name []byte
			if ev.Len > 0 {
				name = ino.buf[nameStart:off] // NUL-padded by the kernel
			}
			ino.deliver(int(ev.Wd), name, uvEvents)
		}
	}
}

// release drops the inotify watch wd once no handle is on it and no
// event is being delivered on it.
func (ino *fsInotify) release(wd int) {
	w := ino.watches[wd]
	if w == nil || w.delivering || w.live.head != nil || w.pass.head != nil {
		return
	}
	delete(ino.watches, wd)
	unix.InotifyRmWatch(ino.io.FD(), uint32(wd))
}

// deliver calls the handles on wd in order (see fsWatch). Callbacks may
// stop, close or start any handle, their own included.
func (ino *fsInotify) deliver(wd int, name []byte, events int) {
	w := ino.watches[wd]
	if w == nil {
		return // a stale event: nobody watches wd any more
	}
	w.delivering = true
	w.pass = w.live
	for h := w.pass.head; h != nil; h = h.next {
		h.list = &w.pass
	}
	w.live = fsEventList{}
	for w.pass.head != nil {
		h := w.pass.head
		w.pass.remove(h)
		w.live.pushBack(h)
		if h.Cb == nil {
			continue
		}
		n := name
		if n == nil {
			n = h.path[h.base:]
		}
		h.Cb(h, n, events)
	}
	w.delivering = false
	ino.release(wd)
}
