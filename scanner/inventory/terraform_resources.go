package inventory

import (
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// tfEmitter adds the endpoints of one resource.
type tfEmitter struct {
	s    *sink
	path string
	res  string
}

func (t *tfEmitter) add(host string, port int, service string, tls bool, exposure, field string) {
	if host == "" {
		return
	}
	t.s.add(endpoint{host: host, port: port, service: service, tls: tls, exposure: exposure, path: t.path + "." + field, resource: t.res})
}

// tfStr reads a string attribute; tfInt a number; tfBool a boolean; tfList
// a list of objects (nested blocks are lists in state).
func tfStr(v map[string]any, k string) string { s, _ := v[k].(string); return s }
func tfInt(v map[string]any, k string) int    { return anyInt(v[k]) }
func tfBool(v map[string]any, k string) bool  { b, _ := v[k].(bool); return b }

func tfList(v map[string]any, k string) []map[string]any {
	list, _ := v[k].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func idx(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// tfEngineOK reports whether an ElastiCache engine is Redis or Valkey ("" is
// taken as Redis, the provider's default for replication groups).
func tfEngineOK(v map[string]any) bool {
	e := strings.ToLower(tfStr(v, "engine"))
	return e == "" || e == "redis" || e == "valkey"
}

// tfResources maps a resource type to what reads its endpoints.
var tfResources = map[string]func(t *tfEmitter, v map[string]any){
	"aws_instance":                     tfAWSInstance,
	"aws_spot_instance_request":        tfAWSInstance,
	"aws_network_interface":            tfAWSNetworkInterface,
	"aws_eip":                          tfAWSEIP,
	"aws_eip_association":              tfAWSEIP,
	"aws_memorydb_cluster":             tfMemoryDB,
	"aws_docdb_elastic_cluster":        tfDocDBElastic,
	"azurerm_cosmosdb_account":         tfCosmosMongo,
	"azurerm_redis_enterprise_cluster": tfAzureRedisEnterprise,
	"azurerm_managed_redis":            tfAzureRedisEnterprise,
	"google_memorystore_instance":      tfMemorystoreValkey,
	"aws_elasticache_cluster": func(t *tfEmitter, v map[string]any) {
		if !tfEngineOK(v) {
			t.s.stats.Skipped++
			return
		}
		tls := tfBool(v, "transit_encryption_enabled")
		for i, n := range tfList(v, "cache_nodes") {
			t.add(tfStr(n, "address"), tfInt(n, "port"), scanner.Redis, tls, Private, idx("cache_nodes", i)+".address")
		}
		t.add(tfStr(v, "cluster_address"), tfInt(v, "port"), scanner.Redis, tls, Private, "cluster_address")
	},
	"aws_elasticache_replication_group": func(t *tfEmitter, v map[string]any) {
		if !tfEngineOK(v) {
			t.s.stats.Skipped++
			return
		}
		tls, port := tfBool(v, "transit_encryption_enabled"), tfInt(v, "port")
		for _, f := range []string{"primary_endpoint_address", "reader_endpoint_address", "configuration_endpoint_address"} {
			t.add(tfStr(v, f), port, scanner.Redis, tls, Private, f)
		}
	},
	"aws_elasticache_serverless_cache": func(t *tfEmitter, v map[string]any) {
		if !tfEngineOK(v) {
			t.s.stats.Skipped++
			return
		}
		for _, f := range []string{"endpoint", "reader_endpoint"} {
			for i, e := range tfList(v, f) {
				t.add(tfStr(e, "address"), tfInt(e, "port"), scanner.Redis, true, Private, idx(f, i)+".address")
			}
		}
	},
	"aws_opensearch_domain":      tfSearchDomain,
	"aws_elasticsearch_domain":   tfSearchDomain,
	"aws_docdb_cluster":          tfDocDB,
	"aws_docdb_cluster_instance": tfDocDB,
	"google_compute_instance": func(t *tfEmitter, v map[string]any) {
		for i, ni := range tfList(v, "network_interface") {
			nic := idx("network_interface", i)
			t.add(tfStr(ni, "network_ip"), 0, "", false, Private, nic+".network_ip")
			t.add(tfStr(ni, "ipv6_address"), 0, "", false, "", nic+".ipv6_address")
			for j, ac := range tfList(ni, "ipv6_access_config") {
				t.add(tfStr(ac, "external_ipv6"), 0, "", false, Public, nic+"."+idx("ipv6_access_config", j)+".external_ipv6")
			}
			for j, ac := range tfList(ni, "access_config") {
				t.add(tfStr(ac, "nat_ip"), 0, "", false, Public, nic+"."+idx("access_config", j)+".nat_ip")
			}
		}
	},
	"google_compute_address": func(t *tfEmitter, v map[string]any) {
		exp := Public
		if strings.EqualFold(tfStr(v, "address_type"), "INTERNAL") {
			exp = Private
		}
		t.add(tfStr(v, "address"), 0, "", false, exp, "address")
	},
	"google_redis_instance": func(t *tfEmitter, v map[string]any) {
		tls := strings.Contains(tfStr(v, "transit_encryption_mode"), "SERVER_AUTH")
		port, readPort := tfInt(v, "port"), tfInt(v, "read_endpoint_port")
		if port == 0 {
			port = memorystorePort(tls)
		}
		if readPort == 0 {
			readPort = memorystorePort(tls)
		}
		t.add(tfStr(v, "host"), port, scanner.Redis, tls, Private, "host")
		t.add(tfStr(v, "read_endpoint"), readPort, scanner.Redis, tls, Private, "read_endpoint")
	},
	"google_redis_cluster": func(t *tfEmitter, v map[string]any) {
		tls := strings.Contains(tfStr(v, "transit_encryption_mode"), "SERVER_AUTH")
		for i, d := range tfList(v, "discovery_endpoints") {
			t.add(tfStr(d, "address"), tfInt(d, "port"), scanner.Redis, tls, Private, idx("discovery_endpoints", i)+".address")
		}
	},
	"azurerm_redis_cache": func(t *tfEmitter, v map[string]any) {
		exp := Public
		if pna, ok := v["public_network_access_enabled"].(bool); (ok && !pna) || tfStr(v, "subnet_id") != "" {
			exp = Private
		}
		host := tfStr(v, "hostname")
		t.add(host, tfInt(v, "ssl_port"), scanner.Redis, true, exp, "hostname")
		if tfBool(v, "non_ssl_port_enabled") || tfBool(v, "enable_non_ssl_port") {
			t.add(host, tfInt(v, "port"), scanner.Redis, false, exp, "hostname")
		}
	},
	"azurerm_linux_virtual_machine":   tfAzureVM,
	"azurerm_windows_virtual_machine": tfAzureVM,
	"azurerm_network_interface": func(t *tfEmitter, v map[string]any) {
		for i, a := range anyStrings(v["private_ip_addresses"]) {
			t.add(a, 0, "", false, Private, idx("private_ip_addresses", i))
		}
		for i, c := range tfList(v, "ip_configuration") {
			t.add(tfStr(c, "private_ip_address"), 0, "", false, Private, idx("ip_configuration", i)+".private_ip_address")
		}
	},
	"azurerm_public_ip": func(t *tfEmitter, v map[string]any) {
		t.add(tfStr(v, "ip_address"), 0, "", false, Public, "ip_address")
		t.add(tfStr(v, "fqdn"), 0, "", false, Public, "fqdn")
	},
	"kubernetes_service":    tfKubeService,
	"kubernetes_service_v1": tfKubeService,
}

func tfSearchDomain(t *tfEmitter, v map[string]any) {
	exp := Public
	if len(tfList(v, "vpc_options")) > 0 {
		exp = Private
	}
	for _, f := range []string{"endpoint", "endpoint_v2"} {
		t.add(tfStr(v, f), 443, scanner.Elasticsearch, true, exp, f)
	}
	for i, o := range tfList(v, "domain_endpoint_options") {
		if tfBool(o, "custom_endpoint_enabled") {
			t.add(tfStr(o, "custom_endpoint"), 443, scanner.Elasticsearch, true, exp, idx("domain_endpoint_options", i)+".custom_endpoint")
		}
	}
}

func tfDocDB(t *tfEmitter, v map[string]any) {
	if e := tfStr(v, "engine"); e != "" && !strings.EqualFold(e, "docdb") {
		t.s.stats.Skipped++
		return
	}
	port := tfInt(v, "port")
	t.add(tfStr(v, "endpoint"), port, scanner.MongoDB, true, Private, "endpoint")
	t.add(tfStr(v, "reader_endpoint"), port, scanner.MongoDB, true, Private, "reader_endpoint")
}

func tfAzureVM(t *tfEmitter, v map[string]any) {
	for _, f := range []struct{ key, exp string }{{"private_ip_address", Private}, {"public_ip_address", Public}} {
		t.add(tfStr(v, f.key), 0, "", false, f.exp, f.key)
	}
	for _, f := range []struct{ key, exp string }{{"private_ip_addresses", Private}, {"public_ip_addresses", Public}} {
		for i, a := range anyStrings(v[f.key]) {
			t.add(a, 0, "", false, f.exp, idx(f.key, i))
		}
	}
}

// tfKubeService reads a kubernetes_service: the cluster IP and load-balancer
// ingress of each port that belongs to a store (see kubePortService).
func tfKubeService(t *tfEmitter, v map[string]any) {
	name := ""
	for _, m := range tfList(v, "metadata") {
		name = tfStr(m, "name")
	}
	for i, spec := range tfList(v, "spec") {
		sp := idx("spec", i)
		for _, port := range tfList(spec, "port") {
			num := tfInt(port, "port")
			svc, ok := kubePortService(name, tfStr(port, "name"), num)
			if !ok {
				t.s.stats.Skipped++
				continue
			}
			if ip := tfStr(spec, "cluster_ip"); ip != "None" {
				t.add(ip, num, svc, false, Private, sp+".cluster_ip")
			}
			for k, ip := range anyStrings(spec["external_ips"]) {
				t.add(ip, num, svc, false, "", sp+"."+idx("external_ips", k))
			}
		}
		for _, st := range tfList(v, "status") {
			for _, lb := range tfList(st, "load_balancer") {
				for k, in := range tfList(lb, "ingress") {
					for _, port := range tfList(spec, "port") {
						num := tfInt(port, "port")
						if svc, ok := kubePortService(name, tfStr(port, "name"), num); ok {
							at := "status[0].load_balancer[0]." + idx("ingress", k)
							t.add(tfStr(in, "ip"), num, svc, false, Public, at+".ip")
							t.add(tfStr(in, "hostname"), num, svc, false, Public, at+".hostname")
						}
					}
				}
			}
		}
	}
}
