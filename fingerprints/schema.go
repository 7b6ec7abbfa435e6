package fingerprints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// SchemaOptions tell ReadSchemas what a bare field list describes.
type SchemaOptions struct {
	// Store is "elasticsearch", "mongodb" or "redis"; for plain field lists
	// and formats that do not name their store. Empty means "unknown".
	Store string
	// Container names the index, collection or key pattern of a plain field
	// list, a bare mapping or a bare validator; empty means the file name.
	Container string
	// MaxBytes caps the input; 0 means DefaultMaxSchemaBytes.
	MaxBytes int64
}

// DefaultMaxSchemaBytes is the input cap when SchemaOptions.MaxBytes is 0.
const DefaultMaxSchemaBytes = 64 << 20

// Limits on what one schema file may describe, so a hostile file cannot
// make the reader recurse or allocate without bound.
const (
	maxSchemaDepth  = 32
	maxSchemaFields = 20000
)

// ErrSchema wraps every error about the content of a schema file.
var ErrSchema = errors.New("unreadable schema")

// Input formats ReadSchemas recognizes, recorded in Target.Origins[].Format.
const (
	FormatResults    = "spillcheck-results"
	FormatESMapping  = "es-mapping"
	FormatESTemplate = "es-template"
	FormatMongo      = "mongodb-jsonschema"
	FormatSchemaDoc  = "schema-document"
	FormatFieldList  = "field-list"
)

// ReadSchemas reads one schema file and returns results ready to score. It
// detects, in this order:
//
//  1. spillcheck results: one JSON result, a JSON report {"results":[...]},
//     or JSON lines of results (summary lines are skipped); they keep their
//     status and volume, so re-scoring changes only scores;
//  2. an Elasticsearch/OpenSearch GET _mapping response, index body
//     {"mappings":...}, bare mapping {"properties":...}, or an index
//     template (composable, legacy, component, or the GET _index_template,
//     _template and _component_template responses);
//  3. a MongoDB $jsonSchema validator: bare, {"$jsonSchema":...}, or inside
//     a collMod or create command;
//  4. a schema document {"store":...,"container":...,"fields":[...]}, or for
//     Redis {"store":"redis","keys":[...],"hash_fields":{...}};
//  5. anything else that is not JSON: a field list, one path per line,
//     '#' starting a comment.
//
// Schemas (2-5) are rated as if the store were open with unknown volume:
// Status is open and Container.Docs is nil. Errors name the file and the
// line, or the JSON path, that is wrong.
func ReadSchemas(name string, r io.Reader, opts SchemaOptions) ([]scanner.Result, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxSchemaBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s: larger than %d bytes", ErrSchema, name, limit)
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: %s: empty file", ErrSchema, name)
	}
	rd := &schemaReader{name: name, opts: opts}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return rd.fieldList(data)
	}
	return rd.json(trimmed)
}

type schemaReader struct {
	name   string
	opts   SchemaOptions
	fields int
}

// errorf formats an ErrSchema error at a place in the file.
func (rd *schemaReader) errorf(place, format string, args ...any) error {
	if place != "" {
		place = " at " + place
	}
	return fmt.Errorf("%w: %s%s: %s", ErrSchema, rd.name, place, fmt.Sprintf(format, args...))
}

// json decodes every top-level JSON value and dispatches each.
func (rd *schemaReader) json(data []byte) ([]scanner.Result, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []scanner.Result
	for n := 1; ; n++ {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			off := dec.InputOffset()
			var se *json.SyntaxError
			switch {
			case errors.As(err, &se):
				off = se.Offset
			case errors.Is(err, io.ErrUnexpectedEOF):
				off = int64(len(data))
			}
			line, col := lineCol(data, off)
			return nil, rd.errorf(fmt.Sprintf("line %d, column %d", line, col), "%v", err)
		}
		res, err := rd.value(v, n)
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	if len(out) == 0 {
		return nil, rd.errorf("", "no results, containers or fields found")
	}
	return out, nil
}

// value dispatches one top-level JSON value (the n-th in the file).
func (rd *schemaReader) value(v any, n int) ([]scanner.Result, error) {
	place := "$"
	if n > 1 {
		place = fmt.Sprintf("value %d", n)
	}
	switch x := v.(type) {
	case []any:
		var out []scanner.Result
		for i, item := range x {
			res, err := rd.object(item, fmt.Sprintf("%s[%d]", place, i))
			if err != nil {
				return nil, err
			}
			out = append(out, res...)
		}
		return out, nil
	default:
		return rd.object(v, place)
	}
}

// object recognizes one JSON object.
func (rd *schemaReader) object(v any, place string) ([]scanner.Result, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, rd.errorf(place, "want a JSON object, got %s", kindOf(v))
	}
	switch {
	case has(m, "target") && has(m, "status"):
		r, err := rd.result(m, place)
		return []scanner.Result{r}, err
	case has(m, "results") && (has(m, "summary") || has(m, "tool")):
		arr, ok := m["results"].([]any)
		if !ok {
			return nil, rd.errorf(place+".results", "want an array")
		}
		var out []scanner.Result
		for i, item := range arr {
			im, ok := item.(map[string]any)
			if !ok {
				return nil, rd.errorf(fmt.Sprintf("%s.results[%d]", place, i), "want a result object")
			}
			r, err := rd.result(im, fmt.Sprintf("%s.results[%d]", place, i))
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	case has(m, "by_status") && has(m, "targets"):
		return nil, nil // a summary line in JSON lines
	case has(m, "store"):
		return rd.schemaDoc(m, place)
	}
	if cs, ok, err := rd.mongo(m, place); ok || err != nil {
		return rd.wrap(scanner.MongoDB, FormatMongo, cs), err
	}
	cs, format, ok, err := rd.elastic(m, place)
	if err != nil {
		return nil, err
	}
	if ok {
		return rd.wrap(scanner.Elasticsearch, format, cs), nil
	}
	return nil, rd.errorf(place, "not a spillcheck result, Elasticsearch mapping or template, MongoDB $jsonSchema or schema document (keys: %s)", keyList(m))
}

// result decodes one spillcheck result, keeping everything but its score.
func (rd *schemaReader) result(m map[string]any, place string) (scanner.Result, error) {
	var r scanner.Result
	b, _ := json.Marshal(m)
	if err := json.Unmarshal(b, &r); err != nil {
		return r, rd.errorf(place, "not a spillcheck result: %v", err)
	}
	r.Score = nil
	for i := range r.Containers {
		r.Containers[i].Score = nil
	}
	return r, nil
}

// wrap makes an offline result: open, unknown volume.
func (rd *schemaReader) wrap(store, format string, cs []scanner.Container) []scanner.Result {
	if len(cs) == 0 {
		return nil
	}
	if rd.opts.Store != "" {
		store = rd.opts.Store
	}
	return []scanner.Result{{
		Target:     scanner.Target{Host: rd.name, Service: store, Origins: []scanner.Origin{{File: rd.name, Format: format}}},
		Status:     scanner.StatusOpen,
		Product:    store,
		Containers: cs,
		Notes:      []string{"offline schema: rated as if open, volume unknown"},
	}}
}

// defaultContainer is the container name for inputs that do not carry one.
func (rd *schemaReader) defaultContainer() string {
	if rd.opts.Container != "" {
		return rd.opts.Container
	}
	base := filepath.Base(rd.name)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// addField appends a field, enforcing the per-file bound.
func (rd *schemaReader) addField(c *scanner.Container, path, typ, place string) error {
	if rd.fields++; rd.fields > maxSchemaFields {
		return rd.errorf(place, "more than %d fields", maxSchemaFields)
	}
	c.Fields = append(c.Fields, scanner.FieldSample{Path: path, Source: scanner.SourceSchema, Type: typ})
	return nil
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func keyList(m map[string]any) string {
	keys := sortedKeys(m)
	if len(keys) > 6 {
		keys = append(keys[:6], "...")
	}
	return strings.Join(keys, ", ")
}

// sortedKeys returns m's keys in order, so that field order, evidence and
// golden files do not depend on map iteration.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
