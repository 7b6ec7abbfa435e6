package mongodb

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// Server codes that refuse one collection's aggregation rather than the
// pipeline itself.
const (
	codeMaxTimeMSExpired = 50
)

// sampleKeys runs the key-name aggregation on one collection. When the
// server refuses the pipeline itself (NotImplemented, an unknown stage or
// operator: FerretDB, or MongoDB before 3.4.4) it stops sampling for the
// whole target and says so once.
func (inv *inventory) sampleKeys(ctx context.Context, db, coll string, c *scanner.Container, fs *fieldSet) {
	reply, err := inv.exec(ctx, db, "aggregate", coll, func(coll string) bsoncore.Document {
		return inv.keyNameCmd(ctx, coll)
	})
	var ce *cmdError
	errors.As(err, &ce)
	switch {
	case err == nil:
	case refusedForCollection(err):
		inv.note("key-name sample of %s.%s refused: %s", db, coll, ce.code())
		return
	case ce != nil:
		inv.sample = false
		inv.note("$sample/$objectToArray unsupported (%s): field names from index keys and validators", ce.code())
		return
	default:
		inv.failed("key-name sample of "+db+"."+coll, err)
		return
	}
	fields := sampleFields(reply)
	for _, f := range fields {
		if f.Path == "_id" {
			c.Attrs = setAttr(c.Attrs, "sampled_docs", strconv.Itoa(f.Count))
		}
		fs.add(f)
	}
}

// keyNameCmd is the key-name aggregate for coll, its maxTimeMS the
// timeout or the time left, whichever is shorter.
func (inv *inventory) keyNameCmd(ctx context.Context, coll string) bsoncore.Document {
	maxMS := inv.timeout.Milliseconds()
	if dl, ok := ctx.Deadline(); ok {
		maxMS = min(maxMS, max(1, timeUntil(dl)))
	}
	return keyNameCommand(coll, clamp(inv.limits.SampleDocs), clamp(inv.limits.MaxDepth), clamp(inv.limits.MaxFields+1), maxMS)
}

// refusedForCollection reports whether the server refused the key-name
// aggregate for one collection (a time limit, or no right to read it)
// rather than the pipeline itself: sampling goes on with the next one.
func refusedForCollection(err error) bool {
	var ce *cmdError
	return errors.As(err, &ce) && (ce.Code == codeMaxTimeMSExpired || unauthorized(err))
}

// optionAttrs keeps the collection options that describe storage, never a
// view's pipeline (it may hold literal values).
func optionAttrs(o bsoncore.Document) map[string]string {
	var a map[string]string
	if b, ok := o.Lookup("capped").BooleanOK(); ok && b {
		a = setAttr(a, "capped", "true")
		if v := o.Lookup("size"); v.Type != 0 {
			a = setAttr(a, "capped_size", strconv.FormatInt(numberOf(v), 10))
		}
		if v := o.Lookup("max"); v.Type != 0 {
			a = setAttr(a, "capped_max", strconv.FormatInt(numberOf(v), 10))
		}
	}
	if s, ok := o.Lookup("viewOn").StringValueOK(); ok {
		a = setAttr(a, "view_on", s)
	}
	for _, k := range []string{"timeField", "metaField", "granularity"} {
		if s, ok := o.Lookup("timeseries", k).StringValueOK(); ok {
			a = setAttr(a, "timeseries_"+k, s)
		}
	}
	for _, k := range []string{"validationLevel", "validationAction"} {
		if s, ok := o.Lookup(k).StringValueOK(); ok {
			a = setAttr(a, k, s)
		}
	}
	if _, ok := o.Lookup("validator").DocumentOK(); ok {
		a = setAttr(a, "validator", "true")
	}
	if o.Lookup("clusteredIndex").Type != 0 {
		a = setAttr(a, "clustered", "true")
	}
	return a
}

func setAttr(a map[string]string, k, v string) map[string]string {
	if a == nil {
		a = map[string]string{}
	}
	a[k] = v
	return a
}

// clamp keeps a limit within int32 for the command document.
func clamp(n int) int { return min(max(n, 1), 1<<30) }

func timeUntil(t time.Time) int64 { return time.Until(t).Milliseconds() }
