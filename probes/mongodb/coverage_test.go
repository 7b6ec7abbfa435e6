package mongodb

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/scanner"
)

// TestFerretDBRanksCollectionsUnderCaps: a real FerretDB database holds 40
// audit collections, 30 daily event collections and messages_archive,
// which comes after 70 others in name order (FerretDB lists by name). At
// --max-collections 10 the listing is grouped into 42 name patterns (the
// daily collections are one), and with the scan's name ranker
// messages_archive is inventoried and scored; ranked by pattern size
// alone, it is not, and the daily events' newest collection stands for
// them.
func TestFerretDBRanksCollectionsUnderCaps(t *testing.T) {
	addr := startFerret(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := seedClient(t, ctx, addr)
	db := c.Database("ops")
	var names []string
	for i := range 40 {
		names = append(names, "audit_"+string(rune('a'+i/26))+string(rune('a'+i%26)))
	}
	for i := range 30 {
		names = append(names, fmt.Sprintf("events_2024_%02d", i+1))
	}
	for _, n := range names {
		if err := db.CreateCollection(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Collection("messages_archive").InsertOne(ctx, bson.M{"sender_phone": canary, "body": canary}); err != nil {
		t.Fatal(err)
	}
	engine, err := fingerprints.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		ranker scanner.NameRanker
		found  bool
	}{{"ranked by name", engine, true}, {"by pattern size only", nil, false}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := probeRanked(t, addr, scanner.Limits{MaxCollections: 10}, tc.ranker)
			if err != nil || res.Status != scanner.StatusOpen {
				t.Fatalf("status %s err %v", res.Status, err)
			}
			if len(res.Containers) != 10 || res.Skipped["over-max-collections"] != 61 ||
				res.Facts["collections_seen"] != "71" || res.Facts["collections_sampled"] != "10" {
				t.Errorf("%d containers, skipped %v, facts %v", len(res.Containers), res.Skipped, res.Facts)
			}
			found, events := false, 0
			for _, c := range res.Containers {
				found = found || c.Name == "messages_archive"
				if strings.HasPrefix(c.Name, "events_") {
					events++
					if c.Name != "events_2024_30" {
						t.Errorf("daily events stood for by %s, want the newest", c.Name)
					}
				}
			}
			if found != tc.found || events != 1 {
				t.Errorf("messages_archive inventoried: %v, want %v; %d events collections", found, tc.found, events)
			}
		})
	}
}

// probeRanked probes addr with ranker as the scan's NameRanker.
func probeRanked(t *testing.T, addr string, limits scanner.Limits, ranker scanner.NameRanker) (scanner.Result, error) {
	t.Helper()
	d, err := scanner.NewDialer(scanner.DialerConfig{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tg := target(t, addr)
	return New().Probe(ctx, tg, d.Env(ctx, tg, limits).WithRanker(ranker))
}
