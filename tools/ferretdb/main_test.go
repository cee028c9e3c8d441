package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// lockedBuffer collects FerretDB's log lines from its goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for s := bufio.NewScanner(bytes.NewReader(b.buf.Bytes())); s.Scan(); {
		out = append(out, s.Text())
	}
	return out
}

// The SQLite URL FerretDB really opens a database with keeps synchronous(normal) next to its own
// defaults, and SQLite connections opened with that URL run with synchronous = NORMAL in WAL mode.
func TestSQLiteURLKeepsSynchronousNormal(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(t.TempDir(), "f.sock")
	logs := &lockedBuffer{}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Logger:    slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Handler:   "sqlite",
		SQLiteURL: sqliteURL(dir),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	_ = f.MongoDBURI()

	// The first insert into a database makes FerretDB create its SQLite file, and log its URL.
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	insert := msg(body(doc(str("insert", "seats"), arr("documents", doc(str("_id", "a"))), str("$db", "shop"))))
	if _, err = conn.Write(insert); err != nil {
		t.Fatal(err)
	}
	if _, err = readMessage(conn); err != nil {
		t.Fatal(err)
	}

	var uri string
	for _, line := range logs.lines() {
		var rec struct{ Msg, Name, URI string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "Database created" {
			uri = rec.URI
		}
	}
	if uri == "" {
		t.Fatalf("FerretDB logged no created database; log:\n%s", logs.lines())
	}
	t.Logf("FerretDB opened %s", uri)

	db, err := sql.Open("sqlite", uri) // the driver FerretDB registered, with FerretDB's own URL
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for pragma, want := range map[string]string{"synchronous": "1", "journal_mode": "wal", "busy_timeout": "10000"} {
		var got string
		if err = db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}
