package fingerprints

import (
	"fmt"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// elastic recognizes Elasticsearch and OpenSearch mappings and templates.
// ok is false when m is none of them.
func (rd *schemaReader) elastic(m map[string]any, place string) (cs []scanner.Container, format string, ok bool, err error) {
	switch {
	case has(m, "index_templates"): // GET _index_template
		cs, err = rd.namedTemplates(m, "index_templates", "index_template", place)
		return cs, FormatESTemplate, true, err
	case has(m, "component_templates"): // GET _component_template
		cs, err = rd.namedTemplates(m, "component_templates", "component_template", place)
		return cs, FormatESTemplate, true, err
	case has(m, "index_patterns") || isTemplateBody(m):
		c, err := rd.template(m, rd.defaultContainer(), place)
		return []scanner.Container{c}, FormatESTemplate, true, err
	case has(m, "mappings"): // PUT index body
		c, err := rd.mappingContainer(m["mappings"], "index", rd.defaultContainer(), place+".mappings")
		return []scanner.Container{c}, FormatESMapping, true, err
	case isMappingBody(m): // bare mapping
		c, err := rd.mappingContainer(m, "index", rd.defaultContainer(), place)
		return []scanner.Container{c}, FormatESMapping, true, err
	}
	// GET _mapping {"index": {"mappings": ...}} or GET _template
	// {"name": {"index_patterns": ..., "mappings": ...}}.
	keys := sortedKeys(m)
	if len(keys) == 0 {
		return nil, "", false, nil
	}
	format = FormatESMapping
	for _, k := range keys {
		sub, isObj := m[k].(map[string]any)
		if !isObj || !(has(sub, "mappings") || has(sub, "index_patterns")) {
			return nil, "", false, nil
		}
		if has(sub, "index_patterns") {
			format = FormatESTemplate
		}
	}
	for _, k := range keys {
		sub := m[k].(map[string]any)
		p := place + "." + k
		var c scanner.Container
		if has(sub, "index_patterns") {
			c, err = rd.template(sub, k, p)
		} else {
			c, err = rd.mappingContainer(sub["mappings"], "index", k, p+".mappings")
		}
		if err != nil {
			return nil, "", true, err
		}
		cs = append(cs, c)
	}
	return cs, format, true, nil
}

// isTemplateBody is a composable or component template body:
// {"template": {"mappings": ...}}.
func isTemplateBody(m map[string]any) bool {
	t, ok := m["template"].(map[string]any)
	return ok && has(t, "mappings")
}

// isMappingBody is a bare mapping: properties whose values carry a type or
// their own properties, with no sign of JSON Schema.
func isMappingBody(m map[string]any) bool {
	props, ok := m["properties"].(map[string]any)
	if !ok {
		return false
	}
	for _, v := range props {
		if f, ok := v.(map[string]any); ok && (has(f, "bsonType") || has(f, "items")) {
			return false
		}
	}
	return !has(m, "required") && !has(m, "$schema") && !has(m, "additionalProperties")
}

// namedTemplates reads {"index_templates": [{"name": ..., "index_template": {...}}]}.
func (rd *schemaReader) namedTemplates(m map[string]any, listKey, bodyKey, place string) ([]scanner.Container, error) {
	list, ok := m[listKey].([]any)
	if !ok {
		return nil, rd.errorf(place+"."+listKey, "want an array")
	}
	var cs []scanner.Container
	for i, item := range list {
		p := fmt.Sprintf("%s.%s[%d]", place, listKey, i)
		im, ok := item.(map[string]any)
		if !ok {
			return nil, rd.errorf(p, "want an object")
		}
		body, ok := im[bodyKey].(map[string]any)
		if !ok {
			return nil, rd.errorf(p+"."+bodyKey, "want an object")
		}
		name, _ := im["name"].(string)
		if name == "" {
			name = rd.defaultContainer()
		}
		c, err := rd.template(body, name, p+"."+bodyKey)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// template reads a composable template ({"index_patterns", "template":
// {"mappings"}}), a legacy one ({"index_patterns", "mappings"}) or a
// component template ({"template": {"mappings"}}). The container is named
// for its index patterns when it has them.
func (rd *schemaReader) template(m map[string]any, name, place string) (scanner.Container, error) {
	if pats, ok := m["index_patterns"]; ok {
		switch p := pats.(type) {
		case string:
			name = p
		case []any:
			var names []string
			for _, x := range p {
				if s, ok := x.(string); ok {
					names = append(names, s)
				}
			}
			if len(names) > 0 {
				name = strings.Join(names, ",")
			}
		default:
			return scanner.Container{}, rd.errorf(place+".index_patterns", "want a string or an array of strings")
		}
	}
	mappings, mp := m["mappings"], place+".mappings"
	if t, ok := m["template"].(map[string]any); ok {
		mappings, mp = t["mappings"], place+".template.mappings"
	}
	if mappings == nil {
		return scanner.Container{Kind: "index-pattern", Name: name}, nil
	}
	return rd.mappingContainer(mappings, "index-pattern", name, mp)
}

// mappingContainer reads a mapping, typeless ({"properties": ...}) or with
// one mapping type ({"_doc": {"properties": ...}}, Elasticsearch 6).
func (rd *schemaReader) mappingContainer(v any, kind, name, place string) (scanner.Container, error) {
	c := scanner.Container{Kind: kind, Name: name}
	m, ok := v.(map[string]any)
	if !ok {
		return c, rd.errorf(place, "mappings: want an object, got %s", kindOf(v))
	}
	if !has(m, "properties") {
		for _, k := range sortedKeys(m) {
			if sub, ok := m[k].(map[string]any); ok && has(sub, "properties") {
				m, place = sub, place+"."+k
				break
			}
		}
	}
	props, ok := m["properties"]
	if !ok {
		return c, nil // dynamic mapping with no fields yet
	}
	return c, rd.esProperties(&c, props, "", place+".properties", 0)
}

// esProperties walks "properties" depth-first, adding each leaf field.
// Objects and nested fields add their children; multi-fields ("fields")
// repeat their parent's name and are skipped.
func (rd *schemaReader) esProperties(c *scanner.Container, v any, prefix, place string, depth int) error {
	if depth > maxSchemaDepth {
		return rd.errorf(place, "nested deeper than %d levels", maxSchemaDepth)
	}
	props, ok := v.(map[string]any)
	if !ok {
		return rd.errorf(place, "properties: want an object, got %s", kindOf(v))
	}
	for _, k := range sortedKeys(props) {
		p := place + "." + k
		f, ok := props[k].(map[string]any)
		if !ok {
			return rd.errorf(p, "field mapping: want an object, got %s", kindOf(props[k]))
		}
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		if sub, ok := f["properties"]; ok {
			if err := rd.esProperties(c, sub, path, p+".properties", depth+1); err != nil {
				return err
			}
			continue
		}
		typ, _ := f["type"].(string)
		if err := rd.addField(c, path, typ, p); err != nil {
			return err
		}
	}
	return nil
}
