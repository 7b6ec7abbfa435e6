package inventory

import (
	"bufio"
	"context"
	"encoding/json"
	"strconv"
)

// tfResource is one resource of `terraform show -json` state.
type tfResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

// tfStateResource is one resource of a raw state file (terraform.tfstate,
// format version 4): its instances' attributes are what show -json calls
// values.
type tfStateResource struct {
	Module    string `json:"module"`
	Mode      string `json:"mode"`
	Type      string `json:"type"`
	Name      string `json:"name"`
	Instances []struct {
		IndexKey   any            `json:"index_key"`
		Attributes map[string]any `json:"attributes"`
		// AttributesFlat is what a state upgraded from version 3 holds
		// until its next refresh (see terraform_flat.go).
		AttributesFlat map[string]string `json:"attributes_flat"`
	} `json:"instances"`
}

// address spells a state resource instance as Terraform does:
// module.a.aws_instance.web[0], data.aws_instance.x["k"].
func (r *tfStateResource) address(key any) string {
	a := r.Type + "." + r.Name
	if r.Mode == "data" {
		a = "data." + a
	}
	if r.Module != "" {
		a = r.Module + "." + a
	}
	switch k := key.(type) {
	case json.Number:
		a += "[" + k.String() + "]"
	case float64:
		a += "[" + strconv.FormatFloat(k, 'f', -1, 64) + "]"
	case string:
		a += "[" + strconv.Quote(k) + "]"
	}
	return a
}

// routeTerraform decodes each resource of the root module and of child
// modules at any depth, under values (state), prior_state.values or
// planned_values (plans); and each element of resources (raw state).
func routeTerraform(p jsonPath) step {
	if len(p) == 0 {
		return descend
	}
	if p[0].index < 0 && p[0].key == "version" && len(p) == 1 {
		return decodeValue
	}
	if p[0].index < 0 && p[0].key == "modules" { // format version 3
		switch {
		case len(p) == 1, len(p) == 2 && p[1].index >= 0:
			return descend
		case len(p) == 3 && p[2].key == "path", len(p) == 4 && p[2].key == "resources":
			return decodeValue
		case len(p) == 3 && p[2].key == "resources":
			return descend
		}
		return skipValue
	}
	if p[0].index < 0 && p[0].key == "resources" {
		switch {
		case len(p) == 1:
			return descend
		case len(p) == 2 && p[1].index >= 0:
			return decodeValue
		}
		return skipValue
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

// readTerraform reads `terraform show -json` (state or plan) and the raw
// state file (terraform.tfstate, version 4, and version 3 of Terraform 0.9
// to 0.11): instances and their secondary
// addresses, network interfaces, ElastiCache, MemoryDB, OpenSearch and
// Elasticsearch domains, DocumentDB, Memorystore, Azure Cache for Redis,
// Cosmos DB for MongoDB, Azure VMs and Kubernetes services, in every
// module. Data sources are read too: they name existing infrastructure.
func readTerraform(ctx context.Context, r *bufio.Reader, s *sink) error {
	version := ""
	var module []string // the path of the version 3 module being read
	err := walkJSON(ctx, r, s.opts.maxLine(), routeTerraform, func(p jsonPath, dec *json.Decoder) error {
		if p[0].key == "modules" {
			if p[2].key == "path" {
				module = nil
				return dec.Decode(&module)
			}
			return readV3Resource(s, p, dec, module)
		}
		if p[0].key == "version" {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return err
			}
			version = string(v)
			return nil
		}
		if p[0].key == "resources" {
			return readStateResource(s, p, dec)
		}
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
	if err == nil && version != "" && version != "4" && version != "3" && s.stats.Records == 0 {
		s.stats.warnf("%s is a Terraform state of format version %s; this reader knows versions 3 and 4 (Terraform 0.9 and later) and `terraform show -json`", s.file, version)
	}
	return err
}

// readStateResource reads one resource of a raw state file: each instance's
// attributes, with its address as the resource.
func readStateResource(s *sink, p jsonPath, dec *json.Decoder) error {
	var res tfStateResource
	if err := dec.Decode(&res); err != nil {
		return err
	}
	if err := s.record(); err != nil {
		return err
	}
	fn, ok := tfResources[res.Type]
	if !ok {
		return nil
	}
	for i, inst := range res.Instances {
		attrs, field := inst.Attributes, ".attributes"
		if attrs == nil && inst.AttributesFlat != nil {
			attrs, field = unflatten(inst.AttributesFlat), ".attributes_flat"
		}
		if attrs == nil {
			continue
		}
		tf := tfEmitter{s: s, path: p.String() + "." + idx("instances", i) + field, res: res.address(inst.IndexKey)}
		fn(&tf, attrs)
	}
	return nil
}
