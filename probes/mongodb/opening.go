package mongodb

import (
	"strings"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// helloSize is the byte length of the probe's first message, the OP_QUERY
// hello: 0x0a4d, whose little-endian length field reads "M\n\x00\x00". A
// line-oriented server sees the line "M" and answers it at once (Redis:
// "-ERR unknown command 'M'"; an HTTP server: 400 Bad Request) instead of
// waiting for a newline that a binary message need not contain, so a
// server that is not MongoDB is named from its first answer rather than
// after the whole timeout. The bytes that make up the size are a comment,
// a generic argument every command accepts since MongoDB 4.4; servers
// older than the hello command refuse it by name and get isMaster, without
// the comment.
const helloSize = 0x0a4d

// helloComment opens the padding, so that a server's log says what the
// long comment is.
const helloComment = "spillcheck read-only check; this comment pads hello so that a server of another protocol answers it"

// helloCommand is {hello: 1, comment: <padding>}, sized so that its
// OP_QUERY on admin.$cmd is helloSize bytes.
func helloCommand() bsoncore.Document {
	short := len(buildOpQuery(0, "admin", helloDoc(helloComment)))
	return helloDoc(helloComment + strings.Repeat(" ", helloSize-short))
}

func helloDoc(comment string) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendInt32("hello", 1).AppendString("comment", comment).Build()
}

// Protocol is the MongoDB wire protocol.
func (probe) Protocol() wire.Protocol { return wire.MongoDB }

// Opening is the probe's first message, the padded hello: MongoDB answers
// it with OP_REPLY, Redis with an error, an HTTP server with a 400.
func (probe) Opening(scanner.Target) ([]byte, []wire.Protocol) {
	msg := buildOpQuery(openingRequestID, "admin", helloCommand())
	if checkRequest(msg) != nil {
		return nil, nil
	}
	return msg, []wire.Protocol{wire.MongoDB, wire.RESP, wire.HTTP}
}

// openingRequestID is the request ID of the hello the scanner sends to
// name an unknown port's protocol; nothing reads the reply's responseTo.
const openingRequestID = 1
