package inventory

import (
	"strings"
	"testing"
)

// TestReadNewExports covers what the documented examples under
// testdata/inventory do not: published ports, store ports in Ansible
// variables, Shodan banners of stores, Censys Platform hosts, Consul health
// entries. Each input is detected from its content.
func TestReadNewExports(t *testing.T) {
	tests := []struct {
		name, format, input string
		want                []string
	}{
		{"docker ps published", "docker-ps",
			`{"ID":"1","Image":"redis:7","Names":"cache","Ports":"0.0.0.0:6379->6379/tcp, :::6379->6379/tcp, 127.0.0.1:27018->27017/tcp"}` + "\n" +
				`{"ID":"2","Image":"bitnami/elasticsearch","Names":"es","Ports":"192.0.2.10:19200-19201->9200-9201/tcp, 0.0.0.0:5353->53/udp"}` + "\n",
			[]string{"redis localhost:6379 private", "mongodb 127.0.0.1:27018 private",
				"elasticsearch 192.0.2.10:19200 public", "elasticsearch 192.0.2.10:19201 public"}},
		{"docker inspect exposed and published", "docker-inspect",
			`[{"Id":"abc","Name":"/mongo","Config":{"Image":"mongo:7","ExposedPorts":{"27017/tcp":{}}},
			"NetworkSettings":{"Ports":{"27017/tcp":[{"HostIp":"127.0.0.1","HostPort":"27117"}]},
			"Networks":{"app":{"IPAddress":"10.5.0.7","GlobalIPv6Address":""}}}}]`,
			[]string{"mongodb 127.0.0.1:27117 private", "mongodb 10.5.0.7:27017 private"}},
		{"compose short syntax", "docker-compose",
			"services:\n  cache:\n    image: valkey/valkey\n    ports:\n      - \"127.0.0.1:6380:6379\"\n      - \"6379\"\n      - \"53:53/udp\"\n" +
				"  search:\n    image: opensearchproject/opensearch\n    ports:\n      - target: 9200\n        published: 9201\n        host_ip: 192.0.2.20\n",
			[]string{"redis 127.0.0.1:6380 private", "elasticsearch 192.0.2.20:9201 public"}},
		{"ansible ini vars", "ansible",
			"[cache]\nredis1 ansible_host=10.0.0.5 redis_port=6380\nredis2 ansible_host=10.0.0.6\n[cache:vars]\nredis_port=6390\n[all:vars]\nansible_user=ops\n[app:children]\ncache\n",
			[]string{"redis 10.0.0.5:6380 private", "redis 10.0.0.6:6390 private"}},
		{"ansible yaml vars and children", "ansible",
			"all:\n  vars:\n    ansible_user: ops\n  children:\n    search:\n      vars:\n        es_http_port: 9201\n      hosts:\n        es1:\n          ansible_host: 10.0.1.5\n        es[2:3].example.com:\n",
			[]string{"elasticsearch 10.0.1.5:9201 private", "elasticsearch es2.example.com:9201", "elasticsearch es3.example.com:9201"}},
		{"ansible-inventory --list", "ansible",
			`{"_meta":{"hostvars":{"db1":{"ansible_host":"10.0.2.5","mongodb_port":27018},"web1":{}}},"all":{"children":["ungrouped","dbs"]},"dbs":{"hosts":["db1"]},"ungrouped":{"hosts":["web1"]}}`,
			[]string{"mongodb 10.0.2.5:27018 private", "- web1:0"}},
		{"shodan banner lines", "shodan",
			`{"ip_str":"203.0.113.5","port":6379,"transport":"tcp","product":"Redis key-value store","_shodan":{"module":"redis"},"hostnames":["cache.example.com"],"data":"# Server\r\nredis_version:7.2.4\r\n"}` + "\n" +
				`{"ipv6":"2001:db8::5","port":9200,"transport":"tcp","_shodan":{"module":"elastic"},"ssl":{"versions":["TLSv1.2"]}}` + "\n" +
				`{"ip_str":"203.0.113.6","port":161,"transport":"udp","_shodan":{"module":"snmp"}}` + "\n",
			[]string{"redis 203.0.113.5:6379 public", "elasticsearch 2001:db8::5:9200 tls public"}},
		{"shodan host", "shodan",
			`{"ip_str":"203.0.113.7","ports":[27017,22],"data":[{"port":27017,"transport":"tcp","product":"MongoDB"},{"port":22,"transport":"tcp"}]}`,
			[]string{"mongodb 203.0.113.7:27017 public", "- 203.0.113.7:22 public"}},
		{"censys platform host", "censys",
			`{"host":{"ip":"203.0.113.8","services":[{"port":6379,"protocol":"REDIS","transport_protocol":"tcp"},{"port":9243,"protocol":"ELASTICSEARCH","transport_protocol":"tcp","tls":{}}]}}`,
			[]string{"redis 203.0.113.8:6379 public", "elasticsearch 203.0.113.8:9243 tls public"}},
		{"consul health", "consul",
			`[{"Node":{"Node":"n1","Address":"10.0.3.5"},"Service":{"ID":"redis-1","Service":"redis","Address":"","Port":6379,"Tags":["primary"]},"Checks":[]}]`,
			[]string{"redis 10.0.3.5:6379 private"}},
		{"consul nodes", "consul",
			`[{"ID":"x","Node":"worker-01","Address":"10.4.5.31","Datacenter":"dc1","TaggedAddresses":{"lan":"10.4.5.31"}}]`,
			[]string{"- 10.4.5.31:0 private"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, err := readAll(t, "", tt.input, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != tt.format {
				t.Errorf("detected %q, want %q", st.Format, tt.format)
			}
			wantTargets(t, got, tt.want...)
			if len(st.Problems) > 0 {
				t.Errorf("problems %q", st.Problems)
			}
		})
	}
}

func TestAnsibleRanges(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		last string
		err  string
	}{
		{"www[01:50].example.com", 50, "www50.example.com", ""},
		{"www[01:50:2].example.com", 25, "www49.example.com", ""},
		{"db-[a:f].example.com", 6, "db-f.example.com", ""},
		{"r[1:2]-[a:b]", 4, "r2-b", ""},
		{"h[0:99999999]", 0, "", "up to 65536 hosts"},
		{"h[9:1]", 0, "", "up to 65536 hosts"},
		{"h[1:5:0]", 0, "", "bad stride"},
		{"h[aa:zz]", 0, "", "single-letter"},
	} {
		got, err := expandAnsibleRange(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || len(got) != tt.n || got[len(got)-1] != tt.last {
			t.Errorf("%s: %d hosts, last %v, %v", tt.in, len(got), got[len(got)-1:], err)
		}
	}
}

// TestYAMLAliasBomb: a document whose aliases expand without bound is an
// error, not a full memory.
func TestYAMLAliasBomb(t *testing.T) {
	in := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
		"g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nservices:\n  x: {}\n"
	_, _, err := readAll(t, "docker-compose", in, Options{})
	if err == nil || !strings.Contains(err.Error(), "too many values") {
		t.Errorf("err = %v", err)
	}
}

// TestDetectKeepsPlainLists: host lists that look a little like the new
// formats stay plain lists.
func TestDetectKeepsPlainLists(t *testing.T) {
	for _, in := range []string{"[2001:db8::5]\n10.0.0.1\n", "[::1]:6379\n", "db1.example.com\nredis://cache:6379\n"} {
		if f, _ := Detect([]byte(in)); f != "list" {
			t.Errorf("%q detected as %s", in, f)
		}
	}
}
