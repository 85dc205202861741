//go:build race

package pool

// The race detector allocates on synchronisation: allocation counts mean
// nothing under it.
const raceOn = true
