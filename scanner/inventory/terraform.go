package inventory

import (
	"bufio"
	"context"
	"encoding/json"
)

// tfResource is one resource of `terraform show -json` state.
type tfResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

// routeTerraform decodes each resource of the root module and of child
// modules at any depth, under values (state), prior_state.values or
// planned_values (plans).
func routeTerraform(p jsonPath) step {
	if len(p) == 0 {
		return descend
	}
	i := 0
	key := func() string {
		if i < len(p) && p[i].index < 0 {
			return p[i].key
		}
		return ""
	}
	if key() == "prior_state" {
		i++
		if i == len(p) {
			return descend
		}
	}
	if k := key(); k != "values" && k != "planned_values" {
		return skipValue
	}
	if i++; i == len(p) {
		return descend
	}
	if key() != "root_module" {
		return skipValue
	}
	for i++; i < len(p); i++ {
		switch key() {
		case "resources":
			if i+1 == len(p) {
				return descend
			}
			if i+2 == len(p) && p[i+1].index >= 0 {
				return decodeValue
			}
			return skipValue
		case "child_modules":
			if i+1 == len(p) || (i+2 == len(p) && p[i+1].index >= 0) {
				return descend
			}
			if p[i+1].index < 0 {
				return skipValue
			}
			i++ // the module's index; the loop moves to its key
		default:
			return skipValue
		}
	}
	return descend
}

// readTerraform reads `terraform show -json` (state or plan): instances,
// ElastiCache, OpenSearch/Elasticsearch domains, DocumentDB, Memorystore,
// Azure Redis, Azure VMs and Kubernetes services, in every module. Data
// sources are read too: they name existing infrastructure.
func readTerraform(ctx context.Context, r *bufio.Reader, s *sink) error {
	return walkJSON(ctx, r, s.opts.maxLine(), routeTerraform, func(p jsonPath, dec *json.Decoder) error {
		var res tfResource
		if err := dec.Decode(&res); err != nil {
			return err
		}
		if err := s.record(); err != nil {
			return err
		}
		fn, ok := tfResources[res.Type]
		if !ok || res.Values == nil {
			return nil
		}
		tf := tfEmitter{s: s, path: p.String() + ".values", res: res.Address}
		fn(&tf, res.Values)
		return nil
	})
}
