package mongodb

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

// legacyServer serves the documented replies in testdata/mongodb/file
// over OP_QUERY and, like MongoDB 3.4 and older, never answers an OP_MSG.
func legacyServer(t *testing.T, file string) *fakeServer {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "mongodb", file))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	replies := map[string]bsoncore.Document{}
	for k, v := range raw {
		replies[k] = ejson(t, string(v))
	}
	return &fakeServer{handle: func(name string, _ bsoncore.Document, opMsg bool) bsoncore.Document {
		if opMsg {
			return nil
		}
		if r, ok := replies[name]; ok {
			return r
		}
		return ejson(t, fmt.Sprintf(`{"ok": 0, "errmsg": "no such cmd: %s", "code": 59}`, name))
	}}
}

func TestLegacyServers(t *testing.T) {
	tests := []struct {
		file, version, wire string
		containers          []string
		fields              []string
		note                string
	}{{
		file: "mongodb-3.4.json", version: "3.4.24", wire: "5",
		containers: []string{"chatapp.messages docs=1530 bytes=83521"},
		fields:     []string{"sample/_id/100", "sample/from/100", "sample/text/99", "index/_id/0", "index/from/0", "index/ts/0"},
		note:       "wire version 5 (MongoDB 3.4 or older)",
	}, {
		file: "mongodb-2.6.json", version: "2.6.12", wire: "2",
		note: "listCollections on chat: server error 59: no such cmd: listCollections",
	}}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			srv := startFake(t, "", legacyServer(t, tc.file))
			res, rec, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
			if err != nil {
				t.Fatalf("probe: %v", err)
			}
			if res.Status != scanner.StatusOpen || res.Version != tc.version || res.Facts["max_wire_version"] != tc.wire ||
				res.Facts["handshake"] != "isMaster" || res.Facts["databases"] != "3" || res.Skipped["system-databases"] != 2 {
				t.Errorf("status %q version %q facts %v skipped %v", res.Status, res.Version, res.Facts, res.Skipped)
			}
			if n := srv.opMsgs.Load(); n != 0 {
				t.Errorf("sent %d OP_MSG to a server older than 3.6", n)
			}
			if srv.accepted.Load() != 1 {
				t.Errorf("opened %d connections, want the handshake connection only", srv.accepted.Load())
			}
			var got, fields []string
			for _, c := range res.Containers {
				got = append(got, fmt.Sprintf("%s.%s docs=%d bytes=%d", c.Database, c.Name, *c.Docs, *c.Bytes))
				for _, f := range c.Fields {
					fields = append(fields, fmt.Sprintf("%s/%s/%d", f.Source, f.Path, f.Count))
				}
			}
			if !slices.Equal(got, tc.containers) || !slices.Equal(fields, tc.fields) {
				t.Errorf("containers %q fields %q, want %q %q", got, fields, tc.containers, tc.fields)
			}
			if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
				t.Errorf("notes %q lack %q", res.Notes, tc.note)
			}
			assertAllowed(t, rec)
		})
	}
}
