//lint:file-ignore SA1019 OP_QUERY is deprecated in the driver, but MongoDB before 3.6 speaks nothing else and every version answers the handshake on it.

package mongodb

import (
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/x/mongo/driver/wiremessage"
)

// allowedCommands is the one list of commands this probe may send, whether
// wireConn or the driver's operation layer builds the message. guardConn
// enforces it on every outgoing wire message, so nothing else can reach a
// server.
var allowedCommands = map[string]bool{
	"hello":           true, // handshake (MongoDB 4.4.2+)
	"isMaster":        true, // handshake before 4.4.2
	"buildInfo":       true, // version
	"listDatabases":   true, // classification and inventory
	"listCollections": true, // inventory; confirms an empty listDatabases
	"listIndexes":     true, // index key names
	"collStats":       true, // document count and size
	"count":           true, // document count when collStats is refused
	"aggregate":       true, // key names only, stages limited by allowedStages
}

// allowedStages are the only aggregation stages an aggregate may carry: none
// of them writes ($out and $merge are refused) and the pipeline that uses
// them returns field names and counts only.
var allowedStages = map[string]bool{
	"$sample": true, "$project": true, "$unwind": true, "$group": true, "$sort": true, "$limit": true,
}

// errNotAllowed marks a message the guard refused to send.
var errNotAllowed = errors.New("refused to send")

// maxRequestBytes bounds an outgoing message; the probe's own are tiny.
const maxRequestBytes = 1 << 20

// checkRequest decodes one complete outgoing wire message and returns an
// error unless it is an OP_MSG or an OP_QUERY on a "$cmd" namespace whose
// command is allowed. OP_MSG document sequences (the form bulk writes take),
// compressed messages and every other opcode are refused.
func checkRequest(msg []byte) error {
	body, err := requestCommand(msg)
	if err != nil {
		return err
	}
	return checkCommand(body)
}

// requestCommand returns the command document of one outgoing OP_MSG or
// OP_QUERY on a "$cmd" namespace.
func requestCommand(msg []byte) (bsoncore.Document, error) {
	length, _, _, op, rem, ok := wiremessage.ReadHeader(msg)
	if !ok || int(length) != len(msg) {
		return nil, fmt.Errorf("%w: malformed message header", errNotAllowed)
	}
	var body bsoncore.Document
	switch op {
	case wiremessage.OpMsg:
		flags, rest, ok := wiremessage.ReadMsgFlags(rem)
		if !ok {
			return nil, fmt.Errorf("%w: truncated OP_MSG", errNotAllowed)
		}
		if flags&wiremessage.ChecksumPresent != 0 {
			if len(rest) < 4 {
				return nil, fmt.Errorf("%w: truncated OP_MSG checksum", errNotAllowed)
			}
			rest = rest[:len(rest)-4]
		}
		for len(rest) > 0 {
			var st wiremessage.SectionType
			st, rest, ok = wiremessage.ReadMsgSectionType(rest)
			if !ok || st != wiremessage.SingleDocument || body != nil {
				return nil, fmt.Errorf("%w: OP_MSG with a document sequence or two bodies", errNotAllowed)
			}
			body, rest, ok = wiremessage.ReadMsgSectionSingleDocument(rest)
			if !ok {
				return nil, fmt.Errorf("%w: truncated OP_MSG body", errNotAllowed)
			}
		}
	case wiremessage.OpQuery:
		var ns string
		_, rem, ok = wiremessage.ReadQueryFlags(rem)
		if ok {
			ns, rem, ok = wiremessage.ReadQueryFullCollectionName(rem)
		}
		if ok {
			_, rem, ok = wiremessage.ReadQueryNumberToSkip(rem)
		}
		if ok {
			_, rem, ok = wiremessage.ReadQueryNumberToReturn(rem)
		}
		if ok {
			body, _, ok = wiremessage.ReadQueryQuery(rem)
		}
		if !ok {
			return nil, fmt.Errorf("%w: truncated OP_QUERY", errNotAllowed)
		}
		if !strings.HasSuffix(ns, ".$cmd") {
			return nil, fmt.Errorf("%w: OP_QUERY on %q is a document read", errNotAllowed, ns)
		}
	default:
		return nil, fmt.Errorf("%w: opcode %v", errNotAllowed, op)
	}
	return body, nil
}

// checkCommand checks one command document against the allowlist.
func checkCommand(body bsoncore.Document) error {
	if body == nil || body.Validate() != nil {
		return fmt.Errorf("%w: invalid command document", errNotAllowed)
	}
	first, err := body.IndexErr(0)
	if err != nil {
		return fmt.Errorf("%w: empty command document", errNotAllowed)
	}
	name := first.Key()
	if !allowedCommands[name] {
		return fmt.Errorf("%w: command %q is not in the allowlist", errNotAllowed, name)
	}
	if name == "aggregate" {
		return checkPipeline(body)
	}
	return nil
}

// checkPipeline refuses an aggregate whose pipeline has a stage outside
// allowedStages.
func checkPipeline(body bsoncore.Document) error {
	arr, ok := body.Lookup("pipeline").ArrayOK()
	if !ok {
		return fmt.Errorf("%w: aggregate without a pipeline array", errNotAllowed)
	}
	vals, err := arr.Values()
	if err != nil {
		return fmt.Errorf("%w: bad pipeline: %v", errNotAllowed, err)
	}
	for _, v := range vals {
		stage, ok := v.DocumentOK()
		if !ok {
			return fmt.Errorf("%w: pipeline stage is not a document", errNotAllowed)
		}
		elems, err := stage.Elements()
		if err != nil || len(elems) != 1 {
			return fmt.Errorf("%w: pipeline stage must have one key", errNotAllowed)
		}
		if !allowedStages[elems[0].Key()] {
			return fmt.Errorf("%w: aggregation stage %q is not allowed", errNotAllowed, elems[0].Key())
		}
	}
	return nil
}
