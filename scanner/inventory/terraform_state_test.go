package inventory

import (
	"strings"
	"testing"
)

// TestReadTerraformRawState reads a terraform.tfstate (format version 4)
// with modules, counts and for_each, secondary addresses, extra network
// interfaces and the endpoints of managed stores. Attribute names are those
// of each resource's provider documentation.
func TestReadTerraformRawState(t *testing.T) {
	in := `{"version":4,"terraform_version":"1.9.8","serial":12,"lineage":"x","outputs":{},"resources":[
	{"mode":"managed","type":"aws_instance","name":"app","instances":[
		{"index_key":0,"schema_version":1,"attributes":{"private_ip":"10.0.1.10","public_ip":"","secondary_private_ips":["10.0.1.11","10.0.1.12"],"ipv6_addresses":["2001:db8::10"]}},
		{"index_key":1,"schema_version":1,"attributes":{"private_ip":"10.0.1.20","public_ip":"203.0.113.20","secondary_private_ips":[]}}]},
	{"module":"module.net","mode":"managed","type":"aws_network_interface","name":"extra","instances":[
		{"index_key":"db","attributes":{"private_ip":"10.0.2.5","private_ips":["10.0.2.5","10.0.2.6"],"private_ip_list":["10.0.2.5","10.0.2.6"],"ipv6_address_list":[]}}]},
	{"mode":"managed","type":"aws_eip","name":"nat","instances":[{"attributes":{"public_ip":"203.0.113.30","private_ip":"10.0.1.20"}}]},
	{"mode":"managed","type":"aws_elasticache_replication_group","name":"sessions","instances":[{"attributes":{"engine":"redis","port":6379,
		"transit_encryption_enabled":true,"primary_endpoint_address":"master.sessions.example.com","reader_endpoint_address":"replica.sessions.example.com","configuration_endpoint_address":""}}]},
	{"mode":"managed","type":"aws_memorydb_cluster","name":"m","instances":[{"attributes":{"tls_enabled":true,
		"cluster_endpoint":[{"address":"clustercfg.m.example.com","port":6379}],
		"shards":[{"name":"0001","nodes":[{"name":"m-0001-001","endpoint":[{"address":"m-0001-001.m.example.com","port":6379}]}]}]}}]},
	{"mode":"managed","type":"aws_docdb_cluster","name":"docs","instances":[{"attributes":{"engine":"docdb","port":27017,"endpoint":"docs.cluster-x.example.com","reader_endpoint":"docs.cluster-ro-x.example.com"}}]},
	{"mode":"managed","type":"aws_docdb_elastic_cluster","name":"el","instances":[{"attributes":{"endpoint":"el-123.docdb-elastic.example.com"}}]},
	{"mode":"managed","type":"aws_opensearch_domain","name":"logs","instances":[{"attributes":{"endpoint":"vpc-logs-abc.example.com","vpc_options":[{"subnet_ids":["s"]}]}}]},
	{"mode":"managed","type":"azurerm_redis_cache","name":"cache","instances":[{"attributes":{"hostname":"cache.redis.cache.example.net","port":6379,"ssl_port":6380,"non_ssl_port_enabled":false}}]},
	{"mode":"managed","type":"azurerm_cosmosdb_account","name":"chat","instances":[{"attributes":{"name":"chatdb","kind":"MongoDB","endpoint":"https://chatdb.documents.azure.com:443/","public_network_access_enabled":true,
		"primary_mongodb_connection_string":"mongodb://chatdb:SECRETKEY@chatdb.mongo.cosmos.azure.com:10255/?ssl=true"}}]},
	{"mode":"managed","type":"azurerm_cosmosdb_account","name":"sql","instances":[{"attributes":{"name":"sqldb","kind":"GlobalDocumentDB"}}]},
	{"mode":"managed","type":"google_redis_instance","name":"tls","instances":[{"attributes":{"host":"10.3.0.4","port":6378,"transit_encryption_mode":"SERVER_AUTHENTICATION","read_endpoint":"10.3.0.5","read_endpoint_port":0}}]},
	{"mode":"managed","type":"google_redis_instance","name":"plain","instances":[{"attributes":{"host":"10.3.0.8","transit_encryption_mode":"DISABLED"}}]},
	{"mode":"data","type":"aws_instance","name":"bastion","instances":[{"attributes":{"private_ip":"10.0.9.9","public_ip":"203.0.113.99"}}]},
	{"mode":"managed","type":"aws_s3_bucket","name":"b","instances":[{"attributes":{"bucket":"b"}}]}]}`
	got, st, err := readAll(t, "", in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != "terraform" || st.Records != 15 || st.Skipped != 1 {
		t.Errorf("stats = %+v", st)
	}
	wantTargets(t, got,
		"- 10.0.1.10:0 private", "- 10.0.1.11:0 private", "- 10.0.1.12:0 private", "- 2001:db8::10:0 public",
		"- 10.0.1.20:0 private", "- 203.0.113.20:0 public",
		"- 10.0.2.5:0 private", "- 10.0.2.6:0 private",
		"- 203.0.113.30:0 public",
		"redis master.sessions.example.com:6379 tls private", "redis replica.sessions.example.com:6379 tls private",
		"redis clustercfg.m.example.com:6379 tls private", "redis m-0001-001.m.example.com:6379 tls private",
		"mongodb docs.cluster-x.example.com:27017 tls private", "mongodb docs.cluster-ro-x.example.com:27017 tls private",
		"mongodb el-123.docdb-elastic.example.com:27017 tls private",
		"elasticsearch vpc-logs-abc.example.com:443 tls private",
		"redis cache.redis.cache.example.net:6380 tls public",
		"mongodb chatdb.mongo.cosmos.azure.com:10255 tls public",
		"redis 10.3.0.4:6378 tls private", "redis 10.3.0.5:6378 tls private",
		"redis 10.3.0.8:6379 private",
		"- 10.0.9.9:0 private", "- 203.0.113.99:0 public")
	res := map[string]string{}
	for _, tg := range got {
		res[tg.Host] = tg.Origins[0].Resource + " " + tg.Origins[0].Path
		if strings.Contains(tg.Host, "SECRET") {
			t.Errorf("a connection string's key leaked into %q", tg.Host)
		}
	}
	for host, want := range map[string]string{
		"10.0.1.11": "aws_instance.app[0] resources[0].instances[0].attributes.secondary_private_ips[0]",
		"10.0.2.6":  `module.net.aws_network_interface.extra["db"] resources[1].instances[0].attributes.private_ips[1]`,
		"10.0.9.9":  "data.aws_instance.bastion resources[13].instances[0].attributes.private_ip",
	} {
		if res[host] != want {
			t.Errorf("%s: origin %q, want %q", host, res[host], want)
		}
	}
	// 10.0.2.5 is in three fields of one interface and 10.0.2.6 in two;
	// 10.0.1.20 is the instance's and the EIP's: 4 folded.
	if st.Duplicates != 4 {
		t.Errorf("duplicates = %d, want 4", st.Duplicates)
	}
}

func TestReadTerraformOldState(t *testing.T) {
	_, st, err := readAll(t, "", `{"version":2,"terraform_version":"0.8.8","serial":1,"lineage":"x","modules":[{"path":["root"],"resources":{}}]}`, Options{})
	if err != nil || !strings.Contains(strings.Join(st.Warnings, ";"), "format version 2; this reader knows versions 3 and 4") {
		t.Errorf("%+v %v", st, err)
	}
}
