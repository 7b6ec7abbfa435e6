package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

// systemDBs hold the server's own data; they are skipped unless
// Limits.IncludeSystem is set.
var systemDBs = map[string]bool{"admin": true, "local": true, "config": true}

// inventory lists databases and collections of an open server within the
// limits, and stops early, with a note, when ctx's time budget runs out.
type inventory struct {
	r       runner
	limits  scanner.Limits
	res     *scanner.Result
	timeout time.Duration
	sample  bool // false once the server refused the key-name aggregation
	sampled bool // true once the server answered a key-name aggregation
	noStats bool // true once the server refused collStats
	stopped bool // a network error or the time budget ended the inventory

	pre map[string]*call // replies prefetched for the collections of one database

	// rank rates a database or collection name by its messaging-PII
	// evidence (Env.RankName), to choose what to inventory under the caps.
	rank func(string) int
	// collsSeen and collsChosen count collections listed and inventoried.
	collsSeen, collsChosen int
}

// maxNotes bounds the notes one target gets; the rest are only counted.
const maxNotes = 32

func (inv *inventory) note(format string, args ...any) {
	if len(inv.res.Notes) >= maxNotes {
		inv.res.Skipped["notes"]++
		return
	}
	inv.res.Notes = append(inv.res.Notes, fmt.Sprintf(format, args...))
}

// failed records err and reports whether the inventory must stop: any
// error but a server's refusal of one command means the connection or the
// time budget is gone.
func (inv *inventory) failed(what string, err error) bool {
	var ce *cmdError
	if errors.As(err, &ce) {
		inv.note("%s: %v", what, err)
		return false
	}
	inv.note("%s: %v; inventory stopped", what, err)
	inv.stopped = true
	return true
}

// run inventories the databases of the listDatabases reply classify
// returned: at most MaxDBs, chosen as it is read (pickDatabases) by name
// evidence, then size.
func (inv *inventory) run(ctx context.Context, listing bsoncore.Document) {
	if inv.rank == nil {
		inv.rank = noRank
	}
	dbs, seen, system := pickDatabases(listing, inv.limits.MaxDBs, inv.limits.IncludeSystem, inv.rank)
	if system > 0 {
		inv.res.Skipped["system-databases"] += system
	}
	if over := seen - system - len(dbs); over > 0 {
		inv.res.Skipped["over-max-dbs"] = over
	}
	defer func() {
		inv.res.Facts["collections_seen"] = strconv.Itoa(inv.collsSeen)
		inv.res.Facts["collections_sampled"] = strconv.Itoa(inv.collsChosen)
	}()
	for i, db := range dbs {
		if inv.stopped || ctx.Err() != nil {
			inv.res.Skipped["time-budget-databases"] += len(dbs) - i
			if !inv.stopped {
				inv.note("time budget ran out: %d databases not inventoried", len(dbs)-i)
			}
			return
		}
		inv.database(ctx, db.name)
	}
}

// collEntry is one listCollections entry.
type collEntry struct {
	name, typ string
	options   bsoncore.Document
}

func (inv *inventory) database(ctx context.Context, db string) {
	cmd := bsoncore.NewDocumentBuilder().AppendInt32("listCollections", 1).
		AppendDocument("cursor", bsoncore.NewDocumentBuilder().Build()).Build()
	reply, err := inv.r.run(ctx, db, cmd)
	if err != nil {
		inv.failed("listCollections on "+db, err)
		return
	}
	colls, seen, patterns, system := pickCollections(reply, inv.limits.MaxCollections, inv.limits.IncludeSystem, inv.rank)
	if system > 0 {
		inv.res.Skipped["system-collections"] += system
	}
	if over := seen - len(colls); over > 0 {
		inv.res.Skipped["over-max-collections"] += over
		inv.note("%s: %d of %d collections (%d name patterns) inventoried, chosen by name evidence, then pattern size", db, len(colls), seen, patterns)
	}
	inv.collsSeen += seen
	inv.collsChosen += len(colls)
	if id, _ := reply.Lookup("cursor", "id").AsInt64OK(); id != 0 {
		inv.note("listCollections on %s returned a partial list", db)
	}
	inv.prefetch(ctx, db, colls)
	for i, e := range colls {
		if inv.stopped || ctx.Err() != nil {
			inv.res.Skipped["time-budget-collections"] += len(colls) - i
			return
		}
		inv.res.Containers = append(inv.res.Containers, inv.collection(ctx, db, e))
	}
}

// collection builds one container: options, validator fields, count and
// size, index keys and, when the server allows, sampled key names. Views
// are not counted or sampled: that would run their pipeline.
func (inv *inventory) collection(ctx context.Context, db string, e collEntry) (c scanner.Container) {
	c = scanner.Container{Kind: "collection", Name: e.name, Database: db, Type: e.typ, Attrs: optionAttrs(e.options)}
	fs := &fieldSet{max: inv.limits.MaxFields}
	defer func() {
		c.Fields = fs.fields
		if fs.dropped > 0 {
			inv.res.Skipped["over-max-fields"] += fs.dropped
		}
	}()
	ns := db + "." + e.name
	if e.typ == "view" {
		return c
	}
	inv.count(ctx, db, e.name, &c)
	if inv.stopped {
		return c
	}
	if inv.sample {
		inv.sampleKeys(ctx, db, e.name, &c, fs)
		if inv.stopped {
			return c
		}
	}
	reply, err := inv.exec(ctx, db, "listIndexes", e.name, listIndexesCmd)
	if err != nil {
		inv.failed("listIndexes on "+ns, err)
	}
	for _, p := range indexFields(reply) {
		fs.add(scanner.FieldSample{Path: p, Source: scanner.SourceIndex})
	}
	if v, ok := e.options.Lookup("validator").DocumentOK(); ok {
		for _, f := range validatorFields(v, inv.limits.MaxDepth) {
			fs.add(f)
		}
	}
	return c
}

// count fills Docs and Bytes from collStats, or Docs from count (which
// reads the collection's metadata when it has no query) when collStats is
// refused.
func (inv *inventory) count(ctx context.Context, db, coll string, c *scanner.Container) {
	if !inv.noStats && inv.collStats(ctx, db, coll, c) {
		return
	}
	if inv.stopped {
		return
	}
	reply, err := inv.exec(ctx, db, "count", coll, countCmd)
	if err != nil {
		inv.failed("count on "+db+"."+coll, err)
		return
	}
	c.Docs = scanner.Int64(numberOf(reply.Lookup("n")))
}

// collStats fills Docs, Bytes and the storage size, and reports whether it
// did. A refusal turns collStats off for the rest of the target.
func (inv *inventory) collStats(ctx context.Context, db, coll string, c *scanner.Container) bool {
	reply, err := inv.exec(ctx, db, "collStats", coll, collStatsCmd)
	if err == nil {
		c.Docs = scanner.Int64(numberOf(reply.Lookup("count")))
		if v := reply.Lookup("size"); v.Type != 0 {
			c.Bytes = scanner.Int64(numberOf(v))
		}
		if v := reply.Lookup("storageSize"); v.Type != 0 {
			c.Attrs = setAttr(c.Attrs, "storage_size", strconv.FormatInt(numberOf(v), 10))
		}
		return true
	}
	if !inv.failed("collStats on "+db+"."+coll, err) {
		inv.noStats = true
		inv.note("collStats refused: counts from count, sizes unknown")
	}
	return false
}
