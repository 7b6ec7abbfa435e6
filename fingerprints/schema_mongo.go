package fingerprints

import (
	"fmt"

	"github.com/spillcheck/spillcheck/scanner"
)

// mongo recognizes a MongoDB validator: {"collMod"|"create": NAME,
// "validator": {"$jsonSchema": ...}}, {"validator": ...}, {"$jsonSchema":
// ...}, or a bare JSON Schema with bsonType or JSON Schema keywords. ok is
// false when m is none of them.
func (rd *schemaReader) mongo(m map[string]any, place string) (_ []scanner.Container, ok bool, err error) {
	name := rd.defaultContainer()
	for _, k := range []string{"collMod", "create", "createCollection"} {
		if s, isStr := m[k].(string); isStr && s != "" {
			name = s
		}
	}
	schema, p := any(nil), place
	switch {
	case has(m, "validator"):
		val, isObj := m["validator"].(map[string]any)
		if !isObj || !has(val, "$jsonSchema") {
			return nil, true, rd.errorf(place+".validator", "want an object with $jsonSchema")
		}
		schema, p = val["$jsonSchema"], place+".validator.$jsonSchema"
	case has(m, "$jsonSchema"):
		schema, p = m["$jsonSchema"], place+".$jsonSchema"
	case has(m, "bsonType") || (has(m, "properties") && !isMappingBody(m)):
		schema = m
	default:
		return nil, false, nil
	}
	c := scanner.Container{Kind: "collection", Name: name}
	err = rd.jsNode(&c, schema, "", p, 0)
	return []scanner.Container{c}, true, err
}

// jsNode adds the fields of one schema node, descending into object
// properties, array items and anyOf/oneOf/allOf alternatives.
func (rd *schemaReader) jsNode(c *scanner.Container, v any, prefix, place string, depth int) error {
	if depth > maxSchemaDepth {
		return rd.errorf(place, "nested deeper than %d levels", maxSchemaDepth)
	}
	node, ok := v.(map[string]any)
	if !ok {
		return rd.errorf(place, "schema: want an object, got %s", kindOf(v))
	}
	if items, ok := node["items"]; ok {
		if im, isObj := items.(map[string]any); isObj && has(im, "properties") {
			if err := rd.jsNode(c, im, prefix, place+".items", depth+1); err != nil {
				return err
			}
		}
	}
	for _, key := range []string{"anyOf", "oneOf", "allOf"} {
		alts, ok := node[key].([]any)
		if !ok {
			continue
		}
		for i, alt := range alts {
			if am, isObj := alt.(map[string]any); isObj && has(am, "properties") {
				if err := rd.jsNode(c, am, prefix, fmt.Sprintf("%s.%s[%d]", place, key, i), depth+1); err != nil {
					return err
				}
			}
		}
	}
	raw, ok := node["properties"]
	if !ok {
		return nil
	}
	props, ok := raw.(map[string]any)
	if !ok {
		return rd.errorf(place+".properties", "want an object, got %s", kindOf(raw))
	}
	for _, k := range sortedKeys(props) {
		p := place + ".properties." + k
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		sub, ok := props[k].(map[string]any)
		if !ok {
			return rd.errorf(p, "want an object, got %s", kindOf(props[k]))
		}
		nested := has(sub, "properties")
		if items, ok := sub["items"].(map[string]any); ok && has(items, "properties") {
			nested = true
		}
		if nested {
			if err := rd.jsNode(c, sub, path, p, depth+1); err != nil {
				return err
			}
			continue
		}
		if err := rd.addField(c, path, bsonType(sub), p); err != nil {
			return err
		}
	}
	return nil
}

// bsonType names a property's type: bsonType, else the JSON Schema type.
func bsonType(m map[string]any) string {
	for _, k := range []string{"bsonType", "type"} {
		switch t := m[k].(type) {
		case string:
			return t
		case []any:
			if len(t) > 0 {
				if s, ok := t[0].(string); ok {
					return s
				}
			}
		}
	}
	return ""
}
