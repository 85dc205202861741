package loop

import _ "unsafe" // for go:linkname

// nanotime is the runtime's CLOCK_MONOTONIC reading through the vDSO
// (about 25 ns here); unix.ClockGettime would be a real system call.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Hrtime returns CLOCK_MONOTONIC in nanoseconds, the clock of uv_hrtime.
func Hrtime() uint64 { return uint64(nanotime()) }

// UpdateTime refreshes the loop's cached clock (milliseconds).
func (l *Loop) UpdateTime() { l.setTime(Hrtime()) }

// setTime sets the loop's cached clock from an Hrtime reading the caller
// has just taken, so that one reading of the clock serves twice.
func (l *Loop) setTime(now uint64) { *l.w.Time = now / 1e6 }

// Now returns the cached clock in milliseconds.
func (l *Loop) Now() uint64 { return *l.w.Time }
