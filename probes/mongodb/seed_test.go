package mongodb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/spillcheck/spillcheck/internal/ferrettest"
)

// canary is planted in every seeded value that can hold one: it must never
// appear in a result or in the bytes a probe receives.
const canary = "CANARY-5f1e9a"

// startFerret starts an embedded FerretDB for the test.
func startFerret(t testing.TB) string {
	t.Helper()
	s, err := ferrettest.Start(ferrettest.Options{})
	if err != nil {
		t.Fatalf("FerretDB: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stopping FerretDB: %v", err)
		}
	})
	return s.Addr
}

// seedCounts are the documents seeded per collection.
var seedCounts = map[string]int64{
	"messaging.conversations":  4,
	"messaging.messages":       12,
	"messaging.call_logs":      6,
	"messaging.devices":        3,
	"messaging.child_accounts": 2,
	"catalog.products":         5,
	"logs.events":              7,
}

// seedClient connects the official driver directly to addr, to seed a
// test server, and disconnects it when the test ends.
func seedClient(t testing.TB, ctx context.Context, addr string) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(ctx, options.Client().ApplyURI("mongodb://"+addr+"/?directConnection=true"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(context.Background()) })
	return c
}

// seed fills a messaging database shaped like a chat app's, an unrelated
// catalog and a logs database, with indexes and a capped collection. Every
// string value carries the canary. FerretDB 1.24 refuses validators
// (NotImplemented), so validator fields are covered by unit tests.
func seed(t testing.TB, addr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := seedClient(t, ctx, addr)
	v := func(s string, i int) string { return fmt.Sprintf("%s-%s-%d", s, canary, i) }
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	docs := map[string]func(i int) bson.M{
		"messaging.conversations": func(i int) bson.M {
			return bson.M{"participants": bson.A{v("u", i), v("u", i+1)}, "title": v("title", i), "created_at": now, "last_message_at": now}
		},
		"messaging.messages": func(i int) bson.M {
			return bson.M{
				"conversation_id": v("conv", i),
				"sender":          bson.M{"id": v("u", i), "name": v("name", i), "phone": v("+1555", i)},
				"recipient":       bson.M{"id": v("u", i+1), "phone": v("+1556", i)},
				"body":            v("body", i), "sent_at": now, "read_at": now,
				"location": bson.M{"lat": 52.1 + float64(i), "lon": 4.3, "label": v("place", i)},
			}
		},
		"messaging.call_logs": func(i int) bson.M {
			return bson.M{"caller_phone": v("+1555", i), "callee_phone": v("+1557", i), "started_at": now, "duration_s": 60 + i}
		},
		"messaging.devices": func(i int) bson.M {
			return bson.M{"user_id": v("u", i), "push_token": v("tok", i), "platform": v("ios", i), "app_version": v("9.1", i)}
		},
		"messaging.child_accounts": func(i int) bson.M {
			return bson.M{"parent_id": v("u", i), "child_name": v("kid", i), "birth_date": now, "school": v("school", i)}
		},
		"catalog.products": func(i int) bson.M {
			return bson.M{"sku": v("sku", i), "title": v("product", i), "price_cents": 100 * i}
		},
		"logs.events": func(i int) bson.M {
			return bson.M{"level": v("info", i), "msg": v("started", i), "ts": now}
		},
	}
	if err := c.Database("logs").CreateCollection(ctx, "events", options.CreateCollection().SetCapped(true).SetSizeInBytes(1<<20)); err != nil {
		t.Fatal(err)
	}
	for ns, mk := range docs {
		db, coll := splitNS(ns)
		var batch []any
		for i := range int(seedCounts[ns]) {
			batch = append(batch, mk(i))
		}
		if _, err := c.Database(db).Collection(coll).InsertMany(ctx, batch); err != nil {
			t.Fatalf("seeding %s: %v", ns, err)
		}
	}
	indexes := map[string][]mongo.IndexModel{
		"messaging.messages": {
			{Keys: bson.D{{Key: "sender.phone", Value: 1}, {Key: "sent_at", Value: -1}}},
			{Keys: bson.D{{Key: "conversation_id", Value: 1}}},
		},
		"messaging.call_logs":     {{Keys: bson.D{{Key: "caller_phone", Value: 1}}}},
		"messaging.devices":       {{Keys: bson.D{{Key: "push_token", Value: 1}}, Options: options.Index().SetUnique(true)}},
		"messaging.conversations": {{Keys: bson.D{{Key: "participants", Value: 1}}}},
		"catalog.products":        {{Keys: bson.D{{Key: "sku", Value: 1}}}},
	}
	for ns, models := range indexes {
		db, coll := splitNS(ns)
		if _, err := c.Database(db).Collection(coll).Indexes().CreateMany(ctx, models); err != nil {
			t.Fatalf("indexes on %s: %v", ns, err)
		}
	}
}

func splitNS(ns string) (string, string) {
	for i := range ns {
		if ns[i] == '.' {
			return ns[:i], ns[i+1:]
		}
	}
	return ns, ""
}
