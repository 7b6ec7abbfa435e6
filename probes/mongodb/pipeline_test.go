package mongodb

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestKeyNameCommandDepth1 pins the exact command for one level: the
// pipeline shape checked against the MongoDB manual pages for $sample,
// $project, $reduce, $objectToArray, $let, $concatArrays, $type, $unwind,
// $group, $sort and $limit.
func TestKeyNameCommandDepth1(t *testing.T) {
	want := ejson(t, `{"aggregate": "messages", "pipeline": [
		{"$sample": {"size": {"$numberInt": "50"}}},
		{"$project": {"_id": {"$numberInt": "0"}, "f": {"$reduce": {
			"input": {"$objectToArray": "$$ROOT"},
			"initialValue": [],
			"in": {"$let": {
				"vars": {"p1": "$$this.k", "v1": "$$this.v"},
				"in": {"$concatArrays": ["$$value", [{"p": "$$p1", "t": {"$type": "$$v1"}}]]}}}}}}},
		{"$unwind": "$f"},
		{"$group": {"_id": {"p": "$f.p", "t": "$f.t"}, "n": {"$sum": {"$numberInt": "1"}}}},
		{"$sort": {"n": {"$numberInt": "-1"}, "_id.p": {"$numberInt": "1"}}},
		{"$limit": {"$numberInt": "11"}}],
		"cursor": {"batchSize": {"$numberInt": "11"}},
		"maxTimeMS": {"$numberLong": "2500"},
		"allowDiskUse": false}`)
	got := keyNameCommand("messages", 50, 1, 11, 2500)
	if !bytes.Equal(got, want) {
		t.Fatalf("command\n got %s\nwant %s", bson.Raw(got), bson.Raw(want))
	}
	if err := checkCommand(got); err != nil {
		t.Fatalf("the guard refuses the probe's own aggregate: %v", err)
	}
}

// TestKeyNameCommandGolden pins the recursive form (depth 2): the nested
// $reduce binds p2/v2 and builds "p1.k" paths only for sub-documents.
func TestKeyNameCommandGolden(t *testing.T) {
	got, err := bson.MarshalExtJSONIndent(bson.Raw(keyNameCommand("messages", 100, 2, 501, 3000)), true, false, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("..", "..", "testdata", "mongodb", "keyname_command.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("key-name command changed; got\n%s", got)
	}
}
