package fingerprints

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// summary renders results as "store kind name: field field; ..." for
// comparison.
func summary(rs []scanner.Result) string {
	var parts []string
	for _, r := range rs {
		for _, c := range r.Containers {
			var fs []string
			for _, f := range c.Fields {
				fs = append(fs, f.Path)
			}
			parts = append(parts, r.Target.Service+" "+string(r.Status)+" "+c.Kind+" "+c.Name+": "+strings.Join(fs, " "))
		}
	}
	return strings.Join(parts, "; ")
}

func TestReadSchemas(t *testing.T) {
	tests := []struct {
		name, in string
		opts     SchemaOptions
		want     string
	}{
		{"GET _mapping", `{"chat-1":{"mappings":{"properties":{"body":{"type":"text","fields":{"keyword":{"type":"keyword"}}},"sender":{"properties":{"phone":{"type":"keyword"}}}}}},"logs":{"mappings":{}}}`, SchemaOptions{},
			"elasticsearch open index chat-1: body sender.phone; elasticsearch open index logs: "},
		{"typed mapping (6.x)", `{"sms":{"mappings":{"_doc":{"properties":{"msisdn":{"type":"keyword"}}}}}}`, SchemaOptions{},
			"elasticsearch open index sms: msisdn"},
		{"composable template", `{"index_patterns":["chat-*"],"template":{"mappings":{"properties":{"text":{"type":"text"}}}}}`, SchemaOptions{},
			"elasticsearch open index-pattern chat-*: text"},
		{"legacy GET _template", `{"t":{"order":0,"index_patterns":["a-*","b-*"],"mappings":{"properties":{"ts":{"type":"date"}}}}}`, SchemaOptions{},
			"elasticsearch open index-pattern a-*,b-*: ts"},
		{"GET _index_template", `{"index_templates":[{"name":"t","index_template":{"index_patterns":"x-*","template":{"mappings":{"properties":{"to":{"type":"keyword"}}}}}}]}`, SchemaOptions{},
			"elasticsearch open index-pattern x-*: to"},
		{"component template", `{"component_templates":[{"name":"c","component_template":{"template":{"mappings":{"properties":{"from":{"type":"keyword"}}}}}}]}`, SchemaOptions{},
			"elasticsearch open index-pattern c: from"},
		{"bare mapping", `{"properties":{"a":{"type":"keyword"}}}`, SchemaOptions{Container: "idx"},
			"elasticsearch open index idx: a"},
		{"collMod validator", `{"collMod":"messages","validator":{"$jsonSchema":{"bsonType":"object","properties":{"body":{"bsonType":"string"},"to":{"bsonType":"array","items":{"bsonType":"object","properties":{"phone":{"bsonType":"string"}}}}}}}}`, SchemaOptions{},
			"mongodb open collection messages: body to.phone"},
		{"bare $jsonSchema", `{"$jsonSchema":{"properties":{"a":{"bsonType":"string"},"b":{"anyOf":[{"properties":{"c":{"type":"string"}}}]}}}}`, SchemaOptions{Container: "col"},
			"mongodb open collection col: a b"},
		{"bare json schema", `{"bsonType":"object","required":["x"],"properties":{"x":{"bsonType":"int"}}}`, SchemaOptions{Container: "col"},
			"mongodb open collection col: x"},
		{"schema document", `{"store":"elasticsearch","container":"msgs","fields":["a.b","c"],"labels":{"x":1}}`, SchemaOptions{},
			"elasticsearch open index msgs: a.b c"},
		{"redis document", `{"store":"redis","container":"db0","keys":["k:<int>"],"hash_fields":{"chat:<phone>":["body"]}}`, SchemaOptions{},
			"redis open key-pattern k:<int>: ; redis open key-pattern chat:<phone>: body"},
		{"one result", `{"target":{"host":"h","port":6379,"service":"redis"},"status":"auth-required","score":{"likelihood":5,"severity":"none"}}`, SchemaOptions{},
			""},
		{"JSON report", `{"tool":{"name":"spillcheck"},"results":[{"target":{"host":"h","port":9200,"service":"elasticsearch"},"status":"open","containers":[{"kind":"index","name":"i","docs":7,"fields":[{"path":"p","source":"mapping"}]}]}],"summary":{}}`, SchemaOptions{},
			"elasticsearch open index i: p"},
		{"JSON lines with summary", "{\"target\":{\"host\":\"h\",\"port\":1,\"service\":\"mongodb\"},\"status\":\"open\",\"containers\":[{\"kind\":\"collection\",\"name\":\"c\"}]}\n{\"targets\":1,\"by_status\":{}}\n", SchemaOptions{},
			"mongodb open collection c: "},
		{"field list", "# comment\nsender.phone\n\n  body  \n", SchemaOptions{Store: "mongodb", Container: "sms"},
			"mongodb open collection sms: sender.phone body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ReadSchemas("in.json", strings.NewReader(tt.in), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(rs); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestReadSchemasKeepsResults checks that re-scoring keeps status and
// volume but drops the old score.
func TestReadSchemasKeepsResults(t *testing.T) {
	rs, err := ReadSchemas("r.jsonl", strings.NewReader(`{"target":{"host":"h","port":9200,"service":"elasticsearch"},"status":"partially-open","containers":[{"kind":"index","name":"i","docs":12345,"score":{"likelihood":1,"severity":"low"}}],"score":{"likelihood":1,"severity":"low"}}`), SchemaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	if r.Status != scanner.StatusPartial || r.Score != nil || r.Containers[0].Score != nil || *r.Containers[0].Docs != 12345 {
		t.Errorf("got %+v, want status partially-open, docs 12345, no scores", r)
	}
}

func TestReadSchemasErrors(t *testing.T) {
	deep := strings.Repeat(`{"properties":{"a":`, 40) + `{"type":"text"}` + strings.Repeat("}}", 40)
	tests := []struct {
		name, in, want string
	}{
		{"empty", " \n", "in.json: empty file"},
		{"truncated JSON", "{\n\"a\": [", "in.json at line 2"},
		{"non-string field", `{"store":"mongodb","container":"x","fields":["a",7]}`, "in.json at $.fields[1]: want a non-empty string, got a number"},
		{"no fields", `{"store":"mongodb","container":"x"}`, `no "fields" array`},
		{"bad property", `{"idx":{"mappings":{"properties":{"a":"text"}}}}`, "in.json at $.idx.mappings.properties.a: field mapping: want an object, got a string"},
		{"unknown object", `{"hello":"world"}`, "not a spillcheck result, Elasticsearch mapping or template, MongoDB $jsonSchema or schema document (keys: hello)"},
		{"scalar", `[42]`, "in.json at $[0]: want a JSON object, got a number"},
		{"bad validator", `{"collMod":"c","validator":{"$expr":{}}}`, "in.json at $.validator: want an object with $jsonSchema"},
		{"too deep", `{"i":{"mappings":` + deep + `}}`, "nested deeper than 32 levels"},
		{"control character", "a\nb\x01c\n", "in.json at line 2: control character in field path"},
		{"bad redis hash fields", `{"store":"redis","keys":["k"],"hash_fields":{"k":"body"}}`, "in.json at $.hash_fields.k: want an array of field names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadSchemas("in.json", strings.NewReader(tt.in), SchemaOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, ErrSchema) {
				t.Errorf("error %v does not wrap ErrSchema", err)
			}
		})
	}
	_, err := ReadSchemas("big.txt", strings.NewReader(strings.Repeat("a\n", 100)), SchemaOptions{MaxBytes: 50})
	if err == nil || !strings.Contains(err.Error(), "larger than 50 bytes") {
		t.Errorf("size cap: %v", err)
	}
}

// FuzzReadSchemas feeds arbitrary bytes to the schema readers: they must
// return results or an error, never panic, and keep their bounds.
func FuzzReadSchemas(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/corpus/*.json")
	for _, s := range seeds[:min(len(seeds), 20)] {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{"a":{"mappings":{"properties":{"x":{"properties":{}}}}}}`, `{"index_templates":[{}]}`,
		`{"$jsonSchema":{"properties":{"a":{"items":{"properties":{"b":{}}}}}}}`, "x\ny\n", `[{"store":"redis","keys":["a"]}]`, `{"target":{},"status":"open"}`} {
		f.Add([]byte(s))
	}
	e, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rs, err := ReadSchemas("fuzz", strings.NewReader(string(in)), SchemaOptions{MaxBytes: 1 << 20})
		if err != nil {
			if !errors.Is(err, ErrSchema) && !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		n := 0
		for i := range rs {
			for _, c := range rs[i].Containers {
				n += len(c.Fields)
			}
			e.ScoreResult(&rs[i])
			if l := rs[i].Score.Likelihood; l < 0 || l > 100 {
				t.Fatalf("likelihood %d out of range", l)
			}
		}
		if n > maxSchemaFields && !slices.ContainsFunc(rs, func(r scanner.Result) bool { return r.Target.Origins == nil }) {
			t.Fatalf("%d fields, over the bound %d", n, maxSchemaFields)
		}
	})
}

// FuzzLoadRules feeds arbitrary --rules files to the loader.
func FuzzLoadRules(f *testing.F) {
	f.Add([]byte(`{"version":1,"rules":[{"id":"x","category":"phone","weight":0.5,"terms":["a b"],"match":["a_b"]}]}`))
	f.Add([]byte(`{"version":1,"rules":[{"id":"phone","disabled":true}]}`))
	f.Add([]byte(`{"version":1,"rules":[{"id":"x","category":"user_id","weight":0.8,"terms":["a:b","c <int>:d"],"match":["a:b"]}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := LoadWith(in)
		if err == nil && len(e.Rules()) == 0 {
			t.Fatal("loaded an engine with no rules")
		}
		if err != nil && !errors.Is(err, ErrRules) {
			t.Fatalf("error %v does not wrap ErrRules", err)
		}
	})
}
