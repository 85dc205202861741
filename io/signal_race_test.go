//go:build race

package uvio

// signalRaceOn: the race detector's instrumentation allocates, so
// allocation counts are only checked without it.
const signalRaceOn = true
