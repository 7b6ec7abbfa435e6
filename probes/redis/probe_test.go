package redis

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

const canary = "CANARY-5be1c0de-value"

// Raw identifiers planted in key names; none may appear in a result.
var rawIdentifiers = []string{"8613800138000", "447911123456", "alice@example.com",
	"6f1c2a9e4b7d8c3f0a1e2d3c4b5a697", "550e8400-e29b-41d4-a716-44665544000", "bob", "carol"}

// messagingKeyspace seeds db0 with a chat service's keys and db1 with a
// cache that holds no personal data. Every value carries the canary.
func messagingKeyspace() [][]string {
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	v := func(s string) string { return s + " " + canary }
	for i := range 5 {
		add("RPUSH", fmt.Sprintf("chat:conv:550e8400-e29b-41d4-a716-44665544000%d:messages", i), v("hello"), v("again"))
		add("RPUSH", fmt.Sprintf("chat:+86138001380%02d:inbox", i), v("msg"))
	}
	for i := range 20 {
		add("HSET", fmt.Sprintf("msg:%d", 1000+i), "sender", v("+8613800138000"), "recipient", v("+447911123456"),
			"body", v("see you at 8"), "ts", v("1700000000"))
	}
	for i := range 10 {
		add("SET", fmt.Sprintf("presence:+4479111234%02d", i), v("online"))
		add("SET", fmt.Sprintf("session:6f1c2a9e4b7d8c3f0a1e2d3c4b5a697%d", i), v("uid=1"))
	}
	add("SET", "otp:+447911123456", v("493817"), "EX", "300")
	for _, u := range []string{"alice@example.com", "bob@example.org", "carol@example.net"} {
		add("HSET", "user:"+u, "name", v("A"), "phone", v("+1555"), "email", v(u))
	}
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		add("SET", "profile:"+u+":avatar", v("png"))
	}
	add("HSET", "room:42:members", "+8613800138000", v("admin"), "+447911123456", v("member"))
	add("XADD", "events:stream", "*", "type", v("login"))
	add("SADD", "online:set", v("a"), v("b"))
	add("ZADD", "leaderboard", "1", v("x"))
	add("SELECT", "1")
	for i := range 30 {
		add("SET", fmt.Sprintf("cache:posts:%d", i), v("<html>"))
	}
	add("HSET", "cache:stats", "hits", v("1"), "misses", v("2"))
	return cmds
}

// wantContainers are the patterns the seeded keyspace must produce.
var wantContainers = []struct {
	db, name, typ string
	docs          int64
	fields        []string
}{
	{"db0", "msg:<int>", "hash", 20, []string{"body", "recipient", "sender", "ts"}},
	{"db0", "presence:<phone>", "string", 10, nil},
	{"db0", "session:<hex>", "string", 10, nil},
	{"db0", "chat:conv:<uuid>:messages", "list", 5, nil},
	{"db0", "chat:<phone>:inbox", "list", 5, nil},
	{"db0", "profile:<id>:avatar", "string", 4, nil},
	{"db0", "user:<email>", "hash", 3, []string{"email", "name", "phone"}},
	{"db0", "otp:<phone>", "string", 1, nil},
	{"db0", "room:<int>:members", "hash", 1, []string{"<phone>"}},
	{"db0", "events:stream", "stream", 1, nil},
	{"db0", "online:set", "set", 1, nil},
	{"db0", "leaderboard", "zset", 1, nil},
	{"db1", "cache:posts:<int>", "string", 30, nil},
	{"db1", "cache:stats", "hash", 1, []string{"hits", "misses"}},
}

func TestProbeOpenSamplesPatterns(t *testing.T) {
	srv := startRedis(t)
	srv.seed(t, messagingKeyspace())
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if res.Status != scanner.StatusOpen || res.Product != "redis" || !strings.HasPrefix(res.Version, "7.") {
		t.Fatalf("status %s product %s version %s", res.Status, res.Product, res.Version)
	}
	for k, want := range map[string]string{"version": res.Version, "mode": "standalone", "role": "master",
		"keys_db0": "62", "keys_db1": "31"} {
		if res.Facts[k] != want {
			t.Errorf("fact %s = %q, want %q (facts %v)", k, res.Facts[k], want, res.Facts)
		}
	}
	if res.Facts["uptime_seconds"] == "" {
		t.Errorf("no uptime fact: %v", res.Facts)
	}
	if len(res.Containers) != len(wantContainers) {
		t.Errorf("%d containers, want %d: %s", len(res.Containers), len(wantContainers), names(res.Containers))
	}
	for _, w := range wantContainers {
		c := find(res.Containers, w.db, w.name)
		if c == nil {
			t.Errorf("no container %s %s in %s", w.db, w.name, names(res.Containers))
			continue
		}
		if c.Kind != "key-pattern" || c.Type != w.typ || c.Docs == nil || *c.Docs != w.docs {
			t.Errorf("%s %s: kind %s type %s docs %v, want %s %d", w.db, w.name, c.Kind, c.Type, deref(c.Docs), w.typ, w.docs)
		}
		// Every pattern is uniform: up to keysPerPattern keys of a hash
		// pattern answer HRANDFIELD, which shows they are hashes; the
		// first typeSample keys of the others are sent TYPE.
		typed := min(w.docs, typeSample)
		sampled := min(w.docs, keysPerPattern)
		if w.typ == "hash" {
			typed = sampled
		}
		if wantAttr := map[bool]string{true: itoa(int(typed))}[typed < w.docs]; c.Attrs["typed_keys"] != wantAttr {
			t.Errorf("%s %s: typed_keys %q, want %q", w.db, w.name, c.Attrs["typed_keys"], wantAttr)
		}
		var fields []string
		for _, f := range c.Fields {
			fields = append(fields, f.Path)
			if f.Source != scanner.SourceHashField || f.Count != int(sampled) {
				t.Errorf("%s field %s: source %s count %d", w.name, f.Path, f.Source, f.Count)
			}
		}
		slices.Sort(fields)
		if !slices.Equal(fields, w.fields) {
			t.Errorf("%s fields = %q, want %q", w.name, fields, w.fields)
		}
	}
	out, _ := json.Marshal(res)
	written, read := rec.bytes()
	assertNoLeak(t, out, read)
	assertAllowlisted(t, sentCommands(t, written), []string{"INFO", "SELECT", "SCAN", "TYPE", "HRANDFIELD"})
}

func assertNoLeak(t *testing.T, out, read []byte) {
	t.Helper()
	if strings.Contains(string(out), canary) {
		t.Errorf("a value's canary is in the result: %s", out)
	}
	if strings.Contains(string(read), canary) {
		t.Errorf("a value's canary was read from the socket")
	}
	for _, id := range rawIdentifiers {
		if strings.Contains(string(out), id) {
			t.Errorf("raw key identifier %q is in the result: %s", id, out)
		}
	}
}

// assertAllowlisted checks each command parsed from the socket against the
// allowlist and against the names this test expects, independently.
func assertAllowlisted(t *testing.T, cmds [][]string, expected []string) {
	t.Helper()
	if len(cmds) == 0 {
		t.Fatal("no commands recorded")
	}
	seen := map[string]bool{}
	for _, cmd := range cmds {
		name := strings.ToUpper(cmd[0])
		seen[name] = true
		if err := checkAllowed(cmd); err != nil {
			t.Errorf("sent %s: %v", sprintCmd(cmd), err)
		}
		if !slices.Contains(expected, name) {
			t.Errorf("sent %s, expected only %v", sprintCmd(cmd), expected)
		}
		for _, a := range cmd {
			if strings.EqualFold(a, "WITHVALUES") || strings.EqualFold(a, "AUTH") {
				t.Errorf("sent %s", sprintCmd(cmd))
			}
		}
	}
	for _, name := range expected {
		if !seen[name] {
			t.Errorf("never sent %s; recorded %d commands", name, len(cmds))
		}
	}
}

func find(cs []scanner.Container, db, name string) *scanner.Container {
	for i := range cs {
		if cs[i].Database == db && cs[i].Name == name {
			return &cs[i]
		}
	}
	return nil
}

func names(cs []scanner.Container) string {
	var s []string
	for _, c := range cs {
		s = append(s, fmt.Sprintf("%s/%s(%d)", c.Database, c.Name, deref(c.Docs)))
	}
	return strings.Join(s, " ")
}

func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}
