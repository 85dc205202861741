//go:build !race

package uvio

const signalRaceOn = false
