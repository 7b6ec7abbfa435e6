package inventory

import (
	"bufio"
	"errors"
	"fmt"
	"io"

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
	max := int64(s.opts.maxLine())
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("a YAML document longer than %d bytes", max)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, atLine(yamlErrLine(err), err)
	}
	budget := maxYAMLNodes
	v, err := yamlValue(&doc, &budget, 0)
	if err != nil {
		return nil, err
	}
	return v, nil
}

var errYAMLTooBig = errors.New("the YAML document expands to too many values (aliases)")

func yamlValue(n *yaml.Node, budget *int, depth int) (any, error) {
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
		return yamlValue(n.Content[0], budget, depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return yamlValue(n.Alias, budget, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			v, err := yamlValue(n.Content[i+1], budget, depth+1)
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
			v, err := yamlValue(c, budget, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
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
