package mongodb

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestPipelinedRepliesMisordered: chat.messages' collStats, aggregate and
// listIndexes go out in one flight; a server that answers them out of
// order, or answers collStats with a responseTo no request had, ends the
// inventory at once with a protocol error in the notes: no hang, and no
// reply taken for another command's.
func TestPipelinedRepliesMisordered(t *testing.T) {
	tests := []struct {
		name string
		// answer returns the bytes sent for each command of the flight;
		// held is collStats' request ID.
		answer func(name string, reqID, held int32, reply []byte) []byte
		want   string
	}{
		{"out of order", func(name string, reqID, held int32, reply []byte) []byte {
			switch name {
			case "collStats":
				return []byte{} // held back
			case "listIndexes":
				return append(reply, collStatsReply(t, held)...)
			}
			return reply
		}, "came before the reply to"},
		{"unknown responseTo", func(name string, reqID, held int32, reply []byte) []byte {
			if name == "collStats" {
				return collStatsReply(t, 424242)
			}
			return reply
		}, "reply answers request 424242, not"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := modernServer(t, "127.0.0.1:2")
			var held int32
			f.raw = func(name string, reqID int32) []byte {
				switch name {
				case "collStats":
					held = reqID
				case "aggregate", "listIndexes":
				default:
					return nil
				}
				return tc.answer(name, reqID, held, replyMessage(reqID, wiremessage.OpMsg, f.handle(name, nil, true)))
			}
			srv := startFake(t, "", f)
			start := time.Now()
			res, rec, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("took %v: waited for a reply instead of failing", elapsed)
			}
			if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != 1 {
				t.Fatalf("status %q err %v containers %+v", res.Status, err, res.Containers)
			}
			if c := res.Containers[0]; c.Docs != nil || c.Bytes != nil || slices.ContainsFunc(c.Fields, func(f scanner.FieldSample) bool {
				return f.Source != scanner.SourceValidator
			}) {
				t.Errorf("container %+v: counts or sampled fields from a misordered reply", c)
			}
			if !slices.ContainsFunc(res.Notes, func(n string) bool {
				return strings.HasPrefix(n, "collStats on chat.messages: ") && strings.Contains(n, scanner.ErrProtocol.Error()) &&
					strings.Contains(n, tc.want) && strings.HasSuffix(n, "inventory stopped")
			}) {
				t.Errorf("notes %q, want a protocol error with %q", res.Notes, tc.want)
			}
			if flights := rec.conns[0].flights; !slices.Equal(flights, []int{1, 2, 1, 3}) {
				t.Errorf("messages per write %v, want [1 2 1 3]", flights)
			}
		})
	}
}

func collStatsReply(t *testing.T, respTo int32) []byte {
	return replyMessage(respTo, wiremessage.OpMsg, ejson(t, `{"count": 1, "size": 1, "ok": 1}`))
}

// TestManyCollections: 40 collections, more than maxInFlight, each with
// its own count, index key and sampled field; every container gets its
// own, and no write carries more than maxInFlight messages.
func TestManyCollections(t *testing.T) {
	const n = 40
	base := modernServer(t, "127.0.0.1:2").handle
	srv := startFake(t, "", &fakeServer{handle: func(name string, body bsoncore.Document, opMsg bool) bsoncore.Document {
		coll, _ := body.Index(0).Value().StringValueOK()
		var i int
		fmt.Sscanf(coll, "c%d", &i)
		switch name {
		case "listCollections":
			var b strings.Builder
			for i := range n {
				fmt.Fprintf(&b, `%s{"name": "c%02d", "type": "collection"}`, map[bool]string{true: ",", false: ""}[i > 0], i)
			}
			return ejson(t, `{"cursor": {"id": 0, "firstBatch": [`+b.String()+`]}, "ok": 1}`)
		case "collStats":
			return ejson(t, fmt.Sprintf(`{"count": %d, "size": %d, "ok": 1}`, 100+i, 1000+i))
		case "listIndexes":
			return ejson(t, fmt.Sprintf(`{"cursor": {"id": 0, "firstBatch": [{"v": 2, "key": {"idx_%s": 1}, "name": "x"}]}, "ok": 1}`, coll))
		case "aggregate":
			return ejson(t, fmt.Sprintf(`{"cursor": {"id": 0, "firstBatch": [{"_id": {"p": "_id", "t": "objectId"}, "n": %d},
				{"_id": {"p": "f_%s", "t": "string"}, "n": %d}]}, "ok": 1}`, i+1, coll, i+1))
		}
		return base(name, body, opMsg)
	}})
	res, rec, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
	if err != nil || res.Status != scanner.StatusOpen || len(res.Containers) != n {
		t.Fatalf("status %q err %v: %d containers, want %d; notes %q", res.Status, err, len(res.Containers), n, res.Notes)
	}
	for i, c := range res.Containers {
		name := fmt.Sprintf("c%02d", i)
		if c.Name != name || c.Docs == nil || *c.Docs != int64(100+i) || c.Bytes == nil || *c.Bytes != int64(1000+i) {
			t.Errorf("container %d: %s docs %v bytes %v, want %s with %d and %d", i, c.Name, c.Docs, c.Bytes, name, 100+i, 1000+i)
			continue
		}
		var paths []string
		for _, f := range c.Fields {
			paths = append(paths, fmt.Sprintf("%s/%s/%d", f.Path, f.Source, f.Count))
		}
		slices.Sort(paths)
		want := []string{
			fmt.Sprintf("_id/%s/%d", scanner.SourceSample, i+1),
			fmt.Sprintf("f_%s/%s/%d", name, scanner.SourceSample, i+1),
			fmt.Sprintf("idx_%s/%s/0", name, scanner.SourceIndex),
		}
		slices.Sort(want)
		if !slices.Equal(paths, want) || c.Attrs["sampled_docs"] != fmt.Sprint(i+1) {
			t.Errorf("%s: fields %v attrs %v, want %v", name, paths, c.Attrs, want)
		}
	}
	// The handshake, buildInfo with listDatabases, listCollections; then
	// 40 collStats, 40 listIndexes and c00's aggregate in flights of 16;
	// then the other 39 aggregates.
	want := []int{1, 2, 1, 16, 16, 16, 16, 16, 1, 16, 16, 7}
	if flights := rec.conns[0].flights; !slices.Equal(flights, want) {
		t.Errorf("messages per write %v, want %v", flights, want)
	}
}
