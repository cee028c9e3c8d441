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

// serialFront accepts MongoDB clients and relays each of their requests to FerretDB, holding one
// lock from sending a request until its response is read. FerretDB v1 answers every request with
// exactly one response (it supports neither exhaust cursors nor moreToCome), so a round trip is
// one message each way.
type serialFront struct {
	ln      net.Listener
	backend string
	log     *slog.Logger

	turn sync.Mutex // one command inside FerretDB at a time

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newSerialFront(ln net.Listener, backendSocket string, log *slog.Logger) *serialFront {
	return &serialFront{ln: ln, backend: backendSocket, log: log, conns: map[net.Conn]struct{}{}}
}

func (s *serialFront) serve() {
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
func (s *serialFront) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = c.Close()
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *serialFront) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	_ = c.Close()
}

func (s *serialFront) relay(client net.Conn) {
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

func (s *serialFront) roundTrip(backend net.Conn, req []byte) ([]byte, error) {
	s.turn.Lock()
	defer s.turn.Unlock()
	if _, err := backend.Write(req); err != nil {
		return nil, err
	}
	return readMessage(backend)
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
func (s *serialFront) close() {
	s.mu.Lock()
	s.closed = true
	_ = s.ln.Close()
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
