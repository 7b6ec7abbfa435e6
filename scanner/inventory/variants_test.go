package inventory

import (
	"os"
	"strings"
	"testing"
)

// TestNmapEndsBetweenHosts: nmap stopped after a whole <host> leaves no
// </nmaprun>; the hosts are read and a warning says where the file ends.
func TestNmapEndsBetweenHosts(t *testing.T) {
	data, err := os.ReadFile(testdataDir + "/nmap-xml/interrupted.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	cut := strings.LastIndex(text, "<host ")
	got, st, err := readAll(t, "", text[:cut], Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got, "redis 198.18.0.1:6379 public", "elasticsearch 198.18.0.2:9200 public")
	if st.Bad != 0 || len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "before </nmaprun>") {
		t.Errorf("bad %d, warnings %q; want 0 and one about the missing </nmaprun>", st.Bad, st.Warnings)
	}
}

// TestReadVariantsThatHoldUp pins real-world shapes that already read
// right, so that they keep doing so.
func TestReadVariantsThatHoldUp(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
	}{
		// describe-instances of an IPv6-only instance (no
		// PrivateIpAddress; the address in Ipv6Address and the interface's
		// Ipv6Addresses, as https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
		// documents them) and a stopped instance with no address at all;
		// with a UTF-8 BOM and CRLF line ends, as PowerShell's Out-File writes.
		{"ec2 ipv6-only, bom, crlf", "\ufeff{\r\n\"Reservations\":[{\"Instances\":[" +
			"{\"InstanceId\":\"i-1\",\"Ipv6Address\":\"2001:db8::3\",\"NetworkInterfaces\":[{\"Ipv6Addresses\":[{\"Ipv6Address\":\"2001:db8::3\",\"IsPrimaryIpv6\":true}],\"PrivateIpAddresses\":[]}]},\r\n" +
			"{\"InstanceId\":\"i-2\",\"State\":{\"Name\":\"stopped\"},\"NetworkInterfaces\":[]}]}]\r\n}\r\n",
			[]string{"- 2001:db8::3:0 public"}},
		// masscan -oJ of 1.0.x: a comma after every record, the last one
		// too, before the closing bracket (not valid JSON; later versions
		// put the comma at the start of the next record).
		{"masscan trailing comma", "[\n{   \"ip\": \"198.18.8.1\",   \"timestamp\": \"1505055386\", \"ports\": [ {\"port\": 6379, \"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] },\n" +
			"{   \"ip\": \"198.18.8.2\",   \"timestamp\": \"1505055387\", \"ports\": [ {\"port\": 27017, \"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] },\n]\n",
			[]string{"redis 198.18.8.1:6379 public", "mongodb 198.18.8.2:27017 public"}},
		// naabu -json lines: host and ip (naabu 2.x), ip only, host only,
		// the old {"Port":...} object, CRLF line ends.
		{"naabu host vs ip", "{\"host\":\"198.18.9.1\",\"ip\":\"198.18.9.1\",\"port\":6379,\"protocol\":\"tcp\",\"tls\":false}\r\n" +
			"{\"ip\":\"198.18.9.2\",\"port\":{\"Port\":9200,\"Protocol\":\"tcp\",\"TLS\":true}}\r\n{\"host\":\"198.18.9.3\",\"port\":27017}\r\n",
			[]string{"redis 198.18.9.1:6379 public", "elasticsearch 198.18.9.2:9200 tls public", "mongodb 198.18.9.3:27017 public"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, err := readAll(t, "", tt.input, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantTargets(t, got, tt.want...)
			if st.Bad != 0 {
				t.Errorf("problems: %q", st.Problems)
			}
		})
	}
}
