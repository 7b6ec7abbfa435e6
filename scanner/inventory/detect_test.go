package inventory

import (
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head, want string
		ok               bool
	}{
		{"ec2", `{"Reservations": [{"Instances": [`, "aws-ec2", true},
		{"ec2 after BOM and space", "\xef\xbb\xbf \n {\n  \"Reservations\": []}", "aws-ec2", true},
		{"opensearch list", `{"DomainStatusList": [{"DomainName": "a"`, "aws-opensearch", true},
		{"es single", `{"DomainStatus": {"DomainName": "a"}}`, "aws-opensearch", true},
		{"cache clusters", `{"CacheClusters": []}`, "aws-elasticache", true},
		{"replication groups", `{"ReplicationGroups": [`, "aws-elasticache", true},
		{"serverless caches", `{"ServerlessCaches": [`, "aws-elasticache", true},
		{"docdb clusters", `{"DBClusters": [`, "aws-docdb", true},
		{"docdb instances", `{"DBInstances": [`, "aws-docdb", true},
		{"terraform state", `{"format_version":"1.0","terraform_version":"1.5.0","values":{`, "terraform", true},
		{"terraform plan", `{"format_version":"1.2","planned_values":{`, "terraform", true},
		{"kubectl list", `{"apiVersion": "v1", "items": [{"apiVersion": "v1", "kind": "Service"`, "kubernetes", true},
		{"kubectl get svc NAME", "{\n    \"kind\": \"Service\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {", "kubernetes", true},
		{"service without apiVersion", `{"kind": "Service", "metadata": {"name": "a"}, "spec": {`, "kubernetes", true},
		{"kind Service alone", `{"kind": "Service", "name": "a"}`, "", false},
		{"array of services", `[{"apiVersion": "v1", "kind": "Service", "spec": {}}]`, "", false},
		{"gcloud list", `[{"kind": "compute#instance", "name": "a"`, "gcp-compute", true},
		{"gcloud describe", "{\n \"canIpForward\": false,\n \"networkInterfaces\": [", "gcp-compute", true},
		{"asset export line", `{"name":"//compute.googleapis.com/x","asset_type":"compute.googleapis.com/Instance","resource":{}}`, "gcp-asset", true},
		{"asset search json", `[{"name": "//redis.googleapis.com/x", "assetType": "redis.googleapis.com/Instance"}]`, "gcp-asset", true},
		{"az vm list -d", `[{"id": "/subscriptions/x", "privateIps": "10.0.0.4", "publicIps": ""}]`, "azure-vm", true},
		{"az vm list-ip-addresses", `[{"virtualMachine": {"name": "vm1", "network": {}}}]`, "azure-vm-ip", true},
		{"az redis list", `[{"hostName": "a.redis.cache.windows.net", "port": 6379, "sslPort": 6380}]`, "azure-redis", true},
		{"masscan json", "[\n{   \"ip\": \"192.0.2.1\",   \"timestamp\": \"1\", \"ports\": [ {\"port\": 80} ] }", "masscan-json", true},
		{"masscan ndjson", `{"ip":"192.0.2.1","timestamp":"1","ports":[{"port":80}]}`, "masscan-json", true},
		{"cloudlist", `{"public":true,"provider":"aws","id":"prod","public_ipv4":"192.0.2.1"}`, "cloudlist", true},
		{"naabu", `{"ip":"192.0.2.1","port":443}`, "naabu", true},
		{"naabu host", `{"host":"example.com","ip":"192.0.2.1","port":80,"protocol":"tcp"}`, "naabu", true},
		{"nmap", `<?xml version="1.0"?><nmaprun scanner="nmap">`, "nmap-xml", true},
		{"other xml", `<?xml version="1.0"?><root/>`, "", false},
		{"masscan list", "#masscan\nopen tcp 80 192.0.2.1 1390380064\n", "masscan-list", true},
		{"masscan list no header", "open tcp 6379 192.0.2.7 1390380064\n", "masscan-list", true},
		{"csv", "Name,IP Address,Port\nweb,192.0.2.1,443\n", "csv", true},
		{"csv semicolon", "hostname;port;owner\ndb1;27017;x\n", "csv", true},
		{"csv tab", "fqdn\tservice\n", "csv", true},
		{"plain list", "192.0.2.1\nexample.com:6379\n", "list", true},
		{"list with comment", "# targets\n192.0.2.0/24\n", "list", true},
		{"comma list is not csv", "192.0.2.1, 192.0.2.2\n", "list", true},
		{"empty", "", "list", true},
		{"binary", "\x00\x01\x02", "", false},
		{"unknown json", `{"foo": 1}`, "", false},
		{"cut-off json", `{"Reserv`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Detect([]byte(tt.head))
			if got != tt.want || ok != tt.ok {
				t.Errorf("Detect(%q) = %q, %v; want %q, %v", tt.head, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestDetectLongHead checks that a document whose first keys come after a
// large value is still placed when the head is cut inside that value.
func TestDetectLongHead(t *testing.T) {
	head := `{"apiVersion": "v1", "items": [` + strings.Repeat(`{"kind": "Service"},`, 10000)
	head = head[:DetectBytes]
	if got, ok := Detect([]byte(head)); got != "kubernetes" || !ok {
		t.Errorf("Detect = %q, %v", got, ok)
	}
}

func TestFormatsSortedAndComplete(t *testing.T) {
	f := Formats()
	if len(f) != len(parsers) || len(f) != 24 {
		t.Fatalf("Formats() has %d names, parsers %d", len(f), len(parsers))
	}
	for i := 1; i < len(f); i++ {
		if f[i-1] >= f[i] {
			t.Errorf("not sorted at %d: %q >= %q", i, f[i-1], f[i])
		}
	}
}

func TestEveryFormatDescribed(t *testing.T) {
	for _, f := range Formats() {
		if Describe(f) == "" {
			t.Errorf("%s has no description", f)
		}
	}
	if len(about) != len(parsers) {
		t.Errorf("%d descriptions for %d formats", len(about), len(parsers))
	}
}
