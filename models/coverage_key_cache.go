package models

import (
	"sync"

	"github.com/weekoffs/weekoffs/models/schedule"
)

// timelineKeysKept bounds the decoded keys a Store keeps: a million seeded
// users make some 600 (migration 00018), and a key is a few hundred bytes.
const timelineKeysKept = 20000

// timelineKeys keeps kept coverage keys decoded, by their md5: a key's
// text never changes under its hash, and decoding the 600 of a million
// users' ledger took 11 ms of every read of everyone's figures. Safe for
// concurrent use; a nil *timelineKeys decodes every time.
type timelineKeys struct {
	mu  sync.Mutex
	own map[[16]byte][]schedule.Schedule
}

// decode is ownFromKey(text, keptSince) for the key hash, kept for the
// next read. The schedules it returns are shared: callers must not change
// them.
func (c *timelineKeys) decode(hash [16]byte, text string) ([]schedule.Schedule, error) {
	if c == nil {
		return ownFromKey(text, keptSince)
	}
	c.mu.Lock()
	own, ok := c.own[hash]
	c.mu.Unlock()
	if ok {
		return own, nil
	}
	own, err := ownFromKey(text, keptSince)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.own == nil || len(c.own) >= timelineKeysKept {
		c.own = map[[16]byte][]schedule.Schedule{} // keys long gone go with the rest
	}
	c.own[hash] = own
	return own, nil
}
