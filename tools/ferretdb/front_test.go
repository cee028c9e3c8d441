package main

import (
	"testing"
	"time"
)

// acquire takes a's locks in a goroutine and reports when it holds them.
func acquire(f *front, a access) (held chan func()) {
	held = make(chan func(), 1)
	go func() { held <- f.lock(a) }()
	return held
}

func waitHeld(t *testing.T, held chan func(), what string) func() {
	t.Helper()
	select {
	case unlock := <-held:
		return unlock
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never got its locks", what)
		return nil
	}
}

// Nothing can prove a wait is forever; a waiter still waiting after a while is taken as blocked.
func stillBlocked(t *testing.T, held chan func(), what string) {
	t.Helper()
	select {
	case <-held:
		t.Fatalf("%s ran beside a request it must not overlap", what)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestLocks(t *testing.T) {
	f := newFront(nil, "", nil)
	seats := access{write, "shop.inventory"}

	unlockSeats := waitHeld(t, acquire(f, seats), "a write")
	// Reads and writes of another collection run beside a write...
	waitHeld(t, acquire(f, access{kind: read}), "a read")()
	waitHeld(t, acquire(f, access{write, "shop.inbox"}), "a write of another collection")()
	// ...but not a second write of the same collection, nor DDL.
	second := acquire(f, seats)
	ddl := acquire(f, access{})
	stillBlocked(t, second, "a second write of one collection")
	stillBlocked(t, ddl, "DDL")

	unlockSeats()
	// Whichever of the two goes first, the other waits for it.
	select {
	case unlock := <-second:
		stillBlocked(t, ddl, "DDL")
		unlock()
		waitHeld(t, ddl, "DDL")()
	case unlock := <-ddl:
		stillBlocked(t, second, "a write during DDL")
		unlock()
		waitHeld(t, second, "the second write")()
	case <-time.After(10 * time.Second):
		t.Fatal("neither waiter ran after the first write ended")
	}
	// DDL excludes reads too.
	unlockDDL := waitHeld(t, acquire(f, access{}), "DDL")
	read := acquire(f, access{kind: read})
	stillBlocked(t, read, "a read during DDL")
	unlockDDL()
	waitHeld(t, read, "the read")()
}
