package mongodb

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestClassifyAuth covers the refusals of an auth-enabled MongoDB,
// including the 4.0.6+ false positive: an unauthenticated listDatabases
// answered with ok: 1 and no databases.
func TestClassifyAuth(t *testing.T) {
	const unauthorized = `{"ok": 0, "errmsg": "command %s requires authentication", "code": 13, "codeName": "Unauthorized"}`
	tests := []struct {
		name            string
		listDBs, listCs string
		status          scanner.Status
		empty           string
		note            string
	}{
		{"refused", unauthorized, "", scanner.StatusAuthRequired, "", "listDatabases refused: server error 13 (Unauthorized)"},
		{"empty list, listCollections refused", `{"databases": [], "totalSize": 0, "ok": 1}`, unauthorized,
			scanner.StatusAuthRequired, "", "listCollections was refused: auth is on"},
		{"empty list, listCollections allowed", `{"databases": [], "totalSize": 0, "ok": 1}`,
			`{"cursor": {"id": 0, "ns": "admin.$cmd.listCollections", "firstBatch": []}, "ok": 1}`,
			scanner.StatusOpen, "true", "open, but empty"},
		{"legacy $err refusal", `{"ok": 0, "$err": "not authorized on admin to execute command { listDatabases: 1 }", "code": 13}`, "",
			scanner.StatusAuthRequired, "", "not authorized on admin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := modernServer(t, "127.0.0.1:2").handle
			srv := startFake(t, "", &fakeServer{handle: func(name string, body bsoncore.Document, opMsg bool) bsoncore.Document {
				switch name {
				case "listDatabases":
					return ejson(t, strings.Replace(tc.listDBs, "%s", name, 1))
				case "listCollections":
					return ejson(t, strings.Replace(tc.listCs, "%s", name, 1))
				}
				return base(name, body, opMsg)
			}})
			res, rec, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
			if err != nil {
				t.Fatalf("probe: %v", err)
			}
			if res.Status != tc.status || res.Facts["empty"] != tc.empty || len(res.Containers) != 0 {
				t.Errorf("status %q empty %q containers %d, want %q %q 0", res.Status, res.Facts["empty"], len(res.Containers), tc.status, tc.empty)
			}
			if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
				t.Errorf("notes %q lack %q", res.Notes, tc.note)
			}
			if n := len(srv.received("listCollections")); tc.listCs == "" && n != 0 || tc.listCs != "" && n != 1 {
				t.Errorf("sent listCollections %d times", n)
			}
			assertAllowed(t, rec)
		})
	}
}
