// Command ferretdb is the embedded MongoDB-wire server of checkout-sagas: FerretDB v1 with its
// SQLite backend, so that `npm start` and the tests need neither Docker nor a MongoDB install.
// It is built from this module by src/stack/tools.ts into .tools/bin/.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
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
	// Built with net/url so that paths with spaces or '%' are escaped; the backend wants a trailing '/'.
	sqliteURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
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

	// MongoDBURI blocks until the listener is bound, so the line below is printed once clients
	// can connect; the Node side waits for it (and reads the real port when 0 was asked).
	fmt.Printf("ferretdb ready %s\n", f.MongoDBURI())
	<-done
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
