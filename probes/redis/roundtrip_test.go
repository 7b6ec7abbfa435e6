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

// fortyKeys seeds 40 keys of four patterns in db 0, as the scan benchmark
// does: two hash patterns, strings and lists, every value the canary.
func fortyKeys() [][]string { return keyspaceOf(40) }

// commandNames lists the names of cmds, upper-cased, with repeats collapsed
// into NAMExN.
func commandNames(cmds [][]string) string {
	var out []string
	for i := 0; i < len(cmds); {
		j := i
		for j < len(cmds) && strings.EqualFold(cmds[j][0], cmds[i][0]) {
			j++
		}
		out = append(out, fmt.Sprintf("%sx%d", strings.ToUpper(cmds[i][0]), j-i))
		i = j
	}
	return strings.Join(out, " ")
}

// countCommands counts cmds by name: "INFO:1 SCAN:1 ...", names sorted.
func countCommands(cmds [][]string) string {
	n := map[string]int{}
	for _, c := range cmds {
		n[strings.ToUpper(c[0])]++
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(n)) {
		out = append(out, fmt.Sprintf("%s:%d", k, n[k]))
	}
	return strings.Join(out, " ")
}

// TestProbeRoundTrips: an open single-db server costs three writes: INFO
// with db 0's first SCAN; a TYPE per pattern; then the field names of the
// two hash patterns, read from all their keys (10 each), which also shows
// each is a hash, and TYPE of three more keys of each other pattern.
func TestProbeRoundTrips(t *testing.T) {
	srv := startRedis(t)
	srv.seed(t, fortyKeys())
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusOpen {
		t.Fatalf("status %s err %v", res.Status, err)
	}
	written, read := rec.bytes()
	cmds := sentCommands(t, written)
	if got, want := countCommands(cmds), "HRANDFIELD:20 INFO:1 SCAN:1 TYPE:10"; got != want {
		t.Errorf("sent %s, want %s", got, want)
	}
	if n := rec.writeCount(); n != 3 {
		t.Errorf("%d writes, want 3", n)
	}
	typed := map[string][]string{} // pattern prefix -> keys sent TYPE
	var fielded []string
	for _, c := range cmds {
		switch c[0] {
		case "TYPE":
			prefix, _, _ := strings.Cut(c[1], ":")
			typed[prefix] = append(typed[prefix], c[1])
		case "HRANDFIELD":
			fielded = append(fielded, c[1])
		}
	}
	for p, typ := range map[string]string{"user": "hash", "msg": "hash", "session": "string", "inbox": "list"} {
		c := find(res.Containers, "db0", p+":<int>")
		// A hash pattern's keys all answered HRANDFIELD: all typed.
		typedKeys, types := "4", typeSample
		if typ == "hash" {
			typedKeys, types = "", 1
		}
		if c == nil || deref(c.Docs) != 10 || c.Type != typ || c.Attrs["typed_keys"] != typedKeys || c.Attrs["types"] != "" {
			t.Errorf("container %s: %s %+v", p, names(res.Containers), c)
		}
		if len(typed[p]) != types {
			t.Errorf("TYPE %s: %q, want %d keys", p, typed[p], types)
		}
	}
	// Field names are read from every key of the two hash patterns (10
	// each, under keysPerPattern), typed or not, and from no other key.
	for _, k := range fielded {
		if prefix, _, _ := strings.Cut(k, ":"); prefix != "msg" && prefix != "user" {
			t.Errorf("HRANDFIELD %s, not a hash pattern's key", k)
		}
	}
	if c := find(res.Containers, "db0", "msg:<int>"); c == nil || fieldList(c) != "body/hash-field/10 sender_id/hash-field/10" ||
		c.Attrs["field_sampled_keys"] != "10" {
		t.Errorf("msg fields: %s", names(res.Containers))
	}
	out := fmt.Sprint(res)
	assertNoLeak(t, []byte(out), read)
}

// TestProbeEmptyDB0SamplesDB3: the SCAN that firstBatch sent to an empty
// db 0 is dropped, and db 3 is sampled with SELECT and its own SCAN in one
// write.
func TestProbeEmptyDB0SamplesDB3(t *testing.T) {
	srv := startRedis(t)
	cmds := [][]string{{"SELECT", "3"}}
	for i := range 12 {
		cmds = append(cmds, []string{"HSET", fmt.Sprintf("order:%d", i), "buyer_phone", canary, "total", canary})
	}
	srv.seed(t, cmds)
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.Facts["keys_db3"] != "12" {
		t.Fatalf("status %s err %v facts %v", res.Status, err, res.Facts)
	}
	if len(res.Containers) != 1 {
		t.Fatalf("containers %s, want only db3/order:<int>", names(res.Containers))
	}
	c := res.Containers[0]
	if c.Database != "db3" || c.Name != "order:<int>" || deref(c.Docs) != 12 ||
		fieldList(&c) != "buyer_phone/hash-field/12 total/hash-field/12" || c.Attrs["typed_keys"] != "" {
		t.Errorf("container %s/%s docs %d fields %s", c.Database, c.Name, deref(c.Docs), fieldList(&c))
	}
	written, read := rec.bytes()
	sent := sentCommands(t, written)
	if got, want := commandNames(sent), "INFOx1 SCANx1 SELECTx1 SCANx1 TYPEx1 HRANDFIELDx12"; got != want {
		t.Errorf("sent %s, want %s", got, want)
	}
	if !slices.Equal(sent[2], []string{"SELECT", "3"}) || rec.writeCount() != 4 {
		t.Errorf("sent %q in %d writes, want SELECT 3 third and 4 writes", sent[2], rec.writeCount())
	}
	assertNoLeak(t, []byte(fmt.Sprint(res)), read)
}

// TestProbeACLRefusesScan: a default user whose ACL refuses SCAN is
// partially open, db by db, and nothing is sampled.
func TestProbeACLRefusesScan(t *testing.T) {
	srv := startRedis(t, "--user", "default", "on", "nopass", "~*", "&*", "+@all", "-scan")
	srv.seed(t, [][]string{{"SET", "a:1", canary}, {"SELECT", "1"}, {"SET", "b:1", canary}})
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusPartial || len(res.Containers) != 0 {
		t.Fatalf("status %s err %v containers %s", res.Status, err, names(res.Containers))
	}
	want := []string{"SCAN was refused; sampling is incomplete", "SCAN was refused; sampling is incomplete"}
	if !slices.Equal(res.Notes, want) {
		t.Errorf("notes %q, want %q", res.Notes, want)
	}
	written, _ := rec.bytes()
	if got := commandNames(sentCommands(t, written)); got != "INFOx1 SCANx1 SELECTx1 SCANx1" || rec.writeCount() != 2 {
		t.Errorf("sent %s in %d writes", got, rec.writeCount())
	}
}

// TestProbeSentinelRefusesScan: a sentinel answers the INFOs and refuses
// the SCAN of the first write; the reply is never read and the result is
// the same as before SCAN was sent up front.
func TestProbeSentinelRefusesScan(t *testing.T) {
	f := &fakeRedis{}
	target := f.start(t, func(cmd []string) string {
		switch {
		case cmd[0] == "INFO" && cmd[1] == "server":
			return bulk("# Server\r\nredis_version:7.0.15\r\nredis_mode:sentinel\r\n")
		case cmd[0] == "INFO":
			return bulk("")
		}
		return "-ERR unknown command '" + cmd[0] + "', with args beginning with: \r\n"
	})
	res, rec, err := runProbe(t, target, scanner.Limits{}, time.Second)
	if err != nil || res.Status != scanner.StatusOpen || res.Facts["mode"] != "sentinel" {
		t.Fatalf("status %s err %v facts %v", res.Status, err, res.Facts)
	}
	if !slices.Equal(res.Notes, []string{"sentinel: no keyspace to sample"}) || len(res.Containers) != 0 {
		t.Errorf("notes %q containers %s", res.Notes, names(res.Containers))
	}
	assertFirstWriteOnly(t, rec)
}

// TestProbeSelectRefused: when SELECT is refused, the SCAN written with it
// ran on the previous db; its reply is dropped and nothing of it is
// reported, and db 0 is sampled as if alone.
func TestProbeSelectRefused(t *testing.T) {
	for typ, want := range map[string]string{
		"string": "INFOx1 SCANx1 SELECTx1 SCANx1 TYPEx1",
		"hash":   "INFOx1 SCANx1 SELECTx1 SCANx1 TYPEx1 HRANDFIELDx1",
	} {
		t.Run(typ, func(t *testing.T) {
			f := &fakeRedis{}
			target := f.start(t, func(cmd []string) string {
				switch cmd[0] {
				case "INFO":
					return infoReply(cmd, "redis_version:7.0.15", "db0:keys=1\r\ndb5:keys=2")
				case "SELECT":
					return "-ERR DB index is out of range\r\n"
				case "SCAN":
					return array(bulk("0"), bulks("a:1"))
				case "HRANDFIELD":
					return bulks("f")
				}
				return "+" + typ + "\r\n"
			})
			res, rec, err := runProbe(t, target, scanner.Limits{}, time.Second)
			if err != nil || res.Status != scanner.StatusPartial {
				t.Fatalf("status %s err %v", res.Status, err)
			}
			if len(res.Containers) != 1 || res.Containers[0].Database != "db0" || deref(res.Containers[0].Docs) != 1 {
				t.Errorf("containers %s, want db0/a:<int>(1) only", names(res.Containers))
			}
			if !slices.Equal(res.Notes, []string{"SELECT was refused; sampling is incomplete"}) {
				t.Errorf("notes %q", res.Notes)
			}
			written, _ := rec.bytes()
			writes := map[string]int{"string": 3, "hash": 4}[typ]
			if got := commandNames(sentCommands(t, written)); got != want || rec.writeCount() != writes {
				t.Errorf("sent %s in %d writes, want %s in %d", got, rec.writeCount(), want, writes)
			}
		})
	}
}

// TestProbeTwoDBsRoundTrips: both dbs are listed (db 1 with SELECT and
// its first SCAN in one write), then sampled together, each sampling round
// one write for both: two dbs cost four writes, and each round one SELECT.
func TestProbeTwoDBsRoundTrips(t *testing.T) {
	srv := startRedis(t)
	srv.seed(t, messagingKeyspace())
	res, rec, err := runProbe(t, srv.target(), scanner.Limits{}, 3*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != len(wantContainers) {
		t.Fatalf("status %s err %v containers %s", res.Status, err, names(res.Containers))
	}
	written, _ := rec.bytes()
	// db0: seven patterns of more than four keys, five of one to three;
	// db1: cache:posts:<int> (30 keys) and cache:stats.
	// Round A: a TYPE per pattern (14); round B: HRANDFIELD on every key
	// of the four hash patterns (16 of msg's 20, 3, 1, 1) and TYPE of up
	// to three more keys of the five others of more than one key in db0
	// and of cache:posts:<int> in db1 (18).
	want := "HRANDFIELD:21 INFO:1 SCAN:2 SELECT:3 TYPE:32"
	if got := countCommands(sentCommands(t, written)); got != want || rec.writeCount() != 4 {
		t.Errorf("sent %s in %d writes, want %s in 4", got, rec.writeCount(), want)
	}
}
