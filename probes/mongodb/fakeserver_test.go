package mongodb

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"
)

// fakeServer is a tiny MongoDB-wire server for replies no test server can
// give: other versions, replica sets, refusals, hostile bytes. handle gets
// each command and returns the reply document, or nil to send nothing.
type fakeServer struct {
	l      net.Listener
	handle func(name string, body bsoncore.Document, opMsg bool) bsoncore.Document
	conn   func(c net.Conn) // when set, takes over each connection instead
	// raw, when set and it returns bytes, answers a command with them
	// instead of handle's reply, framed or malformed as it likes.
	raw      func(name string, reqID int32) []byte
	accepted atomic.Int32
	opMsgs   atomic.Int32 // OP_MSG requests received

	mu       sync.Mutex
	commands []bsoncore.Document
}

func startFake(t testing.TB, addr string, f *fakeServer) *fakeServer {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	f.l = l
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			f.accepted.Add(1)
			if f.conn != nil {
				go f.conn(c)
				continue
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeServer) addr() string { return f.l.Addr().String() }

func (f *fakeServer) serve(c net.Conn) {
	defer c.Close()
	for {
		msg, err := readMessage(c)
		if err != nil {
			return
		}
		_, reqID, _, op, _, _ := wiremessage.ReadHeader(msg)
		if op == wiremessage.OpMsg {
			f.opMsgs.Add(1)
		}
		body, err := requestCommand(msg)
		if err != nil {
			return
		}
		f.mu.Lock()
		f.commands = append(f.commands, body)
		f.mu.Unlock()
		if f.raw != nil {
			if b := f.raw(commandOf(body), reqID); b != nil {
				if _, err := c.Write(b); err != nil {
					return
				}
				continue
			}
		}
		reply := f.handle(commandOf(body), body, op == wiremessage.OpMsg)
		if reply == nil {
			continue
		}
		if _, err := c.Write(replyMessage(reqID, op, reply)); err != nil {
			return
		}
	}
}

// received returns the command documents the server got, by name.
func (f *fakeServer) received(name string) []bsoncore.Document {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []bsoncore.Document
	for _, d := range f.commands {
		if commandOf(d) == name {
			out = append(out, d)
		}
	}
	return out
}

// replyMessage answers an OP_QUERY with an OP_REPLY and an OP_MSG with an
// OP_MSG.
func replyMessage(respTo int32, op wiremessage.OpCode, doc bsoncore.Document) []byte {
	if op == wiremessage.OpMsg {
		idx, b := wiremessage.AppendHeaderStart(nil, 0, respTo, wiremessage.OpMsg)
		b = wiremessage.AppendMsgFlags(b, 0)
		b = wiremessage.AppendMsgSectionType(b, wiremessage.SingleDocument)
		b = append(b, doc...)
		return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
	}
	idx, b := wiremessage.AppendHeaderStart(nil, 0, respTo, wiremessage.OpReply)
	b = wiremessage.AppendReplyFlags(b, 0)
	b = wiremessage.AppendReplyCursorID(b, 0)
	b = wiremessage.AppendReplyStartingFrom(b, 0)
	b = wiremessage.AppendReplyNumberReturned(b, 1)
	b = append(b, doc...)
	return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
}

// ejson parses MongoDB extended JSON (relaxed or canonical) into BSON.
func ejson(t testing.TB, s string) bsoncore.Document {
	t.Helper()
	var d bson.D
	if err := bson.UnmarshalExtJSON([]byte(s), false, &d); err != nil {
		t.Fatalf("extended JSON %q: %v", s, err)
	}
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
