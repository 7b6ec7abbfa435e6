//lint:file-ignore SA1019 OP_QUERY is deprecated in the driver, but MongoDB before 3.6 speaks nothing else and every version answers the handshake on it.

package mongodb

import (
	"bytes"
	"net"
	"testing"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"
)

// FuzzReply feeds arbitrary bytes, as a server would send them, through
// the guard, the reply parser and every reader of reply documents: none
// may panic, and an accepted reply must be valid BSON.
func FuzzReply(f *testing.F) {
	seeds := []string{
		`{"ismaster": true, "maxWireVersion": 5, "ok": 1}`,
		`{"databases": [{"name": "chat", "sizeOnDisk": 1}], "ok": 1}`,
		`{"cursor": {"firstBatch": [{"_id": {"p": "a", "t": "string"}, "n": 3}], "id": 0}, "ok": 1}`,
		`{"cursor": {"firstBatch": [{"key": {"_fts": "text", "_ftsx": 1}, "weights": {"body": 1}}]}, "ok": 1}`,
		`{"validator": {"$jsonSchema": {"properties": {"a": {"bsonType": ["string"], "properties": {"b": {}}}}}, "$or": [{"c": 1}]}}`,
		`{"ok": 0, "errmsg": "x", "code": 13}`,
	}
	for _, s := range seeds {
		d := ejson(f, s)
		f.Add(replyMessage(7, wiremessage.OpQuery, d))
		f.Add(replyMessage(7, wiremessage.OpMsg, d))
	}
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := newGuardConn(&byteConn{r: bytes.NewReader(data)}, 1<<16)
		msg, err := readMessage(g)
		if err != nil {
			return
		}
		doc, err := parseReply(msg, 7)
		if err != nil {
			return
		}
		if doc.Validate() != nil {
			t.Fatal("parseReply accepted invalid BSON")
		}
		readAll(doc)
	})
}

// readAll runs every reader of server documents on doc.
func readAll(doc bsoncore.Document) {
	var info serverInfo
	_ = parseHello(doc, &info)
	_ = replyError(doc)
	_ = databases(doc)
	_ = sampleFields(doc)
	_ = indexFields(doc)
	_ = validatorFields(doc, 3)
	if v, ok := doc.Lookup("validator").DocumentOK(); ok {
		_ = validatorFields(v, 3)
	}
	_ = optionAttrs(doc)
	_ = checkCommand(doc)
}

// byteConn is a net.Conn that reads from r.
type byteConn struct {
	net.Conn
	r *bytes.Reader
}

func (c *byteConn) Read(p []byte) (int, error) { return c.r.Read(p) }
