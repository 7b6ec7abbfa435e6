//lint:file-ignore SA1019 the handshake is OP_QUERY, which the test reads back, and a legacy reply is OP_REPLY.

package mongodb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestOneConnectionFerretDB probes a real FerretDB holding one database of
// two collections: the probe dials once, and the commands on that one
// connection are exactly the expected sequence, each with nothing added
// but "$db" (FerretDB is a standalone, so no read preference, and no
// session, cluster time or maxTimeMS from the driver).
func TestOneConnectionFerretDB(t *testing.T) {
	addr := startFerret(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := seedClient(t, ctx, addr)
	for i := range 3 {
		if _, err := c.Database("chat").Collection("messages").InsertOne(ctx, bson.M{"body": fmt.Sprintf("%s-%d", canary, i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Database("chat").Collection("devices").InsertOne(ctx, bson.M{"push_token": canary}); err != nil {
		t.Fatal(err)
	}
	c.Disconnect(ctx)

	res, rec, err := runProbe(t, addr, 3*time.Second, scanner.Limits{})
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != 2 {
		t.Fatalf("status %q err %v containers %+v", res.Status, err, res.Containers)
	}
	if len(rec.conns) != 1 {
		t.Fatalf("the probe dialed %d connections, want 1", len(rec.conns))
	}
	var got []string
	for i, m := range rec.sentMessages(t) {
		body, err := requestCommand(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkCommand(body); err != nil {
			t.Errorf("message %d: %v", i, err)
		}
		got = append(got, describeCommand(t, m, body))
	}
	want := []string{
		"OP_QUERY admin.$cmd hello:1 comment:" + helloCommand().Lookup("comment").StringValue(),
		"OP_MSG buildInfo:1 $db:admin",
		"OP_MSG listDatabases:1 nameOnly:false $db:admin",
		"OP_MSG listCollections:1 cursor:{} $db:chat",
		"OP_MSG collStats:devices $db:chat",
		"OP_MSG aggregate:devices pipeline cursor maxTimeMS allowDiskUse:false $db:chat",
		"OP_MSG listIndexes:devices cursor:{} $db:chat",
		"OP_MSG collStats:messages $db:chat",
		"OP_MSG listIndexes:messages cursor:{} $db:chat",
	}
	if !slices.Equal(got, want) {
		t.Errorf("commands sent\n got %q\nwant %q", got, want)
	}
	// One write per round trip: the handshake; buildInfo and
	// listDatabases together; listCollections; then chat's five
	// per-collection commands in one flight (FerretDB refuses the
	// aggregate, so there is no second batch).
	if flights := rec.conns[0].flights; !slices.Equal(flights, []int{1, 2, 1, 5}) {
		t.Errorf("messages per write %v, want [1 2 1 5]: 4 round trips", flights)
	}
	out, _ := json.Marshal(res)
	if bytes.Contains(out, []byte(canary)) || bytes.Contains(rec.received(), []byte(canary)) {
		t.Errorf("canary in the result or in the bytes received")
	}
}

// describeCommand renders one outgoing message as its opcode and the keys
// of its command, with the values of short scalars.
func describeCommand(t *testing.T, msg []byte, body bsoncore.Document) string {
	t.Helper()
	_, _, _, op, rem, _ := wiremessage.ReadHeader(msg)
	parts := []string{op.String()}
	if op == wiremessage.OpQuery {
		_, rem, _ = wiremessage.ReadQueryFlags(rem)
		ns, _, _ := wiremessage.ReadQueryFullCollectionName(rem)
		parts = append(parts, ns)
	}
	elems, err := body.Elements()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range elems {
		v := e.Value()
		switch v.Type {
		case bson.TypeInt32:
			parts = append(parts, fmt.Sprintf("%s:%d", e.Key(), v.Int32()))
		case bson.TypeBoolean, bson.TypeString:
			parts = append(parts, e.Key()+":"+strings.Trim(v.String(), `"`))
		case bson.TypeEmbeddedDocument:
			if len(v.Document()) == 5 {
				parts = append(parts, e.Key()+":{}")
				continue
			}
			parts = append(parts, e.Key())
		default:
			parts = append(parts, e.Key())
		}
	}
	return strings.Join(parts, " ")
}

// TestOpConnExtras checks what the driver adds to a replica-set member's
// commands: "$db" and a primaryPreferred read preference, nothing else.
func TestOpConnExtras(t *testing.T) {
	srv := startFake(t, "", modernServer(t, "127.0.0.1:2"))
	if _, _, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"buildInfo", "listDatabases", "listCollections", "collStats", "aggregate", "listIndexes"} {
		cmds := srv.received(name)
		if len(cmds) != 1 {
			t.Fatalf("%s sent %d times, want once", name, len(cmds))
		}
		elems, _ := cmds[0].Elements()
		var extras []string
		for _, e := range elems {
			if strings.HasPrefix(e.Key(), "$") || e.Key() == "lsid" {
				extras = append(extras, e.Key()+"="+e.Value().String())
			}
		}
		want := []string{`$db="admin"`, `$readPreference={"mode": "primaryPreferred"}`}
		if name != "buildInfo" && name != "listDatabases" {
			want[0] = `$db="chat"`
		}
		if !slices.Equal(extras, want) {
			t.Errorf("%s carries %q, want %q", name, extras, want)
		}
	}
	if n := srv.accepted.Load(); n != 1 {
		t.Errorf("the target accepted %d connections, want 1", n)
	}
}

// TestOpConnBadReplies: after a good handshake, a reply to listDatabases
// that is not a valid answer to it is a protocol error for the target.
func TestOpConnBadReplies(t *testing.T) {
	dbs := `{"databases": [{"name": "chat", "sizeOnDisk": 1}], "ok": 1}`
	tests := []struct {
		name  string
		reply func(reqID int32, doc bsoncore.Document) []byte
		want  string
	}{
		{"answers another request", func(reqID int32, doc bsoncore.Document) []byte {
			return replyMessage(reqID+1, wiremessage.OpMsg, doc)
		}, "reply answers request"},
		{"OP_REPLY to an OP_MSG", func(reqID int32, doc bsoncore.Document) []byte {
			return replyMessage(reqID, wiremessage.OpQuery, doc)
		}, "reply with opcode OP_REPLY"},
		{"compressed", func(reqID int32, doc bsoncore.Document) []byte {
			idx, b := wiremessage.AppendHeaderStart(nil, 0, reqID, wiremessage.OpCompressed)
			b = wiremessage.AppendCompressedOriginalOpCode(b, wiremessage.OpMsg)
			b = wiremessage.AppendCompressedUncompressedSize(b, 1<<30)
			b = wiremessage.AppendCompressedCompressorID(b, wiremessage.CompressorZLib)
			b = append(b, doc...)
			return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
		}, "reply with opcode OP_COMPRESSED"},
		{"invalid BSON", func(reqID int32, doc bsoncore.Document) []byte {
			m := replyMessage(reqID, wiremessage.OpMsg, doc)
			m[len(m)-1] = 7 // the document's terminating zero
			return m
		}, "listDatabases reply: malformed OP_MSG"},
		{"write errors", func(reqID int32, _ bsoncore.Document) []byte {
			return replyMessage(reqID, wiremessage.OpMsg, ejson(t, `{"writeErrors": [{"index": 0, "code": 11000}], "ok": 1}`))
		}, "listDatabases reply carries write errors"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := modernServer(t, "127.0.0.1:2")
			f.raw = func(name string, reqID int32) []byte {
				if name == "listDatabases" {
					return tc.reply(reqID, ejson(t, dbs))
				}
				return nil
			}
			srv := startFake(t, "", f)
			res, _, err := runProbe(t, srv.addr(), time.Second, scanner.Limits{})
			if err == nil || !errors.Is(err, scanner.ErrProtocol) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want a protocol error with %q", err, tc.want)
			}
			if res.Status != "" || res.Version != "6.0.14" {
				t.Errorf("status %q version %q, want no status and the version from buildInfo", res.Status, res.Version)
			}
		})
	}
}
