package mongodb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

// modernServer answers like a MongoDB 6.0 primary of replica set "rs0"
// whose hello names another member at other. Its replies follow the shapes
// in the MongoDB manual's command pages (hello, listDatabases,
// listCollections, collStats, listIndexes, aggregate cursors).
func modernServer(t testing.TB, other string) *fakeServer {
	return &fakeServer{handle: func(name string, body bsoncore.Document, _ bool) bsoncore.Document {
		switch name {
		case "hello", "isMaster", "ismaster":
			return ejson(t, fmt.Sprintf(`{"helloOk": true, "isWritablePrimary": true, "ismaster": true,
				"topologyVersion": {"processId": {"$oid": "65a1b2c3d4e5f60718293a4b"}, "counter": {"$numberLong": "6"}},
				"hosts": [%q, "127.0.0.1:1"], "setName": "rs0", "setVersion": 1, "primary": "127.0.0.1:1", "me": "127.0.0.1:1",
				"maxBsonObjectSize": 16777216, "maxMessageSizeBytes": 48000000, "maxWriteBatchSize": 100000,
				"localTime": {"$date": "2026-01-02T03:04:05Z"}, "logicalSessionTimeoutMinutes": 30, "connectionId": 7,
				"minWireVersion": 0, "maxWireVersion": 17, "readOnly": false, "ok": 1}`, other))
		case "buildInfo":
			return ejson(t, `{"version": "6.0.14", "gitVersion": "25225db95574916fecab3af75b184409f8713aef", "versionArray": [6, 0, 14, 0], "bits": 64, "ok": 1}`)
		case "listDatabases":
			return ejson(t, `{"databases": [{"name": "admin", "sizeOnDisk": 40960, "empty": false}, {"name": "chat", "sizeOnDisk": 1048576, "empty": false}], "totalSize": 1089536, "totalSizeMb": 1, "ok": 1}`)
		case "listCollections":
			return ejson(t, `{"cursor": {"id": 0, "ns": "chat.$cmd.listCollections", "firstBatch": [
				{"name": "messages", "type": "collection", "options": {"validator": {"$jsonSchema": {"bsonType": "object", "required": ["body"],
					"properties": {"body": {"bsonType": "string", "description": "CANARY-5f1e9a must not leak"},
						"sender": {"bsonType": "object", "properties": {"phone": {"bsonType": ["string", "null"], "pattern": "^\\+"}}},
						"attachments": {"bsonType": "array", "items": {"bsonType": "object", "properties": {"url": {"bsonType": "string"}}}}}}},
					"validationLevel": "strict", "validationAction": "error"}, "info": {"readOnly": false}, "idIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_"}},
				{"name": "recent", "type": "view", "options": {"viewOn": "messages", "pipeline": [{"$match": {"body": "CANARY-5f1e9a"}}]}, "info": {"readOnly": true}},
				{"name": "system.views", "type": "collection", "options": {}}]}, "ok": 1}`)
		case "collStats":
			return ejson(t, `{"ns": "chat.messages", "size": 52000, "count": 1200, "avgObjSize": 43, "storageSize": 36864, "capped": false, "nindexes": 2, "ok": 1}`)
		case "listIndexes":
			return ejson(t, `{"cursor": {"id": 0, "ns": "chat.messages", "firstBatch": [
				{"v": 2, "key": {"_id": 1}, "name": "_id_"},
				{"v": 2, "key": {"_fts": "text", "_ftsx": 1}, "name": "body_text", "weights": {"body": 1}, "default_language": "english"},
				{"v": 2, "key": {"meta.$**": 1}, "name": "meta_wildcard"}]}, "ok": 1}`)
		case "aggregate":
			return ejson(t, `{"cursor": {"id": 0, "ns": "chat.messages", "firstBatch": [
				{"_id": {"p": "_id", "t": "objectId"}, "n": 100},
				{"_id": {"p": "body", "t": "string"}, "n": 100},
				{"_id": {"p": "sender", "t": "object"}, "n": 100},
				{"_id": {"p": "sender.phone", "t": "string"}, "n": 97},
				{"_id": {"p": "location", "t": "object"}, "n": 40},
				{"_id": {"p": "location", "t": "null"}, "n": 2}]}, "ok": 1}`)
		case "count":
			return ejson(t, `{"n": 1199, "ok": 1}`)
		}
		return ejson(t, fmt.Sprintf(`{"ok": 0, "errmsg": "no such command: '%s'", "code": 59, "codeName": "CommandNotFound"}`, name))
	}}
}

func TestReplicaSetMemberNeverDialed(t *testing.T) {
	// A listener at the address hello names as another member: nothing may
	// connect to it.
	member := startFake(t, "127.0.0.2:0", &fakeServer{handle: func(string, bsoncore.Document, bool) bsoncore.Document { return nil }})
	srv := startFake(t, "", modernServer(t, member.addr()))
	res, rec, err := runProbe(t, srv.addr(), 2*time.Second, scanner.Limits{})
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if n := member.accepted.Load(); n != 0 {
		t.Fatalf("the probe connected to the replica-set member %s %d times", member.addr(), n)
	}
	if int(srv.accepted.Load()) != len(rec.conns) {
		t.Errorf("target accepted %d connections, the recorder saw %d", srv.accepted.Load(), len(rec.conns))
	}
	if res.Status != scanner.StatusOpen || res.Version != "6.0.14" || res.Product != "mongodb" {
		t.Fatalf("status %q version %q product %q; notes %q", res.Status, res.Version, res.Product, res.Notes)
	}
	wantFacts := map[string]string{"replica_set": "true", "set_name": "rs0", "set_members": "2", "role": "primary",
		"max_wire_version": "17", "databases": "2", "total_size": "1089536"}
	for k, v := range wantFacts {
		if res.Facts[k] != v {
			t.Errorf("fact %s = %q, want %q", k, res.Facts[k], v)
		}
	}
	if res.Skipped["system-databases"] != 1 || res.Skipped["system-collections"] != 1 {
		t.Errorf("skipped = %v", res.Skipped)
	}
	if len(res.Containers) != 2 {
		t.Fatalf("containers = %+v", res.Containers)
	}
	msgs, view := res.Containers[0], res.Containers[1]
	if view.Name != "recent" || view.Type != "view" || view.Docs != nil || len(view.Fields) != 0 || view.Attrs["view_on"] != "messages" {
		t.Errorf("view = %+v", view)
	}
	if *msgs.Docs != 1200 || *msgs.Bytes != 52000 || msgs.Attrs["sampled_docs"] != "100" || msgs.Attrs["validationLevel"] != "strict" {
		t.Errorf("messages = %+v", msgs)
	}
	var got []string
	for _, f := range msgs.Fields {
		got = append(got, fmt.Sprintf("%s/%s/%s/%d", f.Source, f.Path, f.Type, f.Count))
	}
	want := []string{
		"sample/_id/objectId/100", "sample/body/string/100", "sample/sender/object/100",
		"sample/sender.phone/string/97", "sample/location/object|null/42",
		"index/_id//0", "index/body//0", "index/meta//0",
		"validator/attachments/array/0", "validator/attachments.url/string/0", "validator/body/string/0",
		"validator/sender/object/0", "validator/sender.phone/string|null/0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("fields\n got %q\nwant %q", got, want)
	}
	aggs := srv.received("aggregate")
	if len(aggs) != 1 {
		t.Fatalf("aggregates sent: %d", len(aggs))
	}
	wantCmd := keyNameCommand("messages", 100, 5, 501, 2000)
	if !bytes.Equal(stripFields(aggs[0], "$db", "$readPreference", "maxTimeMS"), stripFields(wantCmd, "maxTimeMS")) {
		t.Errorf("aggregate sent:\n%s\nwant\n%s", bsoncore.Document(aggs[0]), wantCmd)
	}
	out, _ := json.Marshal(res)
	if bytes.Contains(out, []byte(canary)) {
		t.Errorf("canary from a validator or view pipeline in the result: %s", out)
	}
	assertAllowed(t, rec)
}

// stripFields returns doc without the named top-level fields.
func stripFields(doc bsoncore.Document, names ...string) bsoncore.Document {
	elems, _ := doc.Elements()
	idx, b := bsoncore.AppendDocumentStart(nil)
	for _, e := range elems {
		if !slices.Contains(names, e.Key()) {
			b = append(b, e...)
		}
	}
	b, _ = bsoncore.AppendDocumentEnd(b, idx)
	return b
}
