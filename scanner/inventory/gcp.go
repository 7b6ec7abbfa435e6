package inventory

import (
	"bufio"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// gceInstance is one instance of `gcloud compute instances list
// --format=json`.
type gceInstance struct {
	Name              string
	ID                string `json:"id"`
	SelfLink          string
	NetworkInterfaces []struct {
		NetworkIP     string `json:"networkIP"`
		IPv6Address   string `json:"ipv6Address"`
		AccessConfigs []struct {
			NatIP        string `json:"natIP"`
			ExternalIpv6 string `json:"externalIpv6"`
		}
		Ipv6AccessConfigs []struct {
			ExternalIpv6 string `json:"externalIpv6"`
		}
	}
}

// readGCPCompute reads instances: networkIP (private) and the natIP and
// external IPv6 of each access config (public).
func readGCPCompute(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var in gceInstance
		if err := decode(&in); err != nil {
			return err
		}
		res := firstNonEmpty(in.SelfLink, in.Name, in.ID)
		add := func(host, exposure, field string) {
			if host != "" {
				s.add(endpoint{host: host, exposure: exposure, line: line, path: joinPath(path, field), resource: res})
			}
		}
		for i, ni := range in.NetworkInterfaces {
			nic := "networkInterfaces[" + strconv.Itoa(i) + "]"
			add(ni.NetworkIP, Private, nic+".networkIP")
			add(ni.IPv6Address, "", nic+".ipv6Address")
			for j, ac := range ni.AccessConfigs {
				add(ac.NatIP, Public, nic+".accessConfigs["+strconv.Itoa(j)+"].natIP")
				add(ac.ExternalIpv6, Public, nic+".accessConfigs["+strconv.Itoa(j)+"].externalIpv6")
			}
			for j, ac := range ni.Ipv6AccessConfigs {
				add(ac.ExternalIpv6, Public, nic+".ipv6AccessConfigs["+strconv.Itoa(j)+"].externalIpv6")
			}
		}
		return nil
	})
}

// gcpAddressKeys are the fields of Cloud Asset records that hold addresses,
// with the exposure their name implies.
var gcpAddressKeys = map[string]string{
	"networkIP": Private, "internalIP": Private, "internalIPs": Private, "ipv6Address": "",
	"host": Private, "readEndpoint": Private, "address": "", "IPAddress": "", "ipAddress": "",
	"natIP": Public, "externalIP": Public, "externalIPs": Public, "externalIpv6": Public,
}

// gcpPortKeys pair a port with the address key next to it.
var gcpPortKeys = map[string]string{"host": "port", "readEndpoint": "readEndpointPort", "address": "port"}

// readGCPAsset reads the JSON lines of `gcloud asset export` (or the JSON
// array of `gcloud asset search-all-resources --format=json`): every
// address-bearing field of each asset, with Memorystore for Redis assets
// marked as Redis (TLS when transit encryption is on) and forwarding rules
// planned on the store ports their port hint names (see forwardingPlan).
// Memorystore for Memcached and Cloud SQL assets are skipped: not our
// stores.
func readGCPAsset(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var rec map[string]any
		if err := decode(&rec); err != nil {
			return err
		}
		name, _ := rec["name"].(string)
		typ, _ := rec["assetType"].(string)
		if typ == "" {
			typ, _ = rec["asset_type"].(string)
		}
		service, tls := "", false
		var plan []portPlan
		switch {
		case strings.HasPrefix(typ, "redis.googleapis.com/"):
			service = scanner.Redis
			tls = strings.Contains(gcpString(rec, "transitEncryptionMode"), "SERVER_AUTH")
		case strings.HasPrefix(typ, "memcache.googleapis.com/"), strings.HasPrefix(typ, "sqladmin.googleapis.com/"):
			s.stats.Skipped++
			return nil
		case isForwardingRule(typ):
			var keep bool
			if plan, keep = forwardingPlan(rec); !keep {
				s.stats.Skipped++
				return nil
			}
		}
		walkAny(rec, path, 0, func(obj map[string]any, key, at string) {
			exposure, ok := gcpAddressKeys[key]
			if !ok {
				return
			}
			port := 0
			if pk, ok := gcpPortKeys[key]; ok {
				port = anyInt(obj[pk])
			}
			for _, h := range anyStrings(obj[key]) {
				if len(plan) > 0 {
					for _, pp := range plan {
						s.add(endpoint{host: h, port: pp.port, service: pp.service, tls: pp.tls, exposure: exposure, line: line, path: at, resource: name})
					}
					continue
				}
				if service == scanner.Redis && port == 0 {
					port = memorystorePort(tls)
				}
				s.add(endpoint{host: h, port: port, service: service, tls: tls, exposure: exposure, line: line, path: at, resource: name})
			}
		})
		return nil
	})
}

// walkAny calls fn for every key of every object in v, depth first, in
// sorted key order, with the key's JSON path.
func walkAny(v any, path string, depth int, fn func(obj map[string]any, key, at string)) {
	if depth > 32 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			at := joinPath(path, k)
			fn(x, k, at)
			walkAny(x[k], at, depth+1, fn)
		}
	case []any:
		for i, e := range x {
			walkAny(e, path+"["+strconv.Itoa(i)+"]", depth+1, fn)
		}
	}
}

// gcpString finds the first string value of key anywhere in v.
func gcpString(v any, key string) string {
	var found string
	walkAny(v, "", 0, func(obj map[string]any, k, _ string) {
		if k == key && found == "" {
			found, _ = obj[k].(string)
		}
	})
	return found
}

// gcpValue finds the first value of key anywhere in v, depth first in
// sorted key order; nil when there is none.
func gcpValue(v any, key string) any {
	var found any
	walkAny(v, "", 0, func(obj map[string]any, k, _ string) {
		if k == key && found == nil {
			found = obj[k]
		}
	})
	return found
}

// anyStrings returns v as a list of strings: a string, or the strings of a
// list.
func anyStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// anyInt reads a port number from a JSON number or numeric string; 0 when
// it is neither.
func anyInt(v any) int {
	switch x := v.(type) {
	case float64:
		if x >= 0 && x <= 65535 && x == float64(int(x)) {
			return int(x)
		}
	case json.Number:
		n, err := strconv.Atoi(string(x))
		if err == nil && n >= 0 && n <= 65535 {
			return n
		}
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err == nil && n >= 0 && n <= 65535 {
			return n
		}
	}
	return 0
}

func joinPath(base, field string) string {
	if base == "" {
		return field
	}
	return base + "." + field
}

// memorystorePort is the port of a Memorystore for Redis endpoint that does
// not say: 6378 with in-transit encryption, 6379 without (Google's
// "In-transit encryption" page).
func memorystorePort(tls bool) int {
	if tls {
		return 6378
	}
	return 6379
}
