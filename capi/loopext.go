package main

import (
	uvio "gouv/io"
)

// loopExt holds the per-loop state of the pool request and file-watching
// areas. It lives inside the loop's own loopState, so it is reached from
// the loop and dies with it: a loop that later gets the same id starts
// with none of it (docs/design.md, "Per-loop state"). Only the loop's
// thread touches it.
type loopExt struct {
	// reqs carries the loop's pool requests (uv_work_t, uv_fs_t,
	// uv_random_t, uv_getaddrinfo_t, uv_getnameinfo_t): see work.go.
	reqs reqTable
	// fsEvents says the loop has an inotify descriptor (fs_event.go),
	// which its close must release.
	fsEvents bool
	// hooked says close is already among the loop's close hooks.
	hooked bool
}

// extOf returns the loop's extension state. The first call registers its
// release among the loop's close hooks, so that whatever a table holds is
// given back by uv_loop_close in one place.
func (s *loopState) extOf() *loopExt {
	e := &s.ext
	if !e.hooked {
		e.hooked = true
		s.extra = append(s.extra, s.closeExt)
	}
	return e
}

// closeExt releases the loop's extension state when the loop closes. A
// loop closes only without active requests, so every request object is
// idle and only its memory is left to drop.
func (s *loopState) closeExt() {
	e := &s.ext
	if e.fsEvents {
		uvio.CloseFSEvents(s.l)
	}
	e.fsEvents = false
	e.reqs = reqTable{}
}
