package elasticsearch

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// property is one entry of a mapping's "properties" (or "runtime"). Only
// names and types are read; stored scripts and defaults are ignored.
type property struct {
	Type       string              `json:"type"`
	Properties map[string]property `json:"properties"`
	Fields     map[string]property `json:"fields"`
	Enabled    *bool               `json:"enabled"`
	Path       string              `json:"path"` // the target of a field alias
}

// typeMapping is one mapping body: the root object of 7.x+ mappings, or
// the body under one type name in 1.x-6.x.
type typeMapping struct {
	Properties map[string]property `json:"properties"`
	Runtime    map[string]property `json:"runtime"`
	Dynamic    any                 `json:"dynamic"`
	Enabled    *bool               `json:"enabled"`
}

// indexMapping is what the probe learned from one index's mapping.
type indexMapping struct {
	Fields    []scanner.FieldSample
	Types     []string // 1.x-6.x mapping type names
	Dynamic   string   // "false", "strict" or "" (the default, true)
	Truncated int      // fields left out over MaxFields
}

// parseMappings reads GET /<indices>/_mapping: a map from index name to
// {"mappings": ...}, where mappings is a typeless body (7.x+) or a map from
// type name to body (1.x-6.x).
func parseMappings(body []byte, maxFields, maxDepth int) (map[string]indexMapping, error) {
	var raw map[string]struct {
		Mappings json.RawMessage `json:"mappings"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("mapping answer: %w", err)
	}
	out := make(map[string]indexMapping, len(raw))
	for index, v := range raw {
		bodies, types, err := mappingBodies(v.Mappings)
		if err != nil {
			return nil, fmt.Errorf("mapping of %s: %w", index, err)
		}
		out[index] = flattenMapping(bodies, types, maxFields, maxDepth)
	}
	return out, nil
}

// typelessKeys are the keys a typeless (7.x+) mapping may have at its root.
// Any other key, "_doc" included, is a 1.x-6.x mapping type.
var typelessKeys = map[string]bool{
	"properties": true, "runtime": true, "dynamic": true, "enabled": true,
	"dynamic_templates": true, "date_detection": true, "numeric_detection": true,
	"dynamic_date_formats": true, "subobjects": true, "_source": true, "_meta": true,
	"_routing": true, "_all": true, "_field_names": true, "_size": true,
	"_data_stream_timestamp": true,
}

// mappingBodies tells a typeless mapping from a typed one by its root keys.
func mappingBodies(m json.RawMessage) ([]typeMapping, []string, error) {
	if len(m) == 0 || string(m) == "null" {
		return nil, nil, nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(m, &keys); err != nil {
		return nil, nil, err
	}
	typeless := len(keys) == 0
	for k := range keys {
		if typelessKeys[k] {
			typeless = true
		}
	}
	if typeless {
		var tm typeMapping
		err := json.Unmarshal(m, &tm)
		return []typeMapping{tm}, nil, err
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	bodies := make([]typeMapping, 0, len(names))
	for _, n := range names {
		var tm typeMapping
		if err := json.Unmarshal(keys[n], &tm); err != nil {
			return nil, nil, fmt.Errorf("type %s: %w", n, err)
		}
		bodies = append(bodies, tm)
	}
	return bodies, names, nil
}

// flattenMapping turns properties into dotted paths, sorted, each once.
func flattenMapping(bodies []typeMapping, types []string, maxFields, maxDepth int) indexMapping {
	f := flattener{seen: map[string]bool{}, maxFields: maxFields, maxDepth: maxDepth}
	im := indexMapping{Types: types}
	for _, b := range bodies {
		if d := dynamicOf(b.Dynamic); d != "" {
			im.Dynamic = d
		}
		f.walk("", b.Properties, 1)
		for _, name := range sortedKeys(b.Runtime) {
			f.add(scanner.FieldSample{Path: name, Source: scanner.SourceMapping, Type: b.Runtime[name].Type, Note: "runtime"})
		}
	}
	sort.Slice(f.out, func(i, j int) bool { return f.out[i].Path < f.out[j].Path })
	im.Fields, im.Truncated = f.out, f.dropped
	return im
}

func dynamicOf(v any) string {
	switch x := v.(type) {
	case bool:
		if !x {
			return "false"
		}
	case string:
		if x == "false" || x == "strict" || x == "runtime" {
			return x
		}
	}
	return ""
}

type flattener struct {
	out       []scanner.FieldSample
	seen      map[string]bool
	dropped   int
	maxFields int
	maxDepth  int
}

func (f *flattener) add(s scanner.FieldSample) {
	if f.seen[s.Path] {
		return
	}
	f.seen[s.Path] = true
	if len(f.out) >= f.maxFields {
		f.dropped++
		return
	}
	f.out = append(f.out, s)
}

// walk records leaves, nested objects and empty or disabled objects; plain
// objects with properties are recorded only through their leaves.
func (f *flattener) walk(prefix string, props map[string]property, depth int) {
	for _, name := range sortedKeys(props) {
		p := props[name]
		path := prefix + name
		typ := p.Type
		if typ == "" && p.Properties != nil {
			typ = "object"
		}
		s := scanner.FieldSample{Path: path, Source: scanner.SourceMapping, Type: typ}
		switch {
		case len(p.Properties) > 0 && depth >= f.maxDepth:
			s.Note = "deeper fields not listed"
			f.add(s)
		case len(p.Properties) > 0:
			if typ == "nested" {
				f.add(s)
			}
			f.walk(path+".", p.Properties, depth+1)
		default:
			s.Note = leafNote(p)
			f.add(s)
		}
	}
}

// leafNote says what a leaf's mapping adds: its multi-fields (recorded
// once, on the parent), a disabled object, or an alias target.
func leafNote(p property) string {
	var notes []string
	if len(p.Fields) > 0 {
		notes = append(notes, "fields: "+strings.Join(sortedKeys(p.Fields), ", "))
	}
	if p.Enabled != nil && !*p.Enabled {
		notes = append(notes, "enabled: false")
	}
	if p.Type == "alias" && p.Path != "" {
		notes = append(notes, "alias of "+p.Path)
	}
	return strings.Join(notes, "; ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
