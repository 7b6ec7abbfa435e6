package inventory

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestReadGCPAndAzure(t *testing.T) {
	tests := []struct {
		name, format, input string
		want                []string
	}{
		{"gcloud list array", "gcp-compute", `[{"name":"a","networkInterfaces":[{"networkIP":"10.128.0.2",
			"accessConfigs":[{"natIP":"203.0.113.2"}],"ipv6AccessConfigs":[{"externalIpv6":"2001:db8::2"}]}]},
			{"name":"b","networkInterfaces":[{"networkIP":"10.128.0.3"}]}]`,
			[]string{"- 10.128.0.2:0 private", "- 203.0.113.2:0 public", "- 2001:db8::2:0 public", "- 10.128.0.3:0 private"}},
		{"asset export lines", "gcp-asset", `{"name":"//compute.googleapis.com/projects/p/zones/z/instances/i","asset_type":"compute.googleapis.com/Instance","resource":{"data":{"networkInterfaces":[{"networkIP":"10.1.0.2","accessConfigs":[{"natIP":"203.0.113.20"}]}]}}}
{"name":"//redis.googleapis.com/projects/p/locations/l/instances/r","asset_type":"redis.googleapis.com/Instance","resource":{"data":{"host":"10.2.0.3","port":6378,"readEndpoint":"10.2.0.4","readEndpointPort":6379,"transitEncryptionMode":"SERVER_AUTHENTICATION"}}}
{"name":"//memcache.googleapis.com/projects/p/locations/l/instances/m","asset_type":"memcache.googleapis.com/Instance","resource":{"data":{"host":"10.3.0.1"}}}
{"name":"//storage.googleapis.com/b","asset_type":"storage.googleapis.com/Bucket","resource":{"data":{"name":"b"}}}`,
			[]string{"- 203.0.113.20:0 public", "- 10.1.0.2:0 private", "redis 10.2.0.3:6378 tls private", "redis 10.2.0.4:6379 tls private"}},
		{"asset search results", "gcp-asset", `[{"name":"//compute.googleapis.com/projects/p/zones/z/instances/i","assetType":"compute.googleapis.com/Instance",
			"additionalAttributes":{"internalIPs":["10.4.0.2"],"externalIPs":["198.51.100.4"]}}]`,
			[]string{"- 198.51.100.4:0 public", "- 10.4.0.2:0 private"}}, // keys in sorted order
		{"az vm list -d", "azure-vm", `[{"id":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm1",
			"name":"vm1","privateIps":"10.0.0.4,10.0.0.5","publicIps":"203.0.113.4","fqdns":"vm1.example.com"},
			{"name":"vm2","privateIps":"10.0.0.6","publicIps":""}]`,
			[]string{"- 10.0.0.4:0 private", "- 10.0.0.5:0 private", "- 203.0.113.4:0 public", "- vm1.example.com:0 public", "- 10.0.0.6:0 private"}},
		{"az vm list-ip-addresses", "azure-vm-ip", `[{"virtualMachine":{"name":"vm1","resourceGroup":"g","network":{
			"privateIpAddresses":["10.0.0.4"],"publicIpAddresses":[{"id":"x","ipAddress":"203.0.113.4"},{"id":"y","ipAddress":null}]}}}]`,
			[]string{"- 10.0.0.4:0 private", "- 203.0.113.4:0 public"}},
		{"az redis ports and network access", "azure-redis", `[
			{"name":"pub","hostName":"pub.redis.cache.example.com","port":6379,"sslPort":6380,"enableNonSslPort":false},
			{"name":"priv","hostName":"priv.redis.cache.example.com","port":6379,"sslPort":6380,"enableNonSslPort":true,"publicNetworkAccess":"Disabled"},
			{"name":"vnet","hostName":"vnet.redis.cache.example.com","sslPort":6380,"subnetId":"/s/x","staticIp":"10.9.0.4"}]`,
			[]string{"redis pub.redis.cache.example.com:6380 tls public", "redis priv.redis.cache.example.com:6380 tls private",
				"redis priv.redis.cache.example.com:6379 private", "redis vnet.redis.cache.example.com:6380 tls private", "redis 10.9.0.4:6380 tls private"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := readAll(t, tt.format, tt.input, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantTargets(t, got, tt.want...)
		})
	}
}

// TestGCPAssetOriginHasLine: JSON lines give each origin its line.
func TestGCPAssetOriginHasLine(t *testing.T) {
	got, _, err := readAll(t, "gcp-asset", "\n"+`{"name":"//x","asset_type":"compute.googleapis.com/Address","resource":{"data":{"address":"203.0.113.77"}}}`, Options{})
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	if o := got[0].Origins[0]; o.Line != 2 || o.Path != "resource.data.address" || o.Resource != "//x" {
		t.Errorf("origin = %+v", o)
	}
}

func TestForwardingPlan(t *testing.T) {
	tests := []struct {
		name, data string
		want       string // "port/service[/tls] ..." or "defaults" or "skip"
	}{
		{"no hint", `{"IPAddress":"x"}`, "defaults"},
		{"http", `{"IPProtocol":"TCP","portRange":"80-80"}`, "skip"},
		{"https", `{"portRange":"443-443","name":"web"}`, "skip"},
		{"https of an elasticsearch rule", `{"portRange":"443-443","name":"logs-elasticsearch"}`, "443/elasticsearch/tls"},
		{"https to an opensearch backend", `{"ports":["443"],"backendService":"https://x/backendServices/opensearch-be"}`, "443/elasticsearch/tls"},
		{"redis", `{"portRange":"6379-6379"}`, "6379/redis"},
		{"redis single port", `{"portRange":"6380"}`, "6380/redis"},
		{"mongo range", `{"portRange":"27000-27018"}`, "27017/mongodb 27018/mongodb"},
		{"ports list", `{"ports":["80","9243","6379",6380]}`, "9243/elasticsearch/tls 6379/redis 6380/redis"},
		{"named redis on another port", `{"ports":["7000"],"name":"cache-redis-ilb"}`, "7000/redis"},
		{"range of a named rule plans no other port", `{"portRange":"7000-7005","name":"redis-ilb"}`, "skip"},
		{"all ports", `{"allPorts":true,"ports":["80"]}`, "defaults"},
		{"range of every store port", `{"portRange":"1-65535"}`, "defaults"},
		{"udp", `{"IPProtocol":"UDP","portRange":"6379-6379"}`, "skip"},
		{"garbage hint", `{"portRange":"http","ports":["x",-1,70000]}`, "defaults"},
		{"upside-down range", `{"portRange":"6380-6379"}`, "defaults"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec map[string]any
			if err := json.Unmarshal([]byte(tt.data), &rec); err != nil {
				t.Fatal(err)
			}
			plan, keep := forwardingPlan(rec)
			got := "skip"
			switch {
			case keep && plan == nil:
				got = "defaults"
			case keep:
				var b []string
				for _, p := range plan {
					s := fmt.Sprintf("%d/%s", p.port, p.service)
					if p.tls {
						s += "/tls"
					}
					b = append(b, s)
				}
				got = strings.Join(b, " ")
			}
			if got != tt.want {
				t.Errorf("forwardingPlan(%s) = %q, want %q", tt.data, got, tt.want)
			}
		})
	}
}

// TestGCPAssetForwardingRulesAndCloudSQL: a forwarding rule's port hint
// narrows the ports of its address, one that holds no store port and a
// Cloud SQL instance are skipped and counted.
func TestGCPAssetForwardingRulesAndCloudSQL(t *testing.T) {
	input := `{"name":"//compute.googleapis.com/projects/p/regions/r/forwardingRules/web","asset_type":"compute.googleapis.com/ForwardingRule","resource":{"data":{"IPAddress":"203.0.113.12","IPProtocol":"TCP","portRange":"80-80"}}}
{"name":"//compute.googleapis.com/projects/p/regions/r/forwardingRules/cache","asset_type":"compute.googleapis.com/ForwardingRule","resource":{"data":{"IPAddress":"10.5.0.9","IPProtocol":"TCP","ports":["6379","6380"],"loadBalancingScheme":"INTERNAL"}}}
{"name":"//compute.googleapis.com/projects/p/global/forwardingRules/search","assetType":"compute.googleapis.com/GlobalForwardingRule","additionalAttributes":{"IPAddress":"198.51.100.7","portRange":"443-443","target":"https://x/targetHttpsProxies/elasticsearch-proxy"}}
{"name":"//cloudsql.googleapis.com/projects/p/instances/db","asset_type":"sqladmin.googleapis.com/Instance","resource":{"data":{"ipAddresses":[{"ipAddress":"203.0.113.22","type":"PRIMARY"}]}}}`
	got, st, err := readAll(t, "gcp-asset", input, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got, "redis 10.5.0.9:6379 private", "redis 10.5.0.9:6380 private", "elasticsearch 198.51.100.7:443 tls public")
	if st.Records != 4 || st.Skipped != 2 || st.Found != 3 {
		t.Errorf("stats = %+v", st)
	}
	if o := got[2].Origins[0]; o.Line != 3 || o.Path != "additionalAttributes.IPAddress" || o.Resource != "//compute.googleapis.com/projects/p/global/forwardingRules/search" {
		t.Errorf("origin = %+v", o)
	}
}
