package fingerprints

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/spillcheck/spillcheck/scanner"
)

// maxFieldLine is the longest field path a field list may hold.
const maxFieldLine = 1024

// schemaDoc reads {"store": S, "container": C, "fields": [...]}, or for
// Redis {"store": "redis", "container": DB, "keys": [...], "hash_fields":
// {"pattern": [...]}}. Other keys (labels, sources) are ignored.
func (rd *schemaReader) schemaDoc(m map[string]any, place string) ([]scanner.Result, error) {
	store, ok := m["store"].(string)
	if !ok || store == "" {
		return nil, rd.errorf(place+".store", "want a store name: elasticsearch, mongodb or redis")
	}
	container, _ := m["container"].(string)
	if v, ok := m["container"]; ok && container == "" {
		return nil, rd.errorf(place+".container", "want a non-empty string, got %s", kindOf(v))
	}
	if container == "" {
		container = rd.defaultContainer()
	}
	fields, err := rd.stringList(m, "fields", place)
	if err != nil {
		return nil, err
	}
	if store != scanner.Redis {
		if fields == nil {
			return nil, rd.errorf(place, "schema document has no \"fields\" array")
		}
		kind := "index"
		if store == scanner.MongoDB {
			kind = "collection"
		}
		c := scanner.Container{Kind: kind, Name: container}
		for i, f := range fields {
			if err := rd.addField(&c, f, "", fmt.Sprintf("%s.fields[%d]", place, i)); err != nil {
				return nil, err
			}
		}
		return rd.wrap(store, FormatSchemaDoc, []scanner.Container{c}), nil
	}
	return rd.redisDoc(m, container, fields, place)
}

// redisDoc makes one key-pattern container per key and per hash_fields
// pattern; the document's container names the Redis db.
func (rd *schemaReader) redisDoc(m map[string]any, db string, fields []string, place string) ([]scanner.Result, error) {
	keys, err := rd.stringList(m, "keys", place)
	if err != nil {
		return nil, err
	}
	hf := map[string]any{}
	if v, ok := m["hash_fields"]; ok {
		if hf, ok = v.(map[string]any); !ok {
			return nil, rd.errorf(place+".hash_fields", "want an object of pattern: [fields], got %s", kindOf(v))
		}
	}
	for _, k := range sortedKeys(hf) {
		if !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	keys = append(keys, fields...) // a Redis "fields" list names keys
	if len(keys) == 0 {
		return nil, rd.errorf(place, "redis schema document has no \"keys\" or \"hash_fields\"")
	}
	var cs []scanner.Container
	for _, k := range keys {
		c := scanner.Container{Kind: "key-pattern", Name: k, Database: db}
		if v, ok := hf[k]; ok {
			list, isList := v.([]any)
			if !isList {
				return nil, rd.errorf(place+".hash_fields."+k, "want an array of field names")
			}
			for i, x := range list {
				s, isStr := x.(string)
				p := fmt.Sprintf("%s.hash_fields.%s[%d]", place, k, i)
				if !isStr || s == "" {
					return nil, rd.errorf(p, "want a non-empty string, got %s", kindOf(x))
				}
				if err := rd.addField(&c, s, "", p); err != nil {
					return nil, err
				}
			}
		}
		cs = append(cs, c)
	}
	return rd.wrap(scanner.Redis, FormatSchemaDoc, cs), nil
}

// stringList reads m[key] as an array of non-empty strings; nil when absent.
func (rd *schemaReader) stringList(m map[string]any, key, place string) ([]string, error) {
	v, ok := m[key]
	if !ok {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, rd.errorf(place+"."+key, "want an array of strings, got %s", kindOf(v))
	}
	out := make([]string, 0, len(arr))
	for i, x := range arr {
		s, ok := x.(string)
		if !ok || s == "" {
			return nil, rd.errorf(fmt.Sprintf("%s.%s[%d]", place, key, i), "want a non-empty string, got %s", kindOf(x))
		}
		out = append(out, s)
	}
	return out, nil
}

// fieldList reads one field path per line; blank lines and '#' comments
// are skipped.
func (rd *schemaReader) fieldList(data []byte) ([]scanner.Result, error) {
	store := rd.opts.Store
	if store == "" {
		store = "unknown"
	}
	kind := map[string]string{scanner.Redis: "key-pattern", scanner.MongoDB: "collection"}[store]
	if kind == "" {
		kind = "index"
	}
	c := scanner.Container{Kind: kind, Name: rd.defaultContainer()}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), len(data)+1)
	for line := 1; sc.Scan(); line++ {
		f := strings.TrimSpace(sc.Text())
		if line == 1 {
			f = strings.TrimPrefix(f, "\ufeff")
		}
		if f == "" || strings.HasPrefix(f, "#") {
			continue
		}
		place := fmt.Sprintf("line %d", line)
		switch {
		case len(f) > maxFieldLine:
			return nil, rd.errorf(place, "field path longer than %d bytes", maxFieldLine)
		case !utf8.ValidString(f):
			return nil, rd.errorf(place, "not valid UTF-8")
		case strings.ContainsFunc(f, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return nil, rd.errorf(place, "control character in field path")
		}
		if err := rd.addField(&c, f, "", place); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, rd.errorf("", "%v", err)
	}
	if len(c.Fields) == 0 {
		return nil, rd.errorf("", "no field names (one per line expected)")
	}
	return rd.wrap(store, FormatFieldList, []scanner.Container{c}), nil
}
