//lint:file-ignore SA1019 OP_QUERY is deprecated in the driver, but MongoDB before 3.6 speaks nothing else and every version answers the handshake on it.

package mongodb

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"slices"
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
	pickDatabases(doc, 4, false, func(string) int { return 0 })
	pickCollections(doc, 4, false, func(string) int { return 0 })
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

// FuzzOpConnReply feeds arbitrary bytes as the reply to a command run
// through the driver's operation layer: it must not panic, and it ends in
// a valid document, a *cmdError or another error, never in a reply to a
// request it did not send.
func FuzzOpConnReply(f *testing.F) {
	for _, s := range []string{
		`{"databases": [{"name": "chat", "sizeOnDisk": 1}], "totalSize": 1, "ok": 1}`,
		`{"ok": 0, "errmsg": "command listDatabases requires authentication", "code": 13, "codeName": "Unauthorized"}`,
		`{"ok": 0, "$err": "not authorized", "code": {"$numberLong": "13"}}`,
		`{"writeErrors": [{"index": 0, "code": 11000}], "ok": 1}`,
	} {
		f.Add(replyMessage(0, wiremessage.OpMsg, ejson(f, s)))
	}
	f.Add(replyMessage(0, wiremessage.OpQuery, ejson(f, `{"ok": 1}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		rc := &replayConn{data: data}
		c := newOpConn(newGuardConn(rc, 1<<16), "127.0.0.1:27017", serverInfo{role: "primary", maxWire: 17})
		doc, err := c.run(context.Background(), "admin", command("listDatabases"))
		if err == nil && doc.Validate() != nil {
			t.Fatal("run returned an invalid document without an error")
		}
		readAll(doc)
	})
}

// replayConn answers the first message written with data, its responseTo
// set to that message's request ID so that the fuzzer reaches the decoder.
type replayConn struct {
	net.Conn
	data []byte
	r    *bytes.Reader
}

func (c *replayConn) Write(p []byte) (int, error) {
	if c.r == nil && len(p) >= 8 {
		if len(c.data) >= 12 {
			c.data = bytes.Clone(c.data)
			copy(c.data[8:12], p[4:8])
		}
		c.r = bytes.NewReader(c.data)
	}
	return len(p), nil
}

func (c *replayConn) Read(p []byte) (int, error) {
	if c.r == nil {
		return 0, io.EOF
	}
	return c.r.Read(p)
}

// FuzzFlightReplies feeds arbitrary bytes as the replies to a flight of
// three commands. A message's responseTo of 0, 1 or 2 is set to the
// request ID of that call, so that the fuzzer reaches the demultiplexer,
// and any other to 1<<31-1, which no request has.
// It must not panic or hang, and a call that succeeds has a reply from a
// message answering it.
func FuzzFlightReplies(f *testing.F) {
	msg := func(respTo int32, doc string) []byte { return replyMessage(respTo, wiremessage.OpMsg, ejson(f, doc)) }
	f.Add(slices.Concat(msg(0, `{"i": 0, "ok": 1}`), msg(1, `{"i": 1, "ok": 1}`), msg(2, `{"i": 2, "ok": 1}`)))
	f.Add(slices.Concat(msg(1, `{"i": 1, "ok": 1}`), msg(0, `{"i": 0, "ok": 1}`), msg(2, `{"i": 2, "ok": 1}`)))
	f.Add(slices.Concat(msg(0, `{"i": 0, "ok": 0, "code": 13}`), msg(9, `{"i": 1, "ok": 1}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		rc := &flightConn{data: data}
		c := newOpConn(newGuardConn(rc, 1<<16), "127.0.0.1:27017", serverInfo{role: "standalone", maxWire: 17})
		calls := []*call{{db: "a", cmd: collStatsCmd("x")}, {db: "a", cmd: listIndexesCmd("x")}, {db: "a", cmd: countCmd("x")}}
		c.runBatch(context.Background(), calls)
		for k, cl := range calls {
			if cl.err != nil {
				continue
			}
			if cl.reply.Validate() != nil {
				t.Fatalf("call %d: an invalid document without an error", k)
			}
			if !slices.ContainsFunc(rc.answers[k], func(m []byte) bool { return bytes.Contains(m, cl.reply) }) {
				t.Fatalf("call %d got a reply from no message answering it", k)
			}
		}
	})
}

// flightConn answers the first write (a whole flight) with data, whose
// messages' responseTo 0, 1 and 2 become the flight's request IDs and any
// other one no request has.
type flightConn struct {
	net.Conn
	data    []byte
	r       *bytes.Reader
	answers [3][][]byte // the messages answering each call
}

func (c *flightConn) Write(p []byte) (int, error) {
	if c.r != nil {
		return len(p), nil
	}
	var ids [][]byte
	for b := p; len(b) >= 16 && int(binary.LittleEndian.Uint32(b)) <= len(b); b = b[max(16, binary.LittleEndian.Uint32(b)):] {
		ids = append(ids, b[4:8])
	}
	data := bytes.Clone(c.data)
	for b := data; len(b) >= 16; {
		k := binary.LittleEndian.Uint32(b[8:])
		if k < uint32(len(ids)) {
			copy(b[8:12], ids[k])
		} else {
			binary.LittleEndian.PutUint32(b[8:], 1<<31-1)
		}
		n := int(binary.LittleEndian.Uint32(b))
		if n < 16 || n > len(b) {
			break
		}
		if k < uint32(len(ids)) && k < 3 {
			c.answers[k] = append(c.answers[k], b[:n])
		}
		b = b[n:]
	}
	c.r = bytes.NewReader(data)
	return len(p), nil
}

func (c *flightConn) Read(p []byte) (int, error) {
	if c.r == nil {
		return 0, io.EOF
	}
	return c.r.Read(p)
}
