package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

// maxMessage is MongoDB's maxMessageSizeBytes; anything larger is a broken or hostile client.
const maxMessage = 48_000_000

// front accepts MongoDB clients and relays each of their requests to FerretDB, holding the locks
// its command needs (classify.go) from sending the request until its response is read. FerretDB v1
// answers every request with exactly one response (it supports neither exhaust cursors nor
// moreToCome), so a round trip is one message each way.
//
// The locks keep MongoDB's single-document atomicity, which FerretDB v1 alone does not: its
// update, findAndModify and delete match documents outside the SQLite transaction that rewrites
// them, so two guarded updates of one seat document could both pass their guard. Writes of one
// collection therefore run one at a time; reads and writes of other collections run beside them;
// DDL and anything not understood runs alone.
type front struct {
	ln      net.Listener
	backend string
	log     *slog.Logger

	global sync.RWMutex // shared: reads and writes; exclusive: everything else

	nsMu       sync.Mutex
	namespaces map[string]*sync.Mutex // one per collection written to; a shop has a handful, never freed

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newFront(ln net.Listener, backendSocket string, log *slog.Logger) *front {
	return &front{ln: ln, backend: backendSocket, log: log, conns: map[net.Conn]struct{}{}, namespaces: map[string]*sync.Mutex{}}
}

func (s *front) serve() {
	for {
		client, err := s.ln.Accept()
		if err != nil {
			return // listener closed
		}
		if !s.track(client) {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.relay(client)
		}()
	}
}

// track registers a connection so close() can end it; false once closing.
func (s *front) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = c.Close()
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *front) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	_ = c.Close()
}

func (s *front) relay(client net.Conn) {
	defer s.untrack(client)
	backend, err := net.Dial("unix", s.backend)
	if err != nil {
		s.log.Error("cannot reach FerretDB", "err", err)
		return
	}
	if !s.track(backend) {
		return
	}
	defer s.untrack(backend)

	for {
		req, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.log.Debug("client read failed", "err", err)
			}
			return
		}
		res, err := s.roundTrip(backend, req)
		if err != nil {
			s.log.Warn("FerretDB round trip failed", "err", err)
			return
		}
		if _, err = client.Write(res); err != nil {
			return
		}
	}
}

func (s *front) roundTrip(backend net.Conn, req []byte) ([]byte, error) {
	defer s.lock(classify(req))()
	if _, err := backend.Write(req); err != nil {
		return nil, err
	}
	return readMessage(backend)
}

// lock takes what a request needs and returns its unlock. A write takes its namespace before the
// shared side, so writes queued behind a hot document do not hold DDL (and reads behind it) back;
// a request holds at most one namespace and the order is always namespace then global, so no two
// requests can wait for each other.
func (s *front) lock(a access) (unlock func()) {
	switch a.kind {
	case read:
		s.global.RLock()
		return s.global.RUnlock
	case write:
		ns := s.namespace(a.ns)
		ns.Lock()
		s.global.RLock()
		return func() { s.global.RUnlock(); ns.Unlock() }
	default:
		s.global.Lock()
		return s.global.Unlock
	}
}

func (s *front) namespace(name string) *sync.Mutex {
	s.nsMu.Lock()
	defer s.nsMu.Unlock()
	m := s.namespaces[name]
	if m == nil {
		m = new(sync.Mutex)
		s.namespaces[name] = m
	}
	return m
}

// readMessage reads one whole wire-protocol message: int32 length (little endian, itself included).
func readMessage(r io.Reader) ([]byte, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint32(head[:])
	if size < 16 || size > maxMessage {
		return nil, fmt.Errorf("bad message length %d", size)
	}
	msg := make([]byte, size)
	copy(msg, head[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// close stops accepting, ends every connection and waits for the relays to finish.
func (s *front) close() {
	s.mu.Lock()
	s.closed = true
	_ = s.ln.Close()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
