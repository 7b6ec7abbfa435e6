// Package ferrettest starts an embedded FerretDB (v1.24, a real
// implementation of the MongoDB wire protocol) on a free loopback port, for
// tests and benchmarks that need a MongoDB-wire server without a MongoDB
// install.
//
// The default handler is SQLite in a fresh temporary directory. FerretDB
// lacks $sample and $objectToArray, so it exercises a probe's fallback paths.
package ferrettest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Options choose the backend and listener. The zero value is SQLite in a
// temporary directory, plain TCP on 127.0.0.1 and a free port.
type Options struct {
	// Addr is the loopback host:port to listen on; "" means 127.0.0.1 and
	// a free port.
	Addr string
	// PostgreSQLURL selects the PostgreSQL handler with this connection
	// string instead of SQLite. Clients that do not authenticate use its
	// credentials, so a URL without a valid password makes every
	// unauthenticated data command fail.
	PostgreSQLURL string
	// TLSCertFile and TLSKeyFile, when both set, make the server listen
	// with TLS only.
	TLSCertFile, TLSKeyFile string
	// Logger receives FerretDB's logs; nil discards all but errors.
	Logger *slog.Logger
}

// Server is a running FerretDB.
type Server struct {
	// Addr is the loopback host:port it listens on.
	Addr string

	cancel context.CancelFunc
	done   chan error
	dir    string
}

// Start starts FerretDB and returns once it accepts connections. Call Stop
// to shut it down and remove its data.
func Start(opts Options) (*Server, error) {
	s := &Server{done: make(chan error, 1)}
	cfg := &ferretdb.Config{Logger: opts.Logger}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if host, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("ferrettest: %q: %w", addr, err)
	} else if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("ferrettest: %q is not a loopback address", addr)
	}
	if opts.TLSCertFile != "" && opts.TLSKeyFile != "" {
		cfg.Listener.TLS = addr
		cfg.Listener.TLSCertFile, cfg.Listener.TLSKeyFile = opts.TLSCertFile, opts.TLSKeyFile
	} else {
		cfg.Listener.TCP = addr
	}
	if opts.PostgreSQLURL != "" {
		cfg.Handler, cfg.PostgreSQLURL = "postgresql", opts.PostgreSQLURL
	} else {
		dir, err := os.MkdirTemp("", "ferrettest-")
		if err != nil {
			return nil, err
		}
		s.dir = dir
		cfg.Handler, cfg.SQLiteURL = "sqlite", (&url.URL{Scheme: "file", Path: dir + "/"}).String()
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		s.removeDir()
		return nil, fmt.Errorf("starting FerretDB: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- f.Run(ctx) }()

	// The listener is bound by ferretdb.New, so the URI is ready at once.
	u, err := url.Parse(f.MongoDBURI())
	if err != nil {
		s.Stop()
		return nil, fmt.Errorf("FerretDB URI: %w", err)
	}
	s.Addr = u.Host
	return s, nil
}

// Stop shuts the server down, waits for it (at most 10 s) and removes its
// data directory.
func (s *Server) Stop() error {
	s.cancel()
	var err error
	select {
	case err = <-s.done:
	case <-time.After(10 * time.Second):
		err = errors.New("FerretDB did not stop within 10s")
	}
	if rmErr := s.removeDir(); err == nil {
		err = rmErr
	}
	return err
}

func (s *Server) removeDir() error {
	if s.dir == "" {
		return nil
	}
	return os.RemoveAll(s.dir)
}
