// Command ferretdb is the embedded MongoDB-wire server of checkout-sagas: FerretDB v1 with its
// SQLite backend, so that `npm start` and the tests need neither Docker nor a MongoDB install.
// It is built from this module by src/stack/tools.ts into .tools/bin/.
//
// FerretDB listens on a private Unix socket; clients connect to a front (front.go) that lets
// reads run side by side but runs the writes of one collection one at a time, because FerretDB v1
// executes an update as read-then-write and would otherwise break MongoDB's single-document
// atomicity (guarded seat holds would oversell). classify.go tells reads, writes and DDL apart.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (port 0 picks a free one)")
	dataDir := flag.String("data-dir", "data", "directory for the SQLite files (created if missing)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad --log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("bad --data-dir: %v", err)
	}
	// The SQLite backend refuses a directory that does not exist yet.
	if err = os.MkdirAll(dir, 0o755); err != nil {
		fail("cannot create --data-dir: %v", err)
	}

	// Private socket in a 0700 temp dir: only the locking front talks to FerretDB directly.
	sockDir, err := os.MkdirTemp("", "ferretdb-")
	if err != nil {
		fail("cannot create socket dir: %v", err)
	}
	defer os.RemoveAll(sockDir)
	sock := filepath.Join(sockDir, "ferretdb.sock")

	// Bind the public address first so a busy port fails fast, before FerretDB starts.
	front, err := net.Listen("tcp", *listenAddr)
	if err != nil {
		fail("cannot listen on %s: %v", *listenAddr, err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL(dir),
	})
	if err != nil {
		fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	// MongoDBURI blocks until FerretDB's listener is bound.
	_ = f.MongoDBURI()

	s := newFront(front, sock, logger)
	go s.serve()

	// The Node side waits for this line and reads the real port from it (when 0 was asked).
	fmt.Printf("ferretdb ready mongodb://%s/\n", front.Addr().String())

	<-ctx.Done()
	s.close()
	<-done
}

// sqliteURL is the backend's URL for the data directory. FerretDB keeps these pragmas and adds its
// own defaults (busy_timeout(10000), journal_mode(wal), auto_vacuum(none)). synchronous(normal):
// in WAL mode SQLite then syncs at checkpoints instead of at every commit, which survives a crash
// of this process (the WAL is in the OS's hands) and, on a power loss, may roll back the last
// commits but never corrupts the database.
func sqliteURL(dir string) string {
	// Built with net/url so that paths with spaces or '%' are escaped; the backend wants a trailing '/'.
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/", RawQuery: "_pragma=synchronous(normal)"}).String()
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
