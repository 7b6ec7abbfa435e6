package mongodb

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestFerretDBOpen(t *testing.T) {
	addr := startFerret(t)
	seed(t, addr)
	res, rec, err := runProbe(t, addr, 3*time.Second, scanner.Limits{})
	if err != nil {
		t.Fatalf("probe: %v (result %+v)", err, res)
	}
	if res.Status != scanner.StatusOpen || res.Product != "ferretdb" {
		t.Fatalf("status %q product %q, want open ferretdb; notes %q", res.Status, res.Product, res.Notes)
	}
	if res.Version == "" || res.Facts["ferretdb_version"] == "" || res.Facts["max_wire_version"] == "" {
		t.Errorf("version facts missing: version %q facts %v", res.Version, res.Facts)
	}
	if res.Facts["replica_set"] != "false" || res.Facts["databases"] != "3" || res.Facts["handshake"] != "hello" {
		t.Errorf("facts = %v", res.Facts)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "$sample/$objectToArray unsupported") }) {
		t.Errorf("no fallback note in %q", res.Notes)
	}

	got := map[string]scanner.Container{}
	for _, c := range res.Containers {
		got[c.Database+"."+c.Name] = c
	}
	if len(got) != len(seedCounts) {
		t.Errorf("containers %v, want %d", keys(got), len(seedCounts))
	}
	for ns, n := range seedCounts {
		c, ok := got[ns]
		if !ok {
			t.Errorf("no container for %s", ns)
			continue
		}
		if c.Kind != "collection" || c.Type != "collection" {
			t.Errorf("%s: kind %q type %q", ns, c.Kind, c.Type)
		}
		if c.Docs == nil || *c.Docs != n {
			t.Errorf("%s: docs %v, want %d", ns, c.Docs, n)
		}
		if c.Bytes == nil || *c.Bytes <= 0 {
			t.Errorf("%s: bytes %v", ns, c.Bytes)
		}
	}
	wantFields := map[string][]string{
		"messaging.messages":       {"_id", "sender.phone", "sent_at", "conversation_id"},
		"messaging.call_logs":      {"_id", "caller_phone"},
		"messaging.devices":        {"_id", "push_token"},
		"messaging.conversations":  {"_id", "participants"},
		"messaging.child_accounts": {"_id"},
		"catalog.products":         {"_id", "sku"},
		"logs.events":              {"_id"},
	}
	for ns, want := range wantFields {
		var paths []string
		for _, f := range got[ns].Fields {
			if f.Source != scanner.SourceIndex || f.Count != 0 {
				t.Errorf("%s: field %+v, want source index without count", ns, f)
			}
			paths = append(paths, f.Path)
		}
		slices.Sort(paths)
		slices.Sort(want)
		if !slices.Equal(paths, want) {
			t.Errorf("%s: fields %v, want %v", ns, paths, want)
		}
	}
	if c := got["logs.events"]; c.Attrs["capped"] != "true" || c.Attrs["capped_size"] == "" {
		t.Errorf("logs.events attrs %v, want capped", c.Attrs)
	}

	out, _ := json.Marshal(res)
	t.Logf("result: %s", out)
	if bytes.Contains(out, []byte(canary)) {
		t.Errorf("canary in the result: %s", out)
	}
	if bytes.Contains(rec.received(), []byte(canary)) {
		t.Errorf("canary in the bytes received from the server")
	}
	// FerretDB refuses the key-name aggregate once; it is not tried again.
	if names := assertAllowed(t, rec); names["aggregate"] != 1 || names["listIndexes"] != 7 || names["collStats"] != 7 {
		t.Errorf("commands sent: %v", names)
	}
}

// assertAllowed decodes every message the probe wrote on the socket and
// checks its command against the allowlist.
func assertAllowed(t *testing.T, rec *recorder) map[string]int {
	t.Helper()
	names := map[string]int{}
	for _, m := range rec.sentMessages(t) {
		body, err := requestCommand(m)
		if err != nil {
			t.Fatalf("a message on the wire does not decode: %v", err)
		}
		if err := checkCommand(body); err != nil {
			t.Errorf("sent a command outside the allowlist: %v", err)
		}
		names[commandOf(body)]++
	}
	if len(names) == 0 {
		t.Error("no command recorded")
	}
	t.Logf("commands on the wire: %v", names)
	return names
}

func keys[V any](m map[string]V) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}
