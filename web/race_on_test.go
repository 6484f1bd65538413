//go:build race

package web

// raceEnabled: the race detector adds allocations and makes sync.Pool drop
// a share of what it is given, so allocation counts mean nothing under it.
const raceEnabled = true
