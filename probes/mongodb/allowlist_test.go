//lint:file-ignore SA1019 OP_QUERY is deprecated in the driver, but MongoDB before 3.6 speaks nothing else and every version answers the handshake on it.

package mongodb

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"
)

func TestCheckRequest(t *testing.T) {
	cmd := func(s string) bsoncore.Document { return ejson(t, s) }
	opMsgSeq := func() []byte { // an insert the way drivers send it: a document sequence
		idx, b := wiremessage.AppendHeaderStart(nil, 1, 0, wiremessage.OpMsg)
		b = wiremessage.AppendMsgFlags(b, 0)
		b = wiremessage.AppendMsgSectionType(b, wiremessage.SingleDocument)
		b = append(b, cmd(`{"insert": "messages", "$db": "chat"}`)...)
		b = wiremessage.AppendMsgSectionType(b, wiremessage.DocumentSequence)
		doc := cmd(`{"body": "x"}`)
		b = append(b, byte(len(doc)+4+10), 0, 0, 0)
		b = append(b, "documents\x00"...)
		b = append(b, doc...)
		return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
	}
	opGetMore := func() []byte {
		idx, b := wiremessage.AppendHeaderStart(nil, 1, 0, wiremessage.OpGetMore)
		b = wiremessage.AppendGetMoreZero(b)
		b = wiremessage.AppendGetMoreFullCollectionName(b, "chat.messages")
		b = wiremessage.AppendGetMoreNumberToReturn(b, 10)
		b = wiremessage.AppendGetMoreCursorID(b, 42)
		return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
	}
	findQuery := func() []byte {
		idx, b := wiremessage.AppendHeaderStart(nil, 1, 0, wiremessage.OpQuery)
		b = wiremessage.AppendQueryFlags(b, 0)
		b = wiremessage.AppendQueryFullCollectionName(b, "chat.messages")
		b = wiremessage.AppendQueryNumberToSkip(b, 0)
		b = wiremessage.AppendQueryNumberToReturn(b, 1)
		b = append(b, cmd(`{}`)...)
		return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
	}
	tests := []struct {
		name string
		msg  []byte
		want string // "" for allowed, else part of the refusal
	}{
		{"hello OP_QUERY", buildOpQuery(1, "admin", command("hello")), ""},
		{"listDatabases OP_MSG", buildOpMsg(1, "admin", cmd(`{"listDatabases": 1, "nameOnly": false}`)), ""},
		{"key-name aggregate", buildOpMsg(1, "chat", keyNameCommand("m", 100, 3, 501, 1000)), ""},
		{"endSessions", buildOpMsg(1, "admin", cmd(`{"endSessions": [{"id": 1}]}`)), `"endSessions" is not in the allowlist`},
		{"lowercase ismaster", buildOpQuery(1, "admin", command("ismaster")), `"ismaster" is not in the allowlist`},
		{"find", buildOpMsg(1, "chat", cmd(`{"find": "messages"}`)), `command "find" is not in the allowlist`},
		{"getMore", buildOpMsg(1, "chat", cmd(`{"getMore": 1, "collection": "messages"}`)), `"getMore" is not in the allowlist`},
		{"saslStart", buildOpQuery(1, "admin", cmd(`{"saslStart": 1, "mechanism": "SCRAM-SHA-256"}`)), `"saslStart"`},
		{"insert", buildOpMsg(1, "chat", cmd(`{"insert": "messages", "documents": [{}]}`)), `"insert"`},
		{"dropDatabase", buildOpQuery(1, "chat", cmd(`{"dropDatabase": 1}`)), `"dropDatabase"`},
		{"aggregate $out", buildOpMsg(1, "chat", cmd(`{"aggregate": "m", "pipeline": [{"$match": {}}, {"$out": "x"}], "cursor": {}}`)),
			`stage "$match" is not allowed`},
		{"aggregate $merge", buildOpMsg(1, "chat", cmd(`{"aggregate": "m", "pipeline": [{"$sample": {"size": 1}}, {"$merge": "x"}], "cursor": {}}`)),
			`stage "$merge" is not allowed`},
		{"aggregate without pipeline", buildOpMsg(1, "chat", cmd(`{"aggregate": "m", "cursor": {}}`)), "without a pipeline"},
		{"document sequence", opMsgSeq(), "document sequence"},
		{"OP_QUERY on a collection", findQuery(), `OP_QUERY on "chat.messages" is a document read`},
		{"OP_GET_MORE", opGetMore(), "opcode OP_GET_MORE"},
		{"empty command", buildOpMsg(1, "chat", cmd(`{}`)), "not in the allowlist"},
		{"truncated", buildOpQuery(1, "admin", command("hello"))[:20], "malformed message header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRequest(tc.msg)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused an allowed message: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, errNotAllowed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a refusal with %q", err, tc.want)
			}
		})
	}
}

// TestGuardNeverSendsRefused checks that a refused message leaves no byte
// on the socket, and that the connection refuses everything after it.
func TestGuardNeverSendsRefused(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	got := make(chan []byte)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 1024)
		for {
			n, err := server.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				got <- b.Bytes()
				return
			}
		}
	}()
	g := newGuardConn(client, 1<<20)
	hello := buildOpQuery(1, "admin", command("hello"))
	// Split writes are reassembled before the check.
	if _, err := g.Write(hello[:10]); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Write(hello[10:]); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Write(buildOpMsg(2, "chat", ejson(t, `{"delete": "messages", "deletes": []}`))); err == nil {
		t.Fatal("delete was not refused")
	}
	if _, err := g.Write(buildOpQuery(3, "admin", command("hello"))); err == nil {
		t.Fatal("the guard accepted a message after a refusal")
	}
	client.Close()
	if sent := <-got; !bytes.Equal(sent, hello) {
		t.Fatalf("socket got %d bytes, want exactly the hello (%d)", len(sent), len(hello))
	}
}

func TestGuardReplyHeader(t *testing.T) {
	tests := []struct {
		name  string
		reply []byte
		want  string
	}{
		{"ok", replyMessage(1, wiremessage.OpQuery, command("ok")), ""},
		{"short", []byte{8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "less than a header"},
		{"huge", []byte{0, 0, 0, 0x7f, 0, 0, 0, 0}, "over the 1024-byte cap"},
		{"http", []byte("HTTP/1.1 400 Bad Request\r\n\r\n"), "over the 1024-byte cap"},
		{"second message huge", append(replyMessage(1, wiremessage.OpQuery, command("ok")), 0, 0, 1, 0), "declares 65536 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			client, server := net.Pipe()
			defer client.Close()
			go func() {
				// One byte at a time: the header parser must not care.
				for _, c := range tc.reply {
					server.Write([]byte{c})
				}
				server.Close()
			}()
			g := newGuardConn(client, 1024)
			var err error
			buf := make([]byte, 7)
			for err == nil {
				_, err = g.Read(buf)
			}
			if tc.want == "" {
				if err.Error() != "EOF" {
					t.Fatalf("err = %v, want EOF", err)
				}
				return
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestGuardRefusesWholeFlight: one write holding an allowed message and a
// refused one (a flight of pipelined requests) sends neither.
func TestGuardRefusesWholeFlight(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	got := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(server)
		got <- b
	}()
	g := newGuardConn(client, 1<<20)
	flight := append(buildOpMsg(1, "chat", command("buildInfo")),
		buildOpMsg(2, "chat", ejson(t, `{"drop": "messages"}`))...)
	if _, err := g.Write(flight); !errors.Is(err, errNotAllowed) {
		t.Fatalf("err %v, want errNotAllowed", err)
	}
	client.Close()
	if sent := <-got; len(sent) != 0 {
		t.Fatalf("socket got %d bytes, want none", len(sent))
	}
}
