// Package loop is gouv's event loop: the run phases of libuv 1.44, timers,
// idle/prepare/check watchers, async wakeups, the epoll backend that every
// I/O handle registers with, and the pending and closing queues.
//
// It is ordinary Go, usable from Go programs, and it never imports "C". The
// C face of the loop lives in capi/, which points the loop's externally
// visible state (Words) and each handle's flags into the C structs that a
// host allocated, so that a host reading uv_loop_t or uv_handle_t fields
// directly sees the loop's real state.
//
// A Loop belongs to the goroutine (and, under capi, the host's OS thread)
// that runs it: it takes no locks, so everything else — handles, Run,
// Close — must be used from that goroutine. Only Wake, Post and Async.Send
// may be called from elsewhere. Callbacks run only inside Run, on that
// goroutine, never from another one. A Go program may create and run a
// loop on any goroutine; runtime.LockOSThread is not needed by the loop,
// but keeps its callbacks on one thread as a C host sees them
// (examples/goecho does so).
package loop
