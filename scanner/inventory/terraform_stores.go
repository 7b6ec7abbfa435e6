package inventory

import (
	"net/url"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// Resource readers added for raw state files and the secondary addresses
// and managed stores they hold. Attribute names are those of each
// resource's "Attribute Reference" in the provider's documentation.

// tfAWSInstance reads aws_instance and aws_spot_instance_request: the
// primary private and public address, the secondary private addresses and
// the IPv6 addresses.
func tfAWSInstance(t *tfEmitter, v map[string]any) {
	t.add(tfStr(v, "private_ip"), 0, "", false, Private, "private_ip")
	t.add(tfStr(v, "public_ip"), 0, "", false, Public, "public_ip")
	for i, a := range anyStrings(v["secondary_private_ips"]) {
		t.add(a, 0, "", false, Private, idx("secondary_private_ips", i))
	}
	for i, a := range anyStrings(v["ipv6_addresses"]) {
		t.add(a, 0, "", false, "", idx("ipv6_addresses", i))
	}
}

// tfAWSNetworkInterface reads aws_network_interface: an extra interface of
// an instance, with all its private addresses.
func tfAWSNetworkInterface(t *tfEmitter, v map[string]any) {
	t.add(tfStr(v, "private_ip"), 0, "", false, Private, "private_ip")
	for _, f := range []string{"private_ips", "private_ip_list", "ipv6_addresses", "ipv6_address_list"} {
		exp := Private
		if strings.HasPrefix(f, "ipv6") {
			exp = ""
		}
		for i, a := range anyStrings(v[f]) {
			t.add(a, 0, "", false, exp, idx(f, i))
		}
	}
}

// tfAWSEIP reads aws_eip and aws_eip_association: the public address and
// the private address it maps to.
func tfAWSEIP(t *tfEmitter, v map[string]any) {
	t.add(tfStr(v, "public_ip"), 0, "", false, Public, "public_ip")
	t.add(tfStr(v, "private_ip"), 0, "", false, Private, "private_ip")
	t.add(tfStr(v, "private_ip_address"), 0, "", false, Private, "private_ip_address")
}

// tfMemoryDB reads aws_memorydb_cluster (Redis or Valkey): the cluster
// endpoint and every node's endpoint. TLS unless tls_enabled is false.
func tfMemoryDB(t *tfEmitter, v map[string]any) {
	tls := true
	if b, ok := v["tls_enabled"].(bool); ok {
		tls = b
	}
	for i, e := range tfList(v, "cluster_endpoint") {
		t.add(tfStr(e, "address"), tfInt(e, "port"), scanner.Redis, tls, Private, idx("cluster_endpoint", i)+".address")
	}
	for i, sh := range tfList(v, "shards") {
		for j, n := range tfList(sh, "nodes") {
			for k, e := range tfList(n, "endpoint") {
				at := idx("shards", i) + "." + idx("nodes", j) + "." + idx("endpoint", k) + ".address"
				t.add(tfStr(e, "address"), tfInt(e, "port"), scanner.Redis, tls, Private, at)
			}
		}
	}
}

// tfDocDBElastic reads aws_docdb_elastic_cluster: its endpoint, on 27017
// with TLS.
func tfDocDBElastic(t *tfEmitter, v map[string]any) {
	t.add(tfStr(v, "endpoint"), 27017, scanner.MongoDB, true, Private, "endpoint")
}

// tfCosmosMongo reads an azurerm_cosmosdb_account of kind MongoDB: its
// MongoDB endpoint is ACCOUNT.mongo.cosmos.azure.com on 10255 with TLS
// (Azure's "Connect a MongoDB application to Azure Cosmos DB"). Accounts of
// other APIs are skipped. The connection strings in the state hold keys and
// are never read.
func tfCosmosMongo(t *tfEmitter, v map[string]any) {
	if !strings.EqualFold(tfStr(v, "kind"), "MongoDB") {
		t.s.stats.Skipped++
		return
	}
	exp := Public
	if pna, ok := v["public_network_access_enabled"].(bool); ok && !pna {
		exp = Private
	}
	if name := tfStr(v, "name"); name != "" {
		t.add(name+".mongo.cosmos.azure.com", 10255, scanner.MongoDB, true, exp, "name")
	}
	if u, err := url.Parse(tfStr(v, "endpoint")); err == nil && u.Hostname() != "" && strings.Contains(u.Hostname(), ".mongo.") {
		t.add(u.Hostname(), 10255, scanner.MongoDB, true, exp, "endpoint")
	}
}

// tfAzureRedisEnterprise reads azurerm_redis_enterprise_cluster and
// azurerm_managed_redis: the host name, on 10000 with TLS (the default
// database port of Azure Cache for Redis Enterprise and Azure Managed Redis).
func tfAzureRedisEnterprise(t *tfEmitter, v map[string]any) {
	port := 10000
	for _, d := range tfList(v, "default_database") {
		if p := tfInt(d, "port"); p > 0 {
			port = p
		}
	}
	exp := Public
	if pna, ok := v["public_network_access"].(string); ok && strings.EqualFold(pna, "Disabled") {
		exp = Private
	}
	t.add(tfStr(v, "hostname"), port, scanner.Redis, true, exp, "hostname")
}

// tfMemorystoreValkey reads google_memorystore_instance (Memorystore for
// Valkey): discovery endpoints and Private Service Connect addresses.
func tfMemorystoreValkey(t *tfEmitter, v map[string]any) {
	tls := strings.Contains(tfStr(v, "transit_encryption_mode"), "SERVER_AUTH")
	for i, d := range tfList(v, "discovery_endpoints") {
		t.add(tfStr(d, "address"), tfInt(d, "port"), scanner.Redis, tls, Private, idx("discovery_endpoints", i)+".address")
	}
	for i, c := range tfList(v, "psc_auto_connections") {
		t.add(tfStr(c, "ip_address"), tfInt(c, "port"), scanner.Redis, tls, Private, idx("psc_auto_connections", i)+".ip_address")
	}
	for i, e := range tfList(v, "endpoints") {
		for j, c := range tfList(e, "connections") {
			for k, a := range tfList(c, "psc_auto_connection") {
				at := idx("endpoints", i) + "." + idx("connections", j) + "." + idx("psc_auto_connection", k) + ".ip_address"
				t.add(tfStr(a, "ip_address"), tfInt(a, "port"), scanner.Redis, tls, Private, at)
			}
		}
	}
}
