package mongodb

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// runner runs one command against one database and returns the reply
// document, or a *cmdError when the server answered ok other than 1.
// wireConn (OP_QUERY, before wire version 6) and opConn (the driver's
// operation layer, from wire version 6) implement it.
type runner interface {
	run(ctx context.Context, db string, cmd bsoncore.Document) (bsoncore.Document, error)
	close()
}

// batcher is a runner that can have several commands in flight at once
// (opConn). runBatch fills every call's reply or error.
type batcher interface {
	runBatch(ctx context.Context, calls []*call)
}

// call is one command of a batch and its outcome.
type call struct {
	db    string
	cmd   bsoncore.Document
	reply bsoncore.Document
	err   error
}

// cmdError is a server's refusal of a command.
type cmdError struct {
	Code int32
	Name string // codeName, when the server sent one
	Msg  string
}

func (e *cmdError) Error() string {
	s := e.code()
	if e.Msg != "" {
		s += ": " + elide(e.Msg, 100, 200)
	}
	return s
}

// code names the error by its code and code name only. A command that
// read documents (the key-name aggregate) can fail with a message that
// quotes one (BSONObjectTooLarge names its first element's value), so its
// notes carry the code, never the message.
func (e *cmdError) code() string {
	s := fmt.Sprintf("server error %d", e.Code)
	if e.Name != "" {
		s += " (" + e.Name + ")"
	}
	return s
}

// elide keeps the head and tail of a long server message: wrapped errors
// (FerretDB's, for one) put the cause at the end.
func elide(s string, head, tail int) string {
	if len(s) <= head+tail {
		return s
	}
	return s[:head] + " … " + s[len(s)-tail:]
}

// Server error codes the probe tells apart.
const (
	codeUnauthorized         = 13
	codeAuthenticationFailed = 18
	codeCommandNotFound      = 59
)

// unauthorized reports whether err is a refusal for lack of credentials:
// code 13 or 18, or a message that says so (FerretDB with a PostgreSQL
// backend answers a failed backend login with code 1).
func unauthorized(err error) bool {
	ce, ok := err.(*cmdError)
	if !ok {
		return false
	}
	if ce.Code == codeUnauthorized || ce.Code == codeAuthenticationFailed {
		return true
	}
	m := strings.ToLower(ce.Msg)
	for _, s := range []string{"not authorized", "requires authentication", "unauthorized", "authentication failed"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// replyError returns a *cmdError unless doc says ok: 1. Legacy OP_REPLY
// failures carry "$err" instead of "errmsg".
func replyError(doc bsoncore.Document) error {
	if okValue(doc) {
		return nil
	}
	e := &cmdError{Code: int32(numberOf(doc.Lookup("code")))}
	e.Name, _ = doc.Lookup("codeName").StringValueOK()
	if m, ok := doc.Lookup("errmsg").StringValueOK(); ok {
		e.Msg = m
	} else if m, ok := doc.Lookup("$err").StringValueOK(); ok {
		e.Msg = m
	}
	e.Msg = shorten(e.Msg, maxServerMsg)
	return e
}

// okValue reads the "ok" field, which servers send as a double, an int or
// a boolean.
func okValue(doc bsoncore.Document) bool {
	v := doc.Lookup("ok")
	if b, ok := v.BooleanOK(); ok {
		return b
	}
	return numberOf(v) == 1
}

// numberOf reads an int32, int64 or double; anything else is 0.
func numberOf(v bsoncore.Value) int64 {
	if n, ok := v.Int32OK(); ok {
		return int64(n)
	}
	if n, ok := v.Int64OK(); ok {
		return n
	}
	if f, ok := v.DoubleOK(); ok {
		return int64(f)
	}
	return 0
}

// commandOf names a command document by its first key.
func commandOf(cmd bsoncore.Document) string {
	if e, err := cmd.IndexErr(0); err == nil {
		return e.Key()
	}
	return "command"
}

// maxServerMsg caps the server messages kept.
const maxServerMsg = 2000

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
