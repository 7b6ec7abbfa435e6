package mongodb

import (
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

// fieldSet collects the field names of one collection, one entry per path
// and source, up to max entries.
type fieldSet struct {
	max     int
	fields  []scanner.FieldSample
	seen    map[string]bool
	dropped int
}

func (s *fieldSet) add(f scanner.FieldSample) {
	key := f.Source + "\x00" + f.Path
	if f.Path == "" || s.seen[key] {
		return
	}
	if len(s.fields) >= s.max {
		s.dropped++
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	s.seen[key] = true
	s.fields = append(s.fields, f)
}

// sampleFields reads the key-name aggregation's first batch: rows of
// {_id: {p, t}, n}. A path seen with several types becomes one field whose
// Type lists them, most common first, and whose Count adds them up.
func sampleFields(reply bsoncore.Document) []scanner.FieldSample {
	type agg struct {
		n     int
		types []string
	}
	byPath := map[string]*agg{}
	var order []string
	for _, row := range firstBatch(reply) {
		id, ok := row.Lookup("_id").DocumentOK()
		if !ok {
			continue
		}
		p, _ := id.Lookup("p").StringValueOK()
		t, _ := id.Lookup("t").StringValueOK()
		if p == "" {
			continue
		}
		a := byPath[p]
		if a == nil {
			a = &agg{}
			byPath[p] = a
			order = append(order, p)
		}
		a.n += int(numberOf(row.Lookup("n")))
		if t != "" {
			a.types = append(a.types, t)
		}
	}
	out := make([]scanner.FieldSample, 0, len(order))
	for _, p := range order {
		a := byPath[p]
		out = append(out, scanner.FieldSample{Path: p, Source: scanner.SourceSample, Type: strings.Join(a.types, "|"), Count: a.n})
	}
	return out
}

// indexFields returns the key paths of listIndexes' first batch. Text
// indexes name their fields in "weights"; wildcard keys ("a.$**") give the
// path before the wildcard.
func indexFields(reply bsoncore.Document) []string {
	var paths []string
	for _, ix := range firstBatch(reply) {
		key, _ := ix.Lookup("key").DocumentOK()
		elems, _ := key.Elements()
		for _, e := range elems {
			k := e.Key()
			switch {
			case k == "_fts" || k == "_ftsx":
				w, _ := ix.Lookup("weights").DocumentOK()
				ws, _ := w.Elements()
				for _, we := range ws {
					paths = append(paths, we.Key())
				}
			case k == "$**":
			case strings.HasSuffix(k, ".$**"):
				paths = append(paths, strings.TrimSuffix(k, ".$**"))
			default:
				paths = append(paths, k)
			}
		}
	}
	return paths
}

// validatorFields returns the property paths of a collection's validator:
// the properties of a $jsonSchema (and of its array items) down to depth
// levels, and the plain field names of a query-operator validator,
// including those under $and, $or and $nor. Enum values, patterns and
// descriptions are ignored.
func validatorFields(validator bsoncore.Document, depth int) []scanner.FieldSample {
	var out []scanner.FieldSample
	if schema, ok := validator.Lookup("$jsonSchema").DocumentOK(); ok {
		schemaFields(schema, "", 1, depth, &out)
	}
	queryFields(validator, 0, &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func schemaFields(schema bsoncore.Document, prefix string, level, depth int, out *[]scanner.FieldSample) {
	if level > depth {
		return
	}
	if items, ok := schema.Lookup("items").DocumentOK(); ok {
		schemaFields(items, prefix, level, depth, out)
	}
	props, ok := schema.Lookup("properties").DocumentOK()
	if !ok {
		return
	}
	elems, _ := props.Elements()
	for _, e := range elems {
		path := e.Key()
		if prefix != "" {
			path = prefix + "." + path
		}
		sub, _ := e.Value().DocumentOK()
		*out = append(*out, scanner.FieldSample{Path: path, Source: scanner.SourceValidator, Type: schemaType(sub)})
		if sub != nil {
			schemaFields(sub, path, level+1, depth, out)
		}
	}
}

// schemaType reads bsonType, else type: a string or an array of strings.
func schemaType(s bsoncore.Document) string {
	for _, k := range []string{"bsonType", "type"} {
		v := s.Lookup(k)
		if t, ok := v.StringValueOK(); ok {
			return t
		}
		if a, ok := v.ArrayOK(); ok {
			vals, _ := a.Values()
			var ts []string
			for _, x := range vals {
				if t, ok := x.StringValueOK(); ok {
					ts = append(ts, t)
				}
			}
			return strings.Join(ts, "|")
		}
	}
	return ""
}

func queryFields(q bsoncore.Document, level int, out *[]scanner.FieldSample) {
	if level > 2 {
		return
	}
	elems, _ := q.Elements()
	for _, e := range elems {
		k := e.Key()
		switch k {
		case "$and", "$or", "$nor":
			a, _ := e.Value().ArrayOK()
			vals, _ := a.Values()
			for _, v := range vals {
				if d, ok := v.DocumentOK(); ok {
					queryFields(d, level+1, out)
				}
			}
		default:
			if !strings.HasPrefix(k, "$") {
				*out = append(*out, scanner.FieldSample{Path: k, Source: scanner.SourceValidator})
			}
		}
	}
}

// firstBatch returns cursor.firstBatch's documents.
func firstBatch(reply bsoncore.Document) []bsoncore.Document {
	a, ok := reply.Lookup("cursor", "firstBatch").ArrayOK()
	if !ok {
		return nil
	}
	vals, _ := a.Values()
	docs := make([]bsoncore.Document, 0, len(vals))
	for _, v := range vals {
		if d, ok := v.DocumentOK(); ok {
			docs = append(docs, d)
		}
	}
	return docs
}
