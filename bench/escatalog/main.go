// Command escatalog serves fake Elasticsearch 8 clusters with very large
// catalogs on loopback, for the large-catalog memory benchmark: each answers
// GET / with an 8.x banner, GET /_cat/indices with a generated listing of
// -indices indices (every requested column filled), GET /_cat/aliases and
// GET /_data_stream with empty lists, and GET /<names>/_mapping with a small
// log mapping per index, and a messaging mapping for msg-archive-2023, the
// one index among them that holds messages. It prints one target URL a
// line, then serves until it gets SIGINT or SIGTERM.
//
//	escatalog -targets 8 -indices 100000 -port 19200 > targets.txt
//
// Shapes of the catalog (-shape):
//
//	daily    logs-app-<service>-<date>: 250 services (aa to jp), one index a
//	         day each (400 days of them at 100,000 indices)
//	tenants  every index its own tenant (tenant-<hex>-events), so no two
//	         indices share a pattern: the grouping's worst case
//
// The listing is generated once and shared by every listener, so the
// process holds one copy however many targets it serves. It listens only on
// 127.0.0.1.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// needle is the one index that holds messages.
const needle = "msg-archive-2023"

const banner = `{"name":"catalog-node","cluster_name":"catalog","cluster_uuid":"c4t4l0gC4t4l0gC4t4l0gA","version":{"number":"8.15.0","build_flavor":"default","build_type":"docker","lucene_version":"9.11.1"},"tagline":"You Know, for Search"}`

const logMapping = `{"mappings":{"properties":{"@timestamp":{"type":"date"},"host":{"properties":{"name":{"type":"keyword"}}},"log":{"properties":{"level":{"type":"keyword"}}},"message":{"type":"text"},"service":{"type":"keyword"}}}}`

const msgMapping = `{"mappings":{"properties":{"sender":{"properties":{"phone":{"type":"keyword"},"name":{"type":"text"}}},"recipient":{"properties":{"phone":{"type":"keyword"}}},"body":{"type":"text"},"sent_at":{"type":"date"},"conversation_id":{"type":"keyword"},"attachments":{"type":"nested","properties":{"url":{"type":"keyword"}}}}}}`

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	fs := flag.NewFlagSet("escatalog", flag.ContinueOnError)
	targets := fs.Int("targets", 8, "clusters to serve, on consecutive ports")
	indices := fs.Int("indices", 100000, "indices per cluster, the messaging one included")
	port := fs.Int("port", 19200, "first port (0: any free ports)")
	shape := fs.String("shape", "daily", "catalog shape: daily or tenants")
	short := fs.Bool("short", false, "short names, no health and no sizes (about 6 MB for 100,000 indices, under the 8 MiB response cap)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *targets < 1 || *indices < 1 || *port < 0 || *port+*targets > 65536 {
		fmt.Fprintln(os.Stderr, "escatalog: -targets and -indices must be positive, -port a port or 0")
		return 2
	}
	listing, err := catalog(*shape, *indices, *short)
	if err != nil {
		fmt.Fprintln(os.Stderr, "escatalog:", err)
		return 2
	}
	fmt.Fprintf(os.Stderr, "escatalog: %d indices, %d bytes of _cat/indices per cluster\n", *indices, len(listing))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := handler(listing)
	errs := make(chan error, *targets)
	for i := 0; i < *targets; i++ {
		p := 0
		if *port > 0 {
			p = *port + i
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			fmt.Fprintln(os.Stderr, "escatalog:", err)
			return 1
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() { errs <- srv.Serve(l) }()
		go func() { <-ctx.Done(); srv.Close() }()
		fmt.Printf("http://%s\n", l.Addr())
	}
	os.Stdout.Sync()
	select {
	case <-ctx.Done():
		return 0
	case err := <-errs:
		if errors.Is(err, http.ErrServerClosed) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "escatalog:", err)
		return 1
	}
}

// catalog generates one _cat/indices JSON body.
func catalog(shape string, n int, short bool) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	row := func(i int, name string) {
		if i > 0 {
			b.WriteByte(',')
		}
		docs, size := 1000+i%9000, 100000+(i*7919)%900000
		if name == needle {
			docs, size = 120, 40960 // small: it must win by its name, not its size
		}
		if short {
			fmt.Fprintf(&b, `{"index":%q,"status":"open","docs.count":"%d"}`, name, docs)
			return
		}
		fmt.Fprintf(&b, `{"index":%q,"status":"open","health":"yellow","docs.count":"%d","store.size":"%d"}`, name, docs, size)
	}
	// The needle sits in the middle of the listing, not at either end.
	at := n / 2
	for i := 0; i < n; i++ {
		if i == at {
			row(i, needle)
			continue
		}
		switch shape {
		case "daily":
			svc, day := i%250, i/250
			d := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day)
			name := string(rune('a'+svc/26)) + string(rune('a'+svc%26))
			if short {
				row(i, fmt.Sprintf("l-%s-%s", name, d.Format("060102")))
			} else {
				row(i, fmt.Sprintf("logs-app-%s-%s", name, d.Format("2006.01.02")))
			}
		case "tenants":
			row(i, fmt.Sprintf("tenant-%08x-events", uint32(i)*2654435761))
		default:
			return nil, fmt.Errorf("unknown -shape %q (daily or tenants)", shape)
		}
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

func handler(listing []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		switch p := r.URL.Path; {
		case p == "/":
			w.Write([]byte(banner))
		case p == "/_cat/indices":
			w.Header().Set("Content-Length", strconv.Itoa(len(listing)))
			w.Write(listing)
		case p == "/_cat/aliases":
			w.Write([]byte("[]"))
		case p == "/_data_stream":
			w.Write([]byte(`{"data_streams":[]}`))
		case strings.HasSuffix(p, "/_mapping"):
			var b bytes.Buffer
			b.WriteByte('{')
			for i, name := range strings.Split(strings.TrimSuffix(p[1:], "/_mapping"), ",") {
				if i > 0 {
					b.WriteByte(',')
				}
				m := logMapping
				if name == needle {
					m = msgMapping
				}
				fmt.Fprintf(&b, "%q:%s", name, m)
			}
			b.WriteByte('}')
			w.Write(b.Bytes())
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"not found","status":404}`))
		}
	})
}
