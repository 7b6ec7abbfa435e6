package elasticsearch

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// parseMappings reads a mapping answer, keeping the indices it names that
// a probe would have asked for (here: "i" and the fixtures' indices).
func parseMappings(body []byte, maxFields, maxDepth int) (map[string]indexMapping, error) {
	return readMappings(bytes.NewReader(body), []string{"i", "nba", "twitter", "my-index-000001"}, maxFields, maxDepth)
}

// fieldList renders fields as "path:type[:note]" for comparison.
func fieldList(fs []scanner.FieldSample) string {
	var out []string
	for _, f := range fs {
		s := f.Path + ":" + f.Type
		if f.Note != "" {
			s += ":" + f.Note
		}
		if f.Source != scanner.SourceMapping {
			s += ":bad-source"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestParseMappingsDocumented(t *testing.T) {
	tests := []struct {
		file, index string
		types       string
		dynamic     string
		fields      string
	}{
		{
			file: "es-6-typed", index: "nba", types: "_doc",
			fields: "jerse_no:keyword name:text play_year:keyword position:keyword team_name:text",
		},
		{
			file: "es-5-multitype", index: "twitter", types: "tweet,user",
			fields: "content:text email:keyword name:text tweeted_at:date user_name:keyword",
		},
		{
			file: "es-7-runtime", index: "my-index-000001", dynamic: "false",
			fields: "@timestamp:date day_of_week:keyword:runtime distance:long manager:nested manager.age:integer manager.phone:keyword " +
				"route_length_miles:alias:alias of distance session_data:object:enabled: false user.name:text:fields: keyword, raw user.social_networks:object",
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			m, err := parseMappings(readFixture(t, "mapping/"+tc.file+".json"), 500, 5)
			if err != nil {
				t.Fatal(err)
			}
			im, ok := m[tc.index]
			if !ok || len(m) != 1 {
				t.Fatalf("indices %v, want only %s", m, tc.index)
			}
			if got := fieldList(im.Fields); got != tc.fields {
				t.Errorf("fields\n got %s\nwant %s", got, tc.fields)
			}
			if strings.Join(im.Types, ",") != tc.types || im.Dynamic != tc.dynamic {
				t.Errorf("types %v dynamic %q, want %s %q", im.Types, im.Dynamic, tc.types, tc.dynamic)
			}
		})
	}
}

func TestFlattenBounds(t *testing.T) {
	body := `{"i":{"mappings":{"properties":{
		"a":{"properties":{"b":{"properties":{"c":{"properties":{"d":{"type":"keyword"}}}}}}},
		"x":{"type":"text"},"y":{"type":"text"},"z":{"type":"text"}}}}}`
	m, err := parseMappings([]byte(body), 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	im := m["i"]
	if got, want := fieldList(im.Fields), "a.b:object:deeper fields not listed x:text y:text"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if im.Truncated != 1 {
		t.Errorf("truncated %d, want 1", im.Truncated)
	}
}

func TestParseMappingsEdgeCases(t *testing.T) {
	tests := map[string]struct {
		body, fields string
		err          bool
	}{
		"empty mappings 7.x":      {body: `{"i":{"mappings":{}}}`},
		"empty mappings 6.x":      {body: `{"i":{"mappings":{"_doc":{}}}}`},
		"meta only":               {body: `{"i":{"mappings":{"_meta":{"owner":"x"}}}}`},
		"null mappings":           {body: `{"i":{"mappings":null}}`},
		"no such index (ignored)": {body: `{}`},
		"not an object":           {body: `[1]`, err: true},
		"type is a number":        {body: `{"i":{"mappings":{"properties":{"a":{"type":1}}}}}`, err: true},
		"dynamic strict":          {body: `{"i":{"mappings":{"dynamic":"strict","properties":{"a":{"type":"ip"}}}}}`, fields: "a:ip"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, err := parseMappings([]byte(tc.body), 10, 5)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if got := fieldList(m["i"].Fields); got != tc.fields {
				t.Errorf("fields %q, want %q", got, tc.fields)
			}
		})
	}
}

func FuzzParseMappings(f *testing.F) {
	for _, n := range []string{"es-6-typed", "es-5-multitype", "es-7-runtime"} {
		f.Add(readFixture(f, "mapping/"+n+".json"))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := parseMappings(body, 20, 3)
		if err != nil {
			return
		}
		for _, im := range m {
			if len(im.Fields) > 20 {
				t.Fatalf("%d fields over the cap of 20", len(im.Fields))
			}
			for _, f := range im.Fields {
				if strings.Count(f.Path, ".") > 3 {
					t.Fatalf("path %q deeper than 3", f.Path)
				}
			}
		}
	})
}
