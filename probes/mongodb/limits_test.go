package mongodb

import (
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestLimits(t *testing.T) {
	addr := startFerret(t)
	seed(t, addr)
	res, _, err := runProbe(t, addr, 3*time.Second, scanner.Limits{MaxDBs: 1, MaxCollections: 2, MaxFields: 1})
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %q err %v", res.Status, err)
	}
	var got []string
	for _, c := range res.Containers {
		got = append(got, c.Database+"."+c.Name)
		if len(c.Fields) != 1 {
			t.Errorf("%s has %d fields, want 1", c.Name, len(c.Fields))
		}
	}
	// messaging is the largest database; collections go by name.
	if want := []string{"messaging.call_logs", "messaging.child_accounts"}; !slices.Equal(got, want) {
		t.Errorf("containers %q, want %q", got, want)
	}
	want := map[string]int{"over-max-dbs": 2, "over-max-collections": 3, "over-max-fields": 1}
	for k, v := range want {
		if res.Skipped[k] != v {
			t.Errorf("skipped %v, want %v", res.Skipped, want)
		}
	}
}

// TestStallDuringInventory: a server that answers the handshake and then
// stops answering gets a result with what was learned, within the bound.
func TestStallDuringInventory(t *testing.T) {
	base := modernServer(t, "127.0.0.1:2").handle
	srv := startFake(t, "", &fakeServer{handle: func(name string, body bsoncore.Document, opMsg bool) bsoncore.Document {
		if name == "listIndexes" {
			return nil
		}
		return base(name, body, opMsg)
	}})
	const timeout = 300 * time.Millisecond
	start := time.Now()
	res, _, err := runProbe(t, srv.addr(), timeout, scanner.Limits{})
	if elapsed := time.Since(start); elapsed > 4*timeout {
		t.Errorf("took %v", elapsed)
	}
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != 1 || *res.Containers[0].Docs != 1200 {
		t.Fatalf("status %q err %v containers %+v", res.Status, err, res.Containers)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool {
		return strings.Contains(n, "listIndexes on chat.messages") && strings.Contains(n, "inventory stopped")
	}) {
		t.Errorf("notes %q", res.Notes)
	}
	if res.Skipped["time-budget-collections"] != 1 {
		t.Errorf("skipped %v", res.Skipped)
	}
}

// TestCountFallback: a server that refuses collStats is counted with count,
// and collStats is not tried again.
func TestCountFallback(t *testing.T) {
	base := modernServer(t, "127.0.0.1:2").handle
	srv := startFake(t, "", &fakeServer{handle: func(name string, body bsoncore.Document, opMsg bool) bsoncore.Document {
		if name == "collStats" {
			return ejson(t, `{"ok": 0, "errmsg": "collStats is not supported", "code": 115, "codeName": "CommandNotSupported"}`)
		}
		return base(name, body, opMsg)
	}})
	res, _, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
	if err != nil || len(res.Containers) != 2 {
		t.Fatalf("err %v containers %+v", err, res.Containers)
	}
	if c := res.Containers[0]; c.Docs == nil || *c.Docs != 1199 || c.Bytes != nil {
		t.Errorf("messages docs %v bytes %v, want 1199 and unknown", c.Docs, c.Bytes)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "counts from count") }) {
		t.Errorf("notes %q", res.Notes)
	}
}

// TestIncludeSystem inventories admin and system.* collections when asked.
func TestIncludeSystem(t *testing.T) {
	srv := startFake(t, "", modernServer(t, "127.0.0.1:2"))
	res, _, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{IncludeSystem: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Containers {
		got = append(got, c.Database+"."+c.Name)
	}
	// The fake lists the same collections in every database; chat is the
	// larger database, so it comes first.
	want := []string{"chat.messages", "chat.recent", "chat.system.views", "admin.messages", "admin.recent", "admin.system.views"}
	if !slices.Equal(got, want) || len(res.Skipped) != 0 {
		t.Errorf("containers %q skipped %v, want %q and nothing skipped", got, res.Skipped, want)
	}
}
