package redis

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// fakeRedis answers RESP commands with reply(cmd), a raw RESP string, and
// records the commands and connections it got. It stands in for servers the
// tests cannot run: Redis 7.4 with RedisJSON, Redis 6.0, a cluster node.
type fakeRedis struct {
	mu    sync.Mutex
	cmds  [][]string
	conns atomic.Int32
}

func (f *fakeRedis) start(t *testing.T, reply func(cmd []string) string) scanner.Target {
	return hostile(t, func(c net.Conn) {
		f.conns.Add(1)
		rd := newRespReader(c, 1<<20)
		for {
			r, err := rd.next()
			if err != nil {
				return
			}
			cmd := make([]string, len(r.elems))
			for i, e := range r.elems {
				cmd[i] = e.str
			}
			f.mu.Lock()
			f.cmds = append(f.cmds, cmd)
			f.mu.Unlock()
			c.Write([]byte(reply(cmd)))
		}
	})
}

// sent lists the commands named name, or all of them for "".
func (f *fakeRedis) sent(name string) [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]string
	for _, c := range f.cmds {
		if name == "" || strings.EqualFold(c[0], name) {
			out = append(out, c)
		}
	}
	return out
}

func bulk(s string) string { return fmt.Sprintf("$%d\r\n%s\r\n", len(s), s) }

func array(elems ...string) string {
	return fmt.Sprintf("*%d\r\n%s", len(elems), strings.Join(elems, ""))
}

func bulks(ss ...string) string {
	var e []string
	for _, s := range ss {
		e = append(e, bulk(s))
	}
	return array(e...)
}

// infoReply answers INFO as a server of version server's redis_version
// does: the three sections the probe asks for in one INFO from 7.0 on, and
// one at a time before (an INFO with three sections is a syntax error).
func infoReply(cmd []string, server, keyspace string) string {
	sections := map[string]string{
		"server":      "# Server\r\n" + server + "\r\nuptime_in_seconds:7\r\n",
		"replication": "# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=10.1.2.3,port=6379\r\n",
		"keyspace":    "# Keyspace\r\n" + keyspace + "\r\n",
	}
	if len(cmd) == 2 {
		return bulk(sections[strings.ToLower(cmd[1])])
	}
	if parseVersion(parseInfo(server)["redis_version"])[0] < 7 {
		return "-ERR syntax error\r\n"
	}
	return bulk(sections["server"] + "\r\n" + sections["replication"] + "\r\n" + sections["keyspace"])
}

func TestProbeRedis74WithJSON(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:7.4.1\r\nredis_mode:standalone", "db0:keys=3,expires=0")
		case "SCAN":
			return array(bulk("0"), bulks("h:1", "doc:+8613800138000", "doc:+8613800138001"))
		case "TYPE":
			if cmd[1] == "h:1" {
				return "+hash\r\n"
			}
			return "+ReJSON-RL\r\n"
		case "HSCAN":
			return array(bulk("0"), bulks("sender", "body"))
		case "JSON.OBJKEYS":
			if strings.HasSuffix(cmd[1], "0") {
				return array(bulks("from", "to", "text"))
			}
			return bulks("from", "to")
		}
		return "-ERR unexpected\r\n"
	})
	res, rec, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.Facts["role"] != "master" {
		t.Fatalf("status %s err %v facts %v", res.Status, err, res.Facts)
	}
	if strings.Contains(fmt.Sprint(res), "10.1.2.3") {
		t.Errorf("a replica's address is in the result: %v", res)
	}
	h, doc := find(res.Containers, "db0", "h:<int>"), find(res.Containers, "db0", "doc:<phone>")
	if h == nil || doc == nil {
		t.Fatalf("containers %s", names(res.Containers))
	}
	if got := fieldList(h); got != "body/hash-field/1 sender/hash-field/1" {
		t.Errorf("hash fields %s", got)
	}
	if got := fieldList(doc); doc.Type != "ReJSON-RL" || got != "from/json-key/2 to/json-key/2 text/json-key/1" {
		t.Errorf("json %s fields %s", doc.Type, got)
	}
	written, _ := rec.bytes()
	assertAllowlisted(t, sentCommands(t, written), []string{"INFO", "SCAN", "TYPE", "HSCAN", "JSON.OBJKEYS"})
	if hs := f.sent("HSCAN"); len(hs) != 1 || !slices.Equal(hs[0], []string{"HSCAN", "h:1", "0", "COUNT", "64", "NOVALUES"}) {
		t.Errorf("HSCAN sent as %q", hs)
	}
}

// TestProbeCloneSkipsNoValues: HSCAN NOVALUES goes only to Redis itself. A
// clone that reports redis_version 7.4 (Dragonfly does) gets HRANDFIELD,
// which never returns values, in case it ignored the NOVALUES flag.
func TestProbeCloneSkipsNoValues(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:7.4.0\r\ndragonfly_version:df-v1.30.0", "db0:keys=1")
		case "SCAN":
			return array(bulk("0"), bulks("h:1"))
		case "TYPE":
			return "+hash\r\n"
		case "HSCAN":
			// As a clone that ignored NOVALUES would answer.
			return array(bulk("0"), bulks("sender", "CANARY-VALUE"))
		case "HRANDFIELD":
			return bulks("sender", "body")
		}
		return "-ERR unexpected\r\n"
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	if hs := f.sent("HSCAN"); len(hs) != 0 {
		t.Errorf("HSCAN sent to a clone: %q", hs)
	}
	h := find(res.Containers, "db0", "h:<int>")
	if h == nil {
		t.Fatalf("containers %s", names(res.Containers))
	}
	if got := fieldList(h); got != "body/hash-field/1 sender/hash-field/1" {
		t.Errorf("hash fields %s", got)
	}
	if strings.Contains(fmt.Sprint(res), "CANARY") {
		t.Errorf("a value is in the result: %v", res)
	}
}

func TestProbeRedis60UsesHKEYSForSmallHashes(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:6.0.9", "db0:keys=2")
		case "SCAN":
			return array(bulk("0"), bulks("small", "big"))
		case "TYPE":
			return "+hash\r\n"
		case "HLEN":
			if cmd[1] == "big" {
				return ":5000\r\n"
			}
			return ":3\r\n"
		case "HKEYS":
			return bulks("a", "b", "c")
		}
		return "-ERR unexpected\r\n"
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	if hk := f.sent("HKEYS"); len(hk) != 1 || hk[0][1] != "small" {
		t.Errorf("HKEYS sent %q, want only for the small hash", hk)
	}
	if res.Skipped["hashes-too-large-for-hkeys"] != 1 || len(f.sent("HRANDFIELD")) != 0 {
		t.Errorf("skipped %v", res.Skipped)
	}
	if c := find(res.Containers, "db0", "small"); c == nil || fieldList(c) != "a/hash-field/1 b/hash-field/1 c/hash-field/1" {
		t.Errorf("containers %s", names(res.Containers))
	}
}

// TestProbeClusterNode samples only the node it was given: no SELECT, and a
// MOVED reply is counted, never followed.
func TestProbeClusterNode(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch cmd[0] {
		case "INFO":
			return infoReply(cmd, "redis_version:7.0.15\r\nredis_mode:cluster", "db0:keys=2\r\ndb3:keys=4")
		case "SCAN":
			return array(bulk("0"), bulks("a:1", "b:2"))
		case "TYPE":
			if cmd[1] == "b:2" {
				return "-MOVED 3999 127.0.0.1:1\r\n"
			}
			return "+string\r\n"
		}
		return "-ERR unexpected\r\n"
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.Facts["mode"] != "cluster" {
		t.Fatalf("status %s err %v facts %v", res.Status, err, res.Facts)
	}
	if len(f.sent("SELECT")) != 0 || f.conns.Load() != 1 || res.Skipped["type-errors"] != 1 {
		t.Errorf("SELECT %q, %d connections, skipped %v", f.sent("SELECT"), f.conns.Load(), res.Skipped)
	}
}

// TestProbeRefusals maps each refusal of INFO onto its status and notes;
// nothing is written after the first write.
func TestProbeRefusals(t *testing.T) {
	tests := []struct {
		reply  string
		status scanner.Status
		note   string
	}{
		{"-NOAUTH Authentication required.\r\n", scanner.StatusAuthRequired, ""},
		{"-ERR operation not permitted\r\n", scanner.StatusAuthRequired, ""},
		{"-DENIED Redis is running in protected mode because protected mode is enabled\r\n", scanner.StatusProtected,
			"protected mode refused a non-loopback client"},
		{"-NOPERM User default has no permissions to run the 'info' command\r\n", scanner.StatusPartial,
			"commands run without AUTH, but the ACL refused INFO"},
		{"-LOADING Redis is loading the dataset in memory\r\n", scanner.StatusOpen,
			"the server is loading its dataset; nothing was sampled"},
	}
	for _, tt := range tests {
		f := &fakeRedis{}
		target := f.start(t, func([]string) string { return tt.reply })
		res, rec, err := runProbe(t, target, scanner.Limits{}, time.Second)
		if err != nil || res.Status != tt.status || res.Product != "redis" {
			t.Errorf("%q: status %s product %q err %v, want %s", tt.reply, res.Status, res.Product, err, tt.status)
		}
		if want := []string{tt.note}; tt.note == "" && len(res.Notes) != 0 || tt.note != "" && !slices.Equal(res.Notes, want) {
			t.Errorf("%q: notes %q, want %q", tt.reply, res.Notes, tt.note)
		}
		assertFirstWriteOnly(t, rec)
	}
}

func TestProbeScanRefusedIsPartial(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		if cmd[0] == "INFO" {
			return infoReply(cmd, "redis_version:7.0.15", "db0:keys=2")
		}
		return "-NOPERM this user has no permissions to run the 'scan' command\r\n"
	})
	res, _, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusPartial || len(res.Containers) != 0 {
		t.Fatalf("status %s err %v containers %d", res.Status, err, len(res.Containers))
	}
}

func fieldList(c *scanner.Container) string {
	var s []string
	for _, f := range c.Fields {
		s = append(s, fmt.Sprintf("%s/%s/%d", f.Path, f.Source, f.Count))
	}
	return strings.Join(s, " ")
}
