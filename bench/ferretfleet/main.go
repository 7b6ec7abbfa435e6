// Command ferretfleet serves several embedded FerretDB listeners (SQLite
// backend) for the bench fleet, seeds each with a small chat database whose
// every value is the canary "fleet-canary", prints "seeded" and serves until
// it gets SIGINT or SIGTERM.
//
//	ferretfleet -dir /tmp/ff 127.11.0.1:27017 127.11.0.2:27017
//
// It listens only on the loopback addresses it is given, and refuses others.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("ferretfleet", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory for the SQLite files (required)")
	docs := fs.Int("docs", 50, "documents seeded per collection")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: ferretfleet -dir DIR ADDR:PORT...")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, fs.NArg())
	var uris []string
	for i, addr := range fs.Args() {
		if err := loopbackOnly(addr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		f, err := listen(addr, filepath.Join(*dir, strconv.Itoa(i)))
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretfleet: %s: %v\n", addr, err)
			return 1
		}
		uris = append(uris, f.MongoDBURI())
		go func() { done <- f.Run(ctx) }()
	}
	for _, uri := range uris {
		if err := seed(ctx, uri, *docs); err != nil {
			fmt.Fprintf(os.Stderr, "ferretfleet: seeding %s: %v\n", uri, err)
			return 1
		}
	}
	fmt.Println("seeded", len(uris))
	<-ctx.Done()
	for range uris {
		<-done
	}
	return 0
}

func loopbackOnly(addr string) error {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return fmt.Errorf("ferretfleet: %q: %w", addr, err)
	}
	if !ap.Addr().IsLoopback() {
		return fmt.Errorf("ferretfleet: %s is not a loopback address", addr)
	}
	return nil
}

func listen(addr, dir string) (*ferretdb.FerretDB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
}

// seed writes a chat database, users and messages, with
// field names a messaging app would use and the canary as every value.
func seed(ctx context.Context, uri string, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	c, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).SetDirect(true))
	if err != nil {
		return err
	}
	defer c.Disconnect(context.Background())
	db := c.Database("chat")
	const v = "fleet-canary"
	sets := map[string]func(i int) bson.D{
		"users": func(i int) bson.D {
			return bson.D{{Key: "_id", Value: i}, {Key: "phone", Value: v}, {Key: "email", Value: v}, {Key: "display_name", Value: v}}
		},
		"messages": func(i int) bson.D {
			return bson.D{{Key: "_id", Value: i}, {Key: "sender_id", Value: v}, {Key: "recipient_id", Value: v},
				{Key: "body", Value: v}, {Key: "attachment", Value: bson.D{{Key: "file_name", Value: v}}}}
		},
	}
	for coll, doc := range sets {
		if n, err := db.Collection(coll).CountDocuments(ctx, bson.D{}); err == nil && n > 0 {
			continue // seeded on an earlier start
		}
		batch := make([]any, n)
		for i := range batch {
			batch[i] = doc(i)
		}
		if _, err := db.Collection(coll).InsertMany(ctx, batch); err != nil {
			return fmt.Errorf("%s: %w", coll, err)
		}
	}
	return nil
}
