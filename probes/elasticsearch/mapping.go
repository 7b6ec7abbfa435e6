package elasticsearch

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// maxMultiFields bounds the multi-field names a field's note lists.
const maxMultiFields = 16

// indexMapping is what the probe learned from one index's mapping.
type indexMapping struct {
	Fields    []scanner.FieldSample
	Types     []string // 1.x-6.x mapping type names
	Dynamic   string   // "false", "strict", "runtime" or "" (the default, true)
	Truncated int      // fields left out over MaxFields
}

// typelessKeys are the keys a typeless (7.x+) mapping may have at its root.
// Any other key whose value is an object, "_doc" included, is a 1.x-6.x
// mapping type.
var typelessKeys = map[string]bool{
	"properties": true, "runtime": true, "dynamic": true, "enabled": true,
	"dynamic_templates": true, "date_detection": true, "numeric_detection": true,
	"dynamic_date_formats": true, "subobjects": true, "_source": true, "_meta": true,
	"_routing": true, "_all": true, "_field_names": true, "_size": true,
	"_data_stream_timestamp": true,
}

// readMappings streams GET /<indices>/_mapping: an object from index name
// (only those in want are read) to {"mappings": ...}, where mappings is a typeless body (7.x+) or an
// object from type name to body (1.x-6.x). Only names, types and the
// settings that say how fields appear are read; everything else is skipped
// as it streams by, so memory is bounded by maxFields per index whatever
// the answer's size.
func readMappings(r io.Reader, want []string, maxFields, maxDepth int) (map[string]indexMapping, error) {
	j := newJSONReader(r)
	out := map[string]indexMapping{}
	err := eachMember(j, func(index []byte) error {
		if !contains(want, string(index)) {
			return j.skip() // not asked for: a hostile answer cannot grow out
		}
		name := string(index)
		m := &mappingReader{j: j, maxFields: maxFields, maxDepth: maxDepth, seen: map[string]bool{}}
		if err := eachMember(j, func(k []byte) error {
			if string(k) != "mappings" {
				return j.skip()
			}
			return m.mappings()
		}); err != nil {
			return fmt.Errorf("mapping of %s: %w", name, err)
		}
		slices.SortFunc(m.im.Fields, func(a, b scanner.FieldSample) int { return strings.Compare(a.Path, b.Path) })
		slices.Sort(m.im.Types)
		out[name] = m.im
		return nil
	})
	if err == nil {
		err = j.end()
	}
	if err != nil {
		return nil, fmt.Errorf("mapping answer: %w", err)
	}
	return out, nil
}

// mappingReader flattens one index's mapping into dotted field paths.
type mappingReader struct {
	j         *jsonReader
	im        indexMapping
	seen      map[string]bool // paths kept, so a path from two types counts once
	maxFields int
	maxDepth  int
}

// mappings reads the value of "mappings": null, a typeless body, or types.
func (m *mappingReader) mappings() error {
	if k, err := m.j.kind(); err != nil || k != jsonObject {
		if err == nil {
			err = m.j.skip()
		}
		return err
	}
	return eachMember(m.j, func(k []byte) error {
		if typelessKeys[string(k)] {
			return m.bodyKey(string(k))
		}
		if kind, err := m.j.kind(); err != nil || kind != jsonObject {
			if err == nil {
				err = m.j.skip()
			}
			return err
		}
		m.im.Types = append(m.im.Types, string(k))
		return eachMember(m.j, func(k []byte) error { return m.bodyKey(string(k)) })
	})
}

// bodyKey reads one key of a mapping body.
func (m *mappingReader) bodyKey(k string) error {
	switch k {
	case "properties":
		return m.properties("", 1)
	case "runtime":
		return m.runtime()
	case "dynamic":
		v, ok, err := m.j.scalar()
		if d := dynamicOf(string(v)); ok && d != "" {
			m.im.Dynamic = d
		}
		return err
	}
	return m.j.skip()
}

func dynamicOf(v string) string {
	switch v {
	case "false", "strict", "runtime":
		return v
	}
	return ""
}

func (m *mappingReader) add(s scanner.FieldSample) {
	if m.seen[s.Path] {
		return
	}
	if len(m.im.Fields) >= m.maxFields {
		m.im.Truncated++
		return
	}
	m.seen[s.Path] = true
	m.im.Fields = append(m.im.Fields, s)
}

// runtime reads runtime fields: names and types.
func (m *mappingReader) runtime() error {
	return eachMember(m.j, func(name []byte) error {
		s := scanner.FieldSample{Path: string(name), Source: scanner.SourceMapping, Note: "runtime"}
		err := eachMember(m.j, func(k []byte) error {
			if string(k) != "type" {
				return m.j.skip()
			}
			return m.text(&s.Type)
		})
		m.add(s)
		return err
	})
}
