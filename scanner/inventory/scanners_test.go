package inventory

import (
	"strings"
	"testing"
)

const nmapServices = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sV -oX - 192.0.2.0/29" version="7.94" xmloutputversion="1.05">
<host><status state="up" reason="syn-ack"/>
<address addr="192.0.2.1" addrtype="ipv4"/><address addr="00:11:22:33:44:55" addrtype="mac"/>
<hostnames><hostname name="db.example.com" type="user"/></hostnames>
<ports>
<port protocol="tcp" portid="6379"><state state="open" reason="syn-ack"/><service name="redis" product="Redis key-value store" version="7.2.4" method="probed" conf="10"/></port>
<port protocol="tcp" portid="9243"><state state="open" reason="syn-ack"/><service name="http" product="Elasticsearch REST API" tunnel="ssl" method="probed" conf="10"/></port>
<port protocol="tcp" portid="27018"><state state="open" reason="syn-ack"/><service name="mongod" method="table" conf="3"/></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/><service name="ssh"/></port>
<port protocol="tcp" portid="23"><state state="closed" reason="reset"/></port>
<port protocol="tcp" portid="25"><state state="filtered" reason="no-response"/></port>
<port protocol="udp" portid="53"><state state="open" reason="udp-response"/><service name="domain"/></port>
</ports></host>
<host><status state="down" reason="no-response"/><address addr="192.0.2.2" addrtype="ipv4"/></host>
<host><status state="up"/><address addr="2001:db8::6" addrtype="ipv6"/><ports><port protocol="tcp" portid="9200"><state state="open"/></port></ports></host>
</nmaprun>`

func TestReadScanners(t *testing.T) {
	tests := []struct {
		name, format, input string
		want                []string
		skipped             int
	}{
		{"nmap service names, TLS tunnel, open TCP only", "nmap-xml", nmapServices,
			[]string{"redis 192.0.2.1:6379 public", "elasticsearch 192.0.2.1:9243 tls public", "mongodb 192.0.2.1:27018 public",
				"- 192.0.2.1:22 public", "elasticsearch 2001:db8::6:9200 public"}, 4},
		{"masscan -oJ old format with finished trailer", "masscan-json", "[\n" +
			`{   "ip": "192.0.2.7",   "timestamp": "1486643473", "ports": [ {"port": 6379, "proto": "tcp", "status": "open", "reason": "syn-ack", "ttl": 55} ] },` + "\n" +
			`{   "ip": "192.0.2.8",   "timestamp": "1486643473", "ports": [ {"port": 53, "proto": "udp", "status": "open"} ] },` + "\n" +
			`{   "ip": "192.0.2.9",   "timestamp": "1486643474", "ports": [ {"port": 80, "proto": "tcp", "service": {"name": "http", "banner": "x"} } ] },` + "\n" +
			"{finished: 1}\n]\n",
			[]string{"redis 192.0.2.7:6379 public", "- 192.0.2.9:80 public"}, 1},
		{"masscan ndjson", "masscan-json", `{"ip":"192.0.2.10","timestamp":"1","ports":[{"port":27017,"proto":"tcp","status":"open"}]}` + "\n",
			[]string{"mongodb 192.0.2.10:27017 public"}, 0},
		{"masscan list", "masscan-list", "#masscan\nopen tcp 9200 192.0.2.11 1390380064\nclosed tcp 22 192.0.2.11 1\nbanner tcp 80 192.0.2.11 1 http Server: x\nopen udp 53 192.0.2.11 1\n# end\n",
			[]string{"elasticsearch 192.0.2.11:9200 public"}, 3},
		{"naabu new and old port forms", "naabu", `{"host":"cache.example.com","ip":"192.0.2.12","port":6380,"protocol":"tcp","tls":true,"timestamp":"2024-01-01T00:00:00Z"}
{"ip":"192.0.2.13","port":{"Port":27017,"Protocol":0,"TLS":false}}
{"host":"only-name.example.com","port":9200}
{"ip":"192.0.2.14","port":53,"protocol":"udp"}`,
			[]string{"- 192.0.2.12:6380 tls public", "mongodb 192.0.2.13:27017 public", "elasticsearch only-name.example.com:9200"}, 1},
		{"cloudlist", "cloudlist", `{"public":true,"provider":"aws","service":"ec2","id":"prod","public_ipv4":"203.0.113.14","private_ipv4":"10.0.0.14"}
{"public":true,"provider":"gcp","service":"dns","id":"p","dns_name":"api.example.com"}
{"public":false,"provider":"azure","id":"x","dns_name":"vm.example.net"}`,
			[]string{"- 203.0.113.14:0 public", "- 10.0.0.14:0 private", "- api.example.com:0 public", "- vm.example.net:0 private"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, err := readAll(t, tt.format, tt.input, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantTargets(t, got, tt.want...)
			if st.Skipped != tt.skipped {
				t.Errorf("skipped %d, want %d", st.Skipped, tt.skipped)
			}
		})
	}
}

func TestNmapOriginLineAndNames(t *testing.T) {
	got, _, err := readAll(t, "", nmapServices, Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := got[0].Origins[0]
	if o.Line != 4 || o.Resource != "db.example.com" || o.Path != "host/ports/port[@portid=6379]" || o.Format != "nmap-xml" {
		t.Errorf("origin = %+v", o)
	}
}

func TestMasscanListOriginLine(t *testing.T) {
	got, _, err := readAll(t, "", "#masscan\n\nopen tcp 6379 192.0.2.20 1\n", Options{})
	if err != nil || len(got) != 1 || got[0].Origins[0].Line != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	if !strings.Contains(got[0].Origins[0].Format, "masscan-list") {
		t.Errorf("origin = %+v", got[0].Origins[0])
	}
}
