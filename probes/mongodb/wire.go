//lint:file-ignore SA1019 OP_QUERY is deprecated in the driver, but MongoDB before 3.6 speaks nothing else and every version answers the handshake on it.

package mongodb

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"

	"github.com/spillcheck/spillcheck/scanner"
)

// wireConn runs commands over one connection as hand-built OP_QUERY on
// "<db>.$cmd": the handshake, for every server, and every command for
// servers below wire version 6 (MongoDB 3.4 and older, which the driver
// does not support). From wire version 6 on the same connection becomes an
// opConn (MongoDB 6.0+ refuses most commands over OP_QUERY).
type wireConn struct {
	conn   net.Conn // a guardConn
	closer func()
}

// run sends one command to db and returns the reply document, or a
// *cmdError for a reply with ok other than 1.
func (w *wireConn) run(ctx context.Context, db string, cmd bsoncore.Document) (bsoncore.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	reqID := wiremessage.NextRequestID()
	msg := buildOpQuery(reqID, db, cmd)
	if _, err := w.conn.Write(msg); err != nil {
		return nil, fmt.Errorf("sending %s: %w", commandOf(cmd), err)
	}
	reply, err := readMessage(w.conn)
	if err != nil {
		return nil, fmt.Errorf("reading the %s reply: %w", commandOf(cmd), err)
	}
	doc, err := parseReply(reply, reqID)
	if err != nil {
		return nil, fmt.Errorf("%s reply: %w", commandOf(cmd), err)
	}
	return doc, replyError(doc)
}

func (w *wireConn) close() {
	if w.closer != nil {
		w.closer()
	}
}

// buildOpQuery returns an OP_QUERY of cmd on "<db>.$cmd", numberToReturn -1,
// with the secondaryOk flag so that a secondary answers too.
func buildOpQuery(reqID int32, db string, cmd bsoncore.Document) []byte {
	idx, b := wiremessage.AppendHeaderStart(nil, reqID, 0, wiremessage.OpQuery)
	b = wiremessage.AppendQueryFlags(b, wiremessage.SecondaryOK)
	b = wiremessage.AppendQueryFullCollectionName(b, db+".$cmd")
	b = wiremessage.AppendQueryNumberToSkip(b, 0)
	b = wiremessage.AppendQueryNumberToReturn(b, -1)
	b = append(b, cmd...)
	return bsoncore.UpdateLength(b, idx, int32(len(b[idx:])))
}

// readMessage reads one whole wire message. The guardConn underneath has
// already refused a header over the size cap.
func readMessage(r io.Reader) ([]byte, error) {
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	size := int32(binary.LittleEndian.Uint32(hdr[:]))
	if size < 16 {
		return nil, scanner.ProtocolError("reply header declares %d bytes", size)
	}
	msg := make([]byte, size)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// parseReply returns the document of an OP_REPLY or OP_MSG answering reqID,
// after validating it. It never trusts a length it has not checked.
func parseReply(msg []byte, reqID int32) (bsoncore.Document, error) {
	_, _, respTo, op, rem, ok := wiremessage.ReadHeader(msg)
	if !ok {
		return nil, scanner.ProtocolError("truncated reply header")
	}
	if respTo != reqID {
		return nil, scanner.ProtocolError("reply answers request %d, not %d", respTo, reqID)
	}
	var doc bsoncore.Document
	switch op {
	case wiremessage.OpReply:
		var n int32
		_, rem, ok = wiremessage.ReadReplyFlags(rem)
		if ok {
			_, rem, ok = wiremessage.ReadReplyCursorID(rem)
		}
		if ok {
			_, rem, ok = wiremessage.ReadReplyStartingFrom(rem)
		}
		if ok {
			n, rem, ok = wiremessage.ReadReplyNumberReturned(rem)
		}
		if !ok || n != 1 {
			return nil, scanner.ProtocolError("OP_REPLY with %d documents", n)
		}
		doc, _, ok = wiremessage.ReadReplyDocument(rem)
	case wiremessage.OpMsg:
		var st wiremessage.SectionType
		_, rem, ok = wiremessage.ReadMsgFlags(rem)
		if ok {
			st, rem, ok = wiremessage.ReadMsgSectionType(rem)
		}
		ok = ok && st == wiremessage.SingleDocument
		if ok {
			doc, _, ok = wiremessage.ReadMsgSectionSingleDocument(rem)
		}
	default:
		return nil, scanner.ProtocolError("reply with opcode %v", op)
	}
	if !ok {
		return nil, scanner.ProtocolError("truncated %v reply", op)
	}
	if err := doc.Validate(); err != nil {
		return nil, scanner.ProtocolError("reply is not valid BSON: %v", err)
	}
	return doc, nil
}
