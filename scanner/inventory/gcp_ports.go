package inventory

import (
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// portPlan is one port an endpoint is planned on, with its store.
type portPlan struct {
	port    int
	service string
	tls     bool
}

// storePorts are the stores' default ports (the probes' DefaultPorts), the
// ports a forwarding rule's port hint can narrow the plan to.
var storePorts = []portPlan{
	{9200, scanner.Elasticsearch, false}, {9243, scanner.Elasticsearch, true},
	{27017, scanner.MongoDB, false}, {27018, scanner.MongoDB, false}, {27019, scanner.MongoDB, false},
	{6379, scanner.Redis, false}, {6380, scanner.Redis, false},
}

// maxPlanPorts bounds the ports one forwarding rule plans (GCP allows at
// most five in ports; a hostile file may list more).
const maxPlanPorts = 16

// isForwardingRule reports whether a Cloud Asset type is a regional or
// global forwarding rule.
func isForwardingRule(typ string) bool {
	return typ == "compute.googleapis.com/ForwardingRule" || typ == "compute.googleapis.com/GlobalForwardingRule"
}

// forwardingPlan reads the port hint of a forwarding-rule asset, wherever
// the record holds it (resource.data in an export, additionalAttributes in
// search results): portRange ("80-80", "6379"), ports (["6379", "6380"])
// and IPProtocol.
//
// With no usable hint (none, allPorts, numbers that are no port) or a hint
// that covers every store port, plan is nil and keep true: the default
// ports of all stores apply. Otherwise plan holds the store ports the hint
// names, and a single other port when the rule's name, description or
// target names a store (443 of an "elasticsearch" rule: Elasticsearch over
// TLS). keep is false when the rule is not TCP or its ports hold no store.
func forwardingPlan(rec map[string]any) (plan []portPlan, keep bool) {
	if p := strings.ToUpper(gcpString(rec, "IPProtocol")); p != "" && p != "TCP" {
		return nil, false
	}
	if all, _ := gcpValue(rec, "allPorts").(bool); all {
		return nil, true
	}
	var spans [][2]int
	if lo, hi, ok := portSpan(gcpValue(rec, "portRange")); ok {
		spans = append(spans, [2]int{lo, hi})
	}
	if ports, ok := gcpValue(rec, "ports").([]any); ok {
		for _, p := range ports {
			if lo, hi, ok := portSpan(p); ok {
				spans = append(spans, [2]int{lo, hi})
			}
		}
	}
	if len(spans) == 0 {
		return nil, true
	}
	for _, sp := range storePorts {
		for _, span := range spans {
			if sp.port >= span[0] && sp.port <= span[1] {
				plan = append(plan, sp)
				break
			}
		}
	}
	if len(plan) == len(storePorts) {
		return nil, true
	}
	if svc := forwardingService(rec); svc != "" {
		for _, span := range spans {
			if p := span[0]; p == span[1] && !planHas(plan, p) && len(plan) < maxPlanPorts {
				plan = append(plan, portPlan{p, svc, p == 443})
			}
		}
	}
	return plan, len(plan) > 0
}

// forwardingService names the store a forwarding rule's name, description,
// target or backend service names; "" for none.
func forwardingService(rec map[string]any) string {
	var text strings.Builder
	for _, k := range []string{"name", "displayName", "description", "target", "backendService"} {
		text.WriteString(strings.ToLower(gcpString(rec, k)))
		text.WriteByte(' ')
	}
	t := text.String()
	switch {
	case strings.Contains(t, "elastic"), strings.Contains(t, "opensearch"):
		return scanner.Elasticsearch
	case strings.Contains(t, "mongo"):
		return scanner.MongoDB
	case strings.Contains(t, "redis"), strings.Contains(t, "valkey"):
		return scanner.Redis
	}
	return ""
}

func planHas(plan []portPlan, port int) bool {
	for _, p := range plan {
		if p.port == port {
			return true
		}
	}
	return false
}

// portSpan reads a port or port range: a number, "6379" or "6379-6380";
// ok is false for anything else, port 0 included.
func portSpan(v any) (lo, hi int, ok bool) {
	s, isString := v.(string)
	if !isString {
		p := anyInt(v)
		return p, p, p > 0
	}
	a, b, isRange := strings.Cut(s, "-")
	lo = anyInt(a)
	hi = lo
	if isRange {
		hi = anyInt(b)
	}
	return lo, hi, lo > 0 && hi >= lo
}
