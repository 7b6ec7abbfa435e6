package inventory

import (
	"net/netip"
	"testing"
)

func TestParseAddressFilter(t *testing.T) {
	tests := []struct {
		in      string
		want    AddressFilter
		wantErr bool
	}{
		{"", AddressBoth, false},
		{"both", AddressBoth, false},
		{"Private", AddressPrivate, false},
		{" public ", AddressPublic, false},
		{"internal", AddressBoth, true},
	}
	for _, tt := range tests {
		got, err := ParseAddressFilter(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseAddressFilter(%q) = %v, %v", tt.in, got, err)
		}
		if err == nil && tt.in != "" && got.String() == "" {
			t.Errorf("%v has no name", got)
		}
	}
}

func TestAddrExposure(t *testing.T) {
	tests := map[string]string{
		"10.1.2.3": Private, "172.16.0.1": Private, "192.168.1.1": Private, "127.0.0.1": Private,
		"169.254.1.1": Private, "100.64.0.1": Private, "fd00::1": Private, "::1": Private, "fe80::1": Private,
		"203.0.113.5": Public, "198.51.100.1": Public, "8.8.8.8": Public, "2001:db8::1": Public,
		"::ffff:10.0.0.1": Private,
	}
	for in, want := range tests {
		if got := addrExposure(netip.MustParseAddr(in)); got != want {
			t.Errorf("addrExposure(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 192.0.2.1 ", "192.0.2.1"},
		{"[2001:db8::1]", "2001:db8::1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},
		{"fe80::1%eth0", "fe80::1"},
		{"Redis.Example.COM.", "redis.example.com"},
		{"my_host.internal", "my_host.internal"},
		{"0.0.0.0", ""},
		{"::", ""},
		{"224.0.0.1", ""},
		{"", ""},
		{"None", "none"},
		{"bad host", ""},
		{"http://x", ""},
		{".lead", ""},
		{"-lead", ""},
		{"a..b", ""},
		{"10-0-0-157", "10-0-0-157"},
	}
	for _, tt := range tests {
		if got, _ := normalizeHost(tt.in); got != tt.want {
			t.Errorf("normalizeHost(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameExposure(t *testing.T) {
	tests := map[string]string{
		"db.svc": Private, "ip-10-0-0-1.ec2.internal": Private, "printer.local": Private,
		"localhost": Private, "example.com": "", "internal.example.com": "",
	}
	for in, want := range tests {
		if got := nameExposure(in); got != want {
			t.Errorf("nameExposure(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIPField(t *testing.T) {
	yes := []string{"PrivateIpAddress", "a[0].NetworkInterfaces[0].PrivateIpAddresses[1].PrivateIpAddress", "natIP",
		"spec.clusterIPs[0]", "public_ipv4", "values.private_ip", "status.loadBalancer.ingress[0].ip", "staticIp", "ipv6_addresses[2]"}
	no := []string{"", "hostName", "Endpoint", "status.loadBalancer.ingress[0].hostname", "dns_name", "host/ports/port[@portid=80]", "readEndpoint"}
	for _, p := range yes {
		if !ipField(p) {
			t.Errorf("ipField(%q) = false", p)
		}
	}
	for _, p := range no {
		if ipField(p) {
			t.Errorf("ipField(%q) = true", p)
		}
	}
}
