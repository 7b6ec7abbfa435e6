package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// prefetch sends the per-collection commands of one database's collections
// (views get none) with several in flight at once, when the runner can
// (opConn), and keeps the replies for collection, which then reads them
// in collection order with the same logic as without prefetching: results
// are the same, only the round trips fewer. Two batches at most:
//
//  1. For every collection, collStats (count once collStats was refused)
//     and listIndexes; the key-name aggregate for the first collection
//     only, or for all once this target answered one.
//  2. count for every collection from the first whose collStats was
//     refused; the aggregate for the other collections when the first's
//     was answered or refused for that collection only (not when the
//     pipeline itself was refused).
//
// A network error, the guard's refusal or the time budget in the first
// batch means no second one. A command that was not prefetched is sent on
// its own when collection needs it.
func (inv *inventory) prefetch(ctx context.Context, db string, colls []collEntry) {
	clear(inv.pre)
	b, ok := inv.r.(batcher)
	if !ok {
		return
	}
	if inv.pre == nil {
		inv.pre = map[string]*call{}
	}
	var tables []string
	for _, e := range colls {
		if e.typ != "view" {
			tables = append(tables, e.name)
		}
	}
	if len(tables) == 0 {
		return
	}
	var first []*call
	// add queues command what on coll, built by cmd, under the key exec
	// looks it up by.
	add := func(batch *[]*call, what, coll string, cmd bsoncore.Document) *call {
		c := &call{db: db, cmd: cmd}
		*batch = append(*batch, c)
		inv.pre[preKey(what, coll)] = c
		return c
	}
	stats := make([]*call, len(tables))
	var agg *call // the first collection's aggregate, while untried
	for i, name := range tables {
		if inv.noStats {
			add(&first, "count", name, countCmd(name))
		} else {
			stats[i] = add(&first, "collStats", name, collStatsCmd(name))
		}
		switch {
		case inv.sample && inv.sampled:
			add(&first, "aggregate", name, inv.keyNameCmd(ctx, name))
		case inv.sample && i == 0:
			agg = add(&first, "aggregate", name, inv.keyNameCmd(ctx, name))
		}
		add(&first, "listIndexes", name, listIndexesCmd(name))
	}
	b.runBatch(ctx, first)
	for _, c := range first {
		var ce *cmdError
		if c.err != nil && !errors.As(c.err, &ce) {
			return
		}
	}

	var second []*call
	refused := false
	for i, c := range stats {
		refused = refused || (c != nil && c.err != nil)
		if refused {
			add(&second, "count", tables[i], countCmd(tables[i]))
		}
	}
	if agg != nil && (agg.err == nil || refusedForCollection(agg.err)) {
		inv.sampled = inv.sampled || agg.err == nil
		for _, name := range tables[1:] {
			add(&second, "aggregate", name, inv.keyNameCmd(ctx, name))
		}
	}
	if len(second) > 0 {
		b.runBatch(ctx, second)
	}
}

// exec returns the prefetched reply to command name on coll, once, or
// runs the command build makes. The command is built only when it is sent.
func (inv *inventory) exec(ctx context.Context, db, name, coll string, build func(string) bsoncore.Document) (bsoncore.Document, error) {
	k := preKey(name, coll)
	if c, ok := inv.pre[k]; ok && c.db == db {
		delete(inv.pre, k)
		return c.reply, c.err
	}
	return inv.r.run(ctx, db, build(coll))
}

// preKey names a prefetched per-collection command by its name and
// collection.
func preKey(name, coll string) string { return name + "\x00" + coll }

func collStatsCmd(coll string) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendString("collStats", coll).Build()
}

func countCmd(coll string) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendString("count", coll).Build()
}

func listIndexesCmd(coll string) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendString("listIndexes", coll).
		AppendDocument("cursor", bsoncore.NewDocumentBuilder().Build()).Build()
}
