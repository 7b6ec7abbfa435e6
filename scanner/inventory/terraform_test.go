package inventory

import (
	"strings"
	"testing"
)

// tfState wraps resources JSON into a `terraform show -json` state with a
// nested child module.
func tfState(root, child, grandchild string) string {
	return `{"format_version":"1.0","terraform_version":"1.9.0","values":{"outputs":{"x":{"value":"10.0.0.9"}},"root_module":{
		"resources":[` + root + `],
		"child_modules":[{"address":"module.a","resources":[` + child + `],
			"child_modules":[{"address":"module.a.module.b","resources":[` + grandchild + `]}]}]}}}`
}

func TestReadTerraform(t *testing.T) {
	root := `{"address":"aws_elasticache_replication_group.r","mode":"managed","type":"aws_elasticache_replication_group","name":"r","values":{
			"engine":"redis","port":6379,"transit_encryption_enabled":true,"primary_endpoint_address":"master.r.example.com","reader_endpoint_address":"replica.r.example.com","configuration_endpoint_address":null}},
		{"address":"aws_elasticache_cluster.m","mode":"managed","type":"aws_elasticache_cluster","name":"m","values":{"engine":"memcached","cache_nodes":[{"address":"m.example.com","port":11211}]}},
		{"address":"aws_elasticache_cluster.c","mode":"managed","type":"aws_elasticache_cluster","name":"c","values":{"engine":"redis","cache_nodes":[{"address":"c.example.com","port":6379}]}},
		{"address":"aws_opensearch_domain.o","mode":"managed","type":"aws_opensearch_domain","name":"o","values":{"endpoint":"vpc-o.example.com","vpc_options":[{"subnet_ids":["s"]}]}},
		{"address":"aws_elasticsearch_domain.e","mode":"managed","type":"aws_elasticsearch_domain","name":"e","values":{"endpoint":"search-e.example.com","vpc_options":[]}},
		{"address":"aws_docdb_cluster.d","mode":"managed","type":"aws_docdb_cluster","name":"d","values":{"endpoint":"d.example.com","reader_endpoint":"d-ro.example.com","port":27017}}`
	child := `{"address":"module.a.google_redis_instance.g","mode":"managed","type":"google_redis_instance","name":"g","values":{"host":"10.1.2.3","port":6379,"transit_encryption_mode":"DISABLED"}},
		{"address":"module.a.azurerm_redis_cache.z","mode":"managed","type":"azurerm_redis_cache","name":"z","values":{"hostname":"z.redis.cache.example.com","port":6379,"ssl_port":6380,"non_ssl_port_enabled":false,"public_network_access_enabled":true}},
		{"address":"module.a.google_compute_instance.vm","mode":"managed","type":"google_compute_instance","name":"vm","values":{"network_interface":[{"network_ip":"10.1.0.5","access_config":[{"nat_ip":"203.0.113.50"}]}]}}`
	grandchild := `{"address":"module.a.module.b.kubernetes_service.es","mode":"managed","type":"kubernetes_service","name":"es","values":{
			"metadata":[{"name":"elastic","namespace":"logs"}],
			"spec":[{"cluster_ip":"10.96.0.20","port":[{"name":"http","port":9200},{"name":"transport","port":9300}]}],
			"status":[{"load_balancer":[{"ingress":[{"ip":"203.0.113.90","hostname":""}]}]}]}},
		{"address":"module.a.module.b.azurerm_linux_virtual_machine.l","mode":"managed","type":"azurerm_linux_virtual_machine","name":"l","values":{"private_ip_address":"10.2.0.4","public_ip_address":"","private_ip_addresses":["10.2.0.4","10.2.0.5"]}},
		{"address":"module.a.module.b.aws_instance.broken","mode":"managed","type":"aws_instance","name":"broken","values":{"private_ip":"not-an-ip"}}`
	got, st, err := readAll(t, "", tfState(root, child, grandchild), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got,
		"redis master.r.example.com:6379 tls private", "redis replica.r.example.com:6379 tls private",
		"redis c.example.com:6379 private",
		"elasticsearch vpc-o.example.com:443 tls private", "elasticsearch search-e.example.com:443 tls public",
		"mongodb d.example.com:27017 tls private", "mongodb d-ro.example.com:27017 tls private",
		"redis 10.1.2.3:6379 private", "redis z.redis.cache.example.com:6380 tls public",
		"- 10.1.0.5:0 private", "- 203.0.113.50:0 public",
		"elasticsearch 10.96.0.20:9200 private", "elasticsearch 203.0.113.90:9200 public",
		"- 10.2.0.4:0 private", "- 10.2.0.5:0 private")
	if st.Records != 12 || st.Skipped != 2 {
		t.Errorf("stats = %+v", st)
	}
	if !strings.Contains(strings.Join(st.Problems, ";"), `not a host: "not-an-ip"`) {
		t.Errorf("problems = %q", st.Problems)
	}
	for _, tg := range got {
		if tg.Host == "10.2.0.4" && tg.Origins[0].Resource != "module.a.module.b.azurerm_linux_virtual_machine.l" {
			t.Errorf("origin = %+v", tg.Origins)
		}
	}
}

// TestReadTerraformPlan reads the planned values and the prior state of a
// plan, and nothing from resource_changes or configuration.
func TestReadTerraformPlan(t *testing.T) {
	plan := `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
		{"address":"aws_instance.a","type":"aws_instance","values":{"private_ip":"10.0.0.1"}}]}},
		"resource_changes":[{"address":"aws_instance.z","type":"aws_instance","change":{"after":{"private_ip":"10.0.0.99"}}}],
		"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[
		{"address":"aws_instance.b","type":"aws_instance","values":{"public_ip":"203.0.113.2"}}]}}},
		"configuration":{"root_module":{"resources":[{"address":"aws_instance.c","type":"aws_instance"}]}}}`
	got, _, err := readAll(t, "", plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got, "- 10.0.0.1:0 private", "- 203.0.113.2:0 public")
}

func TestRouteTerraform(t *testing.T) {
	p := func(segs ...any) jsonPath {
		var out jsonPath
		for _, s := range segs {
			switch v := s.(type) {
			case string:
				out = append(out, pathSeg{key: v, index: -1})
			case int:
				out = append(out, pathSeg{index: v})
			}
		}
		return out
	}
	tests := []struct {
		path jsonPath
		want step
	}{
		{p(), descend},
		{p("values"), descend},
		{p("values", "outputs"), skipValue},
		{p("values", "root_module", "resources", 3), decodeValue},
		{p("values", "root_module", "child_modules", 0, "child_modules", 1, "resources", 0), decodeValue},
		{p("values", "root_module", "child_modules", 0, "address"), skipValue},
		{p("values", "root_module", "child_modules", "x"), skipValue},
		{p("prior_state", "values", "root_module", "resources"), descend},
		{p("configuration", "root_module", "resources", 0), skipValue},
		{p("resource_changes", 0), skipValue},
	}
	for _, tt := range tests {
		if got := routeTerraform(tt.path); got != tt.want {
			t.Errorf("route(%s) = %d, want %d", tt.path, got, tt.want)
		}
	}
}
