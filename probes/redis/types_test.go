package redis

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// typedKeys lists the keys sent TYPE, in order.
func typedKeys(cmds [][]string) []string {
	var out []string
	for _, c := range cmds {
		if c[0] == "TYPE" {
			out = append(out, c[1])
		}
	}
	return out
}

// TestProbeMixedPatternTypedExactly: item:<int> holds three hashes and
// three strings. Whichever comes first in SCAN order, the pattern is found
// mixed and its counts are exact: when its first key is a hash, the
// strings answer HRANDFIELD with an error and are sent TYPE in one more
// write; when it is a string, its next three keys' TYPEs disagree, the
// rest are typed in one more write and the hashes' field names read in
// another. The uniform note:<int> gets typeSample TYPEs only.
func TestProbeMixedPatternTypedExactly(t *testing.T) {
	srv := startRedis(t)
	var seed [][]string
	for i := range 3 {
		seed = append(seed, []string{"HSET", fmt.Sprintf("item:%d", i), "owner_phone", canary})
		seed = append(seed, []string{"SET", fmt.Sprintf("item:%d", 100+i), canary})
	}
	for i := range 8 {
		seed = append(seed, []string{"SET", fmt.Sprintf("note:%d", i), canary})
	}
	srv.seed(t, seed)
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	item, note := find(res.Containers, "db0", "item:<int>"), find(res.Containers, "db0", "note:<int>")
	if item == nil || note == nil || len(res.Containers) != 2 {
		t.Fatalf("containers %s", names(res.Containers))
	}
	if deref(item.Docs) != 6 || item.Type != "hash" || item.Attrs["types"] != "hash:3,string:3" ||
		item.Attrs["typed_keys"] != "" || fieldList(item) != "owner_phone/hash-field/3" {
		t.Errorf("item: docs %d type %s attrs %v fields %s", deref(item.Docs), item.Type, item.Attrs, fieldList(item))
	}
	if deref(note.Docs) != 8 || note.Type != "string" || note.Attrs["typed_keys"] != "4" || note.Attrs["types"] != "" {
		t.Errorf("note: docs %d type %s attrs %v", deref(note.Docs), note.Type, note.Attrs)
	}
	written, read := rec.bytes()
	cmds := sentCommands(t, written)
	var items, notes int
	for _, k := range typedKeys(cmds) {
		if strings.HasPrefix(k, "item:") {
			items++
		} else {
			notes++
		}
	}
	hashFirst := slices.ContainsFunc(cmds, func(c []string) bool { return c[0] == "HRANDFIELD" && c[1] == firstTyped(cmds, "item:") })
	wantItems, wantCmds, wantWrites := 6, "HRANDFIELD:3 INFO:1 SCAN:1 TYPE:10", 5
	if hashFirst {
		// TYPE of the first key, HRANDFIELD on all six, TYPE of the three
		// that refused it.
		wantItems, wantCmds, wantWrites = 4, "HRANDFIELD:6 INFO:1 SCAN:1 TYPE:8", 4
	}
	if items != wantItems || notes != typeSample {
		t.Errorf("TYPE sent for %d item keys and %d note keys, want %d and %d", items, notes, wantItems, typeSample)
	}
	if got := countCommands(cmds); got != wantCmds || rec.writeCount() != wantWrites {
		t.Errorf("sent %s in %d writes, want %s in %d", got, rec.writeCount(), wantCmds, wantWrites)
	}
	assertNoLeak(t, []byte(fmt.Sprint(res)), read)
}

// firstTyped is the first key with prefix sent TYPE.
func firstTyped(cmds [][]string, prefix string) string {
	for _, c := range cmds {
		if c[0] == "TYPE" && strings.HasPrefix(c[1], prefix) {
			return c[1]
		}
	}
	return ""
}

// TestProbeMixedPatternSampleMisses documents what a uniform-looking sample
// costs: k:<int>'s first four keys are strings and its eighth a hash, so
// the pattern is reported as eight strings, typed from four keys
// (typed_keys "4"), and the hash's field names are never read. The hash is
// missed only as long as the first keys agree.
func TestProbeMixedPatternSampleMisses(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:7.0.15", "db0:keys=8")
		case "SCAN":
			return array(bulk("0"), bulks("k:1", "k:2", "k:3", "k:4", "k:5", "k:6", "k:7", "k:8"))
		case "TYPE":
			if cmd[1] == "k:8" {
				return "+hash\r\n"
			}
			return "+string\r\n"
		}
		return bulks("f")
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != 1 {
		t.Fatalf("status %s err %v containers %s", res.Status, err, names(res.Containers))
	}
	c := res.Containers[0]
	if c.Name != "k:<int>" || deref(c.Docs) != 8 || c.Type != "string" || len(c.Fields) != 0 ||
		!maps.Equal(c.Attrs, map[string]string{"typed_keys": "4"}) {
		t.Errorf("container %s docs %d type %s attrs %v fields %s", c.Name, deref(c.Docs), c.Type, c.Attrs, fieldList(&c))
	}
	var typed []string
	for _, cmd := range f.sent("TYPE") {
		typed = append(typed, cmd[1])
	}
	if !slices.Equal(typed, []string{"k:1", "k:2", "k:3", "k:4"}) || len(f.sent("HRANDFIELD")) != 0 {
		t.Errorf("TYPE sent for %q, HRANDFIELD %q", typed, f.sent("HRANDFIELD"))
	}
}

// TestProbeTypeErrorInSample: an error reply to a sampled key's TYPE counts
// as the type "unknown", which disagrees with the others, so the whole
// pattern is typed and the error is counted in Skipped.
func TestProbeTypeErrorInSample(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:7.0.15", "db0:keys=8")
		case "SCAN":
			return array(bulk("0"), bulks("k:1", "k:2", "k:3", "k:4", "k:5", "k:6", "k:7", "k:8"))
		case "TYPE":
			if cmd[1] == "k:2" {
				return "-ERR no such thing\r\n"
			}
			return "+string\r\n"
		}
		return "-ERR unexpected\r\n"
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != 1 {
		t.Fatalf("status %s err %v containers %s", res.Status, err, names(res.Containers))
	}
	c := res.Containers[0]
	if deref(c.Docs) != 8 || c.Type != "string" || !maps.Equal(c.Attrs, map[string]string{"types": "string:7,unknown:1"}) ||
		res.Skipped["type-errors"] != 1 || len(f.sent("TYPE")) != 8 {
		t.Errorf("docs %d type %s attrs %v skipped %v TYPEs %d", deref(c.Docs), c.Type, c.Attrs, res.Skipped, len(f.sent("TYPE")))
	}
}

// TestProbeUntypedKeyOfAnotherType: h:<int>'s first key is a hash, so
// its other keys are field-sampled without a TYPE; h:5 answers HRANDFIELD
// with WRONGTYPE, counted in field-sample-errors, and is sent TYPE in one
// more write (this fake says hash: the pattern stays all hashes); the
// hashes' field names are still read.
func TestProbeUntypedKeyOfAnotherType(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:7.0.15", "db0:keys=6")
		case "SCAN":
			return array(bulk("0"), bulks("h:1", "h:2", "h:3", "h:4", "h:5", "h:6"))
		case "TYPE":
			return "+hash\r\n"
		case "HRANDFIELD":
			if cmd[1] == "h:5" {
				return "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
			}
			return bulks("sender_phone")
		}
		return "-ERR unexpected\r\n"
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != 1 {
		t.Fatalf("status %s err %v containers %s", res.Status, err, names(res.Containers))
	}
	c := res.Containers[0]
	if c.Name != "h:<int>" || c.Type != "hash" || deref(c.Docs) != 6 || c.Attrs["typed_keys"] != "" ||
		fieldList(&c) != "sender_phone/hash-field/5" || res.Skipped["field-sample-errors"] != 1 {
		t.Errorf("container %s type %s docs %d attrs %v fields %s skipped %v",
			c.Name, c.Type, deref(c.Docs), c.Attrs, fieldList(&c), res.Skipped)
	}
	if n, m := len(f.sent("TYPE")), len(f.sent("HRANDFIELD")); n != 2 || m != 6 {
		t.Errorf("%d TYPE and %d HRANDFIELD sent, want 2 and 6", n, m)
	}
}
