package mongodb

import (
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// listCollectionsReply builds {cursor: {id: 0, firstBatch: [...]}} for
// names; a name ending in "!" is a view.
func listCollectionsReply(names ...string) bsoncore.Document {
	arr := bsoncore.NewArrayBuilder()
	for _, n := range names {
		typ := "collection"
		if strings.HasSuffix(n, "!") {
			n, typ = strings.TrimSuffix(n, "!"), "view"
		}
		arr.AppendDocument(bsoncore.NewDocumentBuilder().AppendString("name", n).AppendString("type", typ).
			AppendDocument("options", bsoncore.NewDocumentBuilder().Build()).Build())
	}
	cursor := bsoncore.NewDocumentBuilder().AppendInt64("id", 0).AppendArray("firstBatch", arr.Build()).Build()
	return bsoncore.NewDocumentBuilder().AppendDocument("cursor", cursor).AppendDouble("ok", 1).Build()
}

func TestPickCollections(t *testing.T) {
	rank := func(p string) int {
		if strings.Contains(p, "chat") {
			return 90
		}
		return 0
	}
	for _, tc := range []struct {
		name   string
		in     []string
		max    int
		want   []string
		seen   int
		groups int
	}{
		{"all fit", []string{"b", "a", "system.views", "c!"}, 10, []string{"a", "b", "c"}, 3, 3},
		{"one per pattern first, the newest", []string{"log_1", "log_3", "log_2", "users", "zz"}, 3, []string{"log_3", "users", "zz"}, 5, 3},
		{"rank before size", []string{"log_1", "log_2", "log_3", "x_chat"}, 1, []string{"x_chat"}, 4, 2},
		{"extras by rank then name", []string{"chat_1", "chat_2", "chat_3", "log_1", "log_2"}, 4, []string{"chat_1", "chat_2", "chat_3", "log_2"}, 5, 2},
		{"empty", nil, 5, nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, seen, groups, _ := pickCollections(listCollectionsReply(tc.in...), tc.max, false, rank)
			var names []string
			for _, e := range got {
				names = append(names, e.name)
			}
			if !slices.Equal(names, tc.want) || seen != tc.seen || groups != tc.groups {
				t.Errorf("chose %q of %d in %d patterns, want %q of %d in %d", names, seen, groups, tc.want, tc.seen, tc.groups)
			}
		})
	}
	if got, _, _, _ := pickCollections(listCollectionsReply("v!"), 1, false, rank); len(got) != 1 || got[0].typ != "view" {
		t.Errorf("view: %+v", got)
	}
}

func TestPickDatabases(t *testing.T) {
	arr := bsoncore.NewArrayBuilder()
	for _, d := range []struct {
		name string
		size int64
	}{{"admin", 1}, {"big", 900}, {"chat", 10}, {"small", 5}, {"local", 2}} {
		arr.AppendDocument(bsoncore.NewDocumentBuilder().AppendString("name", d.name).AppendInt64("sizeOnDisk", d.size).Build())
	}
	doc := bsoncore.NewDocumentBuilder().AppendArray("databases", arr.Build()).Build()
	rank := func(n string) int { return map[string]int{"chat": 80}[n] }
	got, seen, system := pickDatabases(doc, 2, false, rank)
	if len(got) != 2 || got[0].name != "chat" || got[1].name != "big" || seen != 5 || system != 2 {
		t.Errorf("chose %+v of %d (%d system)", got, seen, system)
	}
}
