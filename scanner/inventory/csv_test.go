package inventory

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
		columns     map[string][]string
		warn        string // in the warnings, or in the problems
	}{
		{"ip and port", "Name,IP Address,Port,Owner\nweb,192.0.2.1,443,a\ncache,192.0.2.2,6379,b\n",
			[]string{"- 192.0.2.1:443 public", "redis 192.0.2.2:6379 public"},
			map[string][]string{"host": {"IP Address"}, "port": {"Port"}}, ""},
		{"private and public columns, service and port lists", "hostname;Private IP;Public IP;Ports;Service\n" +
			"db1.corp;10.0.0.1;203.0.113.1;27017, 27018;MongoDB\n",
			[]string{"mongodb db1.corp:27017 private", "mongodb db1.corp:27018 private", "mongodb 10.0.0.1:27017 private",
				"mongodb 10.0.0.1:27018 private", "mongodb 203.0.113.1:27017 public", "mongodb 203.0.113.1:27018 public"},
			map[string][]string{"host": {"hostname", "Private IP", "Public IP"}, "port": {"Ports"}, "service": {"Service"}}, ""},
		{"host:port, URLs, no port and a missing host", "# exported from the CMDB\nendpoint,notes\n" +
			"search.example.com:9243,\"x, y\"\nrediss://cache.example.com:6380,\nmongodb://[2001:db8::7]:27017/admin,\nhost-only.example.com,\n,orphan row\n",
			[]string{"- search.example.com:9243", "redis cache.example.com:6380 tls", "mongodb 2001:db8::7:27017 public", "- host-only.example.com:0"},
			map[string][]string{"host": {"endpoint"}}, "1 rows had no host in columns endpoint"},
		{"bad port", "ip,port\n192.0.2.5,http\n192.0.2.6,22\n", []string{"- 192.0.2.6:22 public"},
			map[string][]string{"host": {"ip"}, "port": {"port"}}, `in:2: not a port: "http" (at port)`},
		{"several hosts per cell, prefix lengths, protocol column", "IP Addresses,Protocol,Port\n" +
			"\"192.0.2.7/24, 192.0.2.8\",TCP,6379\n192.0.2.9,udp,53\n192.0.2.0/24,tcp,80\n",
			[]string{"redis 192.0.2.7:6379 public", "redis 192.0.2.8:6379 public"},
			map[string][]string{"host": {"IP Addresses"}, "port": {"Port"}, "protocol": {"Protocol"}}, `in:4: not a host: "192.0.2.0/24" (at IP Addresses)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, err := readAll(t, "", tt.input, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantTargets(t, got, tt.want...)
			if !reflect.DeepEqual(st.Columns, tt.columns) {
				t.Errorf("columns = %v, want %v", st.Columns, tt.columns)
			}
			if w := strings.Join(append(st.Warnings, st.Problems...), ";"); (tt.warn == "") != (w == "") || !strings.Contains(w, tt.warn) {
				t.Errorf("warnings = %q, want %q", st.Warnings, tt.warn)
			}
		})
	}
}

// TestCSVHugeCell: a 1 MB cell is one problem naming its line, echoing at
// most MaxEcho characters, and the rows after it are read.
func TestCSVHugeCell(t *testing.T) {
	got, st, err := readAll(t, "", "\ufeffhost,port\n"+strings.Repeat("z", 1<<20)+",6379\n192.0.2.4,6379\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got, "redis 192.0.2.4:6379 public")
	if st.Bad != 1 || len(st.Problems) != 1 || !strings.HasPrefix(st.Problems[0], `in:2: not a host: "zzzz`) ||
		!strings.HasSuffix(st.Problems[0], `"... (1048576 bytes) (at host)`) || len(st.Problems[0]) > 180 {
		t.Errorf("problems = %q", st.Problems)
	}
}

func TestCSVOriginLine(t *testing.T) {
	got, _, err := readAll(t, "csv", "\n# c\nip\n192.0.2.9\n\n192.0.2.10\n", Options{})
	if err != nil || len(got) != 2 {
		t.Fatalf("%v %v", got, err)
	}
	if got[0].Origins[0].Line != 4 || got[1].Origins[0].Line != 6 || got[0].Origins[0].Path != "ip" {
		t.Errorf("origins %+v %+v", got[0].Origins, got[1].Origins)
	}
}

// TestCSVMongoURLs: a connection string in a cell lists each of its hosts;
// a mongodb+srv:// name goes to Options.SRV, never to a target.
func TestCSVMongoURLs(t *testing.T) {
	in := "name,Connection String\norders,\"mongodb://app:pw@10.0.0.5:27017,10.0.0.6:27018/orders?replicaSet=rs0\"\nchat,mongodb+srv://chat.cluster0.example.net/app\n"
	var srv []string
	got, st, err := readAll(t, "", in, Options{SRV: func(e scanner.Entry) { srv = append(srv, e.SRV+" "+e.Target.Origins[0].Path) }})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got, "mongodb 10.0.0.5:27017 private", "mongodb 10.0.0.6:27018 private")
	if strings.Join(srv, "|") != "chat.cluster0.example.net Connection String" || len(st.Problems) != 0 {
		t.Errorf("srv %q problems %q", srv, st.Problems)
	}
	_, st, _ = readAll(t, "", in, Options{})
	if !strings.Contains(strings.Join(st.Warnings, ";"), "1 mongodb+srv:// URLs were not resolved") {
		t.Errorf("warnings %q", st.Warnings)
	}
}
