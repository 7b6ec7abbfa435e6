package inventory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// maxYAMLNodes bounds the values one YAML document may expand to, aliases
// included, so that a "billion laughs" document cannot fill memory.
const maxYAMLNodes = 1 << 20

// readYAML reads one YAML document of at most the sink's line bound (YAML
// inventories are read whole: Ansible inventories and compose files are
// small) and returns it as JSON-like values: map[string]any, []any and
// strings (numbers and booleans as their text).
func readYAML(r *bufio.Reader, s *sink) (any, error) {
	data, err := readYAMLBytes(r, s)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, atLine(yamlErrLine(err), err)
	}
	budget := maxYAMLNodes
	v, err := yamlValue(&doc, &budget, 0, false)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// readYAMLBytes reads a YAML stream of at most the sink's line bound.
func readYAMLBytes(r *bufio.Reader, s *sink) ([]byte, error) {
	max := int64(s.opts.maxLine())
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("a YAML document longer than %d bytes", max)
	}
	return data, nil
}

// readYAMLDocs reads every document of a YAML stream ("---" between them,
// as kubectl and helm write manifests), with the same bounds as readYAML,
// keeping integers and booleans typed so that the values decode as JSON
// would.
func readYAMLDocs(r *bufio.Reader, s *sink) ([]any, error) {
	data, err := readYAMLBytes(r, s)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	budget := maxYAMLNodes
	var docs []any
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, atLine(yamlErrLine(err), err)
		}
		v, err := yamlValue(&doc, &budget, 0, true)
		if err != nil {
			return nil, err
		}
		if v != nil {
			docs = append(docs, v)
		}
	}
}

var errYAMLTooBig = errors.New("the YAML document expands to too many values (aliases)")

// yamlValue converts a node; with typed, integers become json.Number and
// booleans bool, otherwise every scalar is its text.
func yamlValue(n *yaml.Node, budget *int, depth int, typed bool) (any, error) {
	if *budget--; *budget < 0 {
		return nil, errYAMLTooBig
	}
	if depth > maxDepth {
		return nil, errors.New("YAML nested too deep")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return yamlValue(n.Content[0], budget, depth+1, typed)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return yamlValue(n.Alias, budget, depth+1, typed)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			v, err := yamlValue(n.Content[i+1], budget, depth+1, typed)
			if err != nil {
				return nil, err
			}
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
				if mm, ok := v.(map[string]any); ok {
					for kk, vv := range mm {
						if _, set := m[kk]; !set {
							m[kk] = vv
						}
					}
				}
				continue
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, budget, depth+1, typed)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch {
		case n.Tag == "!!null":
			return nil, nil
		case typed && n.Tag == "!!int":
			if _, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
				return json.Number(n.Value), nil
			}
		case typed && n.Tag == "!!bool":
			return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", nil
		}
		return n.Value, nil
	}
	return nil, nil
}

// yamlErrLine finds "line N" in a yaml error; 0 when there is none.
func yamlErrLine(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return 0
	}
	var line int
	if _, e := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); e == nil {
		return line
	}
	return 0
}
