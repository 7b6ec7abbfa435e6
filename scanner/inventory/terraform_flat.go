package inventory

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Terraform before 0.12 kept resource attributes as a flat map of strings
// ("flatmap"): "private_ip", "cache_nodes.#" (a count), "cache_nodes.0.address",
// "tags.%" and "tags.Name", set elements under a hash ("ipv6_addresses.123").
// State format version 3 holds only that, under
// modules[].resources["TYPE.NAME.INDEX"].primary.attributes, and a version 4
// state upgraded from it keeps it as instances[].attributes_flat until the
// next refresh. unflatten rebuilds the nested values the readers of
// terraform_resources.go take.

// tfV3Resource is one resource of a version 3 state.
type tfV3Resource struct {
	Type    string `json:"type"`
	Primary *struct {
		Attributes map[string]string `json:"attributes"`
	} `json:"primary"`
}

// readV3Resource reads modules[i].resources[key] of a version 3 state;
// module is the module's path (["root", "child"]).
func readV3Resource(s *sink, p jsonPath, dec *json.Decoder, module []string) error {
	var res tfV3Resource
	if err := dec.Decode(&res); err != nil {
		return err
	}
	if err := s.record(); err != nil {
		return err
	}
	fn, ok := tfResources[res.Type]
	if !ok || res.Primary == nil || res.Primary.Attributes == nil {
		return nil
	}
	tf := tfEmitter{s: s, path: p.String() + ".primary.attributes", res: v3Address(module, p[len(p)-1].key)}
	fn(&tf, unflatten(res.Primary.Attributes))
	return nil
}

// v3Address spells a version 3 resource key as Terraform 0.12 does:
// module path ["root","a"] and "aws_instance.web.0" give
// module.a.aws_instance.web[0].
func v3Address(module []string, key string) string {
	parts := strings.Split(key, ".")
	if n := len(parts); n >= 3 && parts[n-1] != "" && strings.Trim(parts[n-1], "0123456789") == "" {
		key = strings.Join(parts[:n-1], ".") + "[" + parts[n-1] + "]"
	}
	for i := len(module) - 1; i >= 1; i-- {
		key = "module." + module[i] + "." + key
	}
	return key
}

// unflatten turns a flatmap into nested maps and lists: "true" and "false"
// become booleans, numbers stay strings (the readers take either), and a
// map whose keys are all digits becomes a list in key order.
func unflatten(flat map[string]string) map[string]any {
	root := map[string]any{}
	for k, v := range flat {
		parts := strings.Split(k, ".")
		last := parts[len(parts)-1]
		if last == "#" || last == "%" {
			continue
		}
		m := root
		for _, part := range parts[:len(parts)-1] {
			child, ok := m[part].(map[string]any)
			if !ok {
				child = map[string]any{}
				m[part] = child
			}
			m = child
		}
		if _, nested := m[last].(map[string]any); nested {
			continue
		}
		switch v {
		case "true":
			m[last] = true
		case "false":
			m[last] = false
		default:
			m[last] = v
		}
	}
	return listify(root).(map[string]any)
}

func listify(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	digits := len(m) > 0
	for k, e := range m {
		m[k] = listify(e)
		if _, err := strconv.ParseUint(k, 10, 64); err != nil {
			digits = false
		}
	}
	if !digits {
		return m
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, _ := strconv.ParseUint(keys[i], 10, 64)
		b, _ := strconv.ParseUint(keys[j], 10, 64)
		return a < b
	})
	list := make([]any, len(keys))
	for i, k := range keys {
		list[i] = m[k]
	}
	return list
}
