package scanner

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseEntry(t *testing.T) {
	tests := []struct {
		in      string
		host    string
		port    int
		service string
		tls     bool
		prefix  string
		warn    bool
	}{
		{in: "127.0.0.1", host: "127.0.0.1"},
		{in: "127.0.0.1:6379", host: "127.0.0.1", port: 6379},
		{in: "db.example.com", host: "db.example.com"},
		{in: "DB.Example.COM.:27017", host: "db.example.com", port: 27017},
		{in: "::1", host: "::1"},
		{in: "2001:db8::5", host: "2001:db8::5"},
		{in: "[2001:db8::5]", host: "2001:db8::5"},
		{in: "[2001:db8::5]:9200", host: "2001:db8::5", port: 9200},
		{in: "[::ffff:127.0.0.1]:6379", host: "::ffff:127.0.0.1", port: 6379},
		{in: "10.0.0.0/24", prefix: "10.0.0.0/24"},
		{in: "10.0.0.7/24", prefix: "10.0.0.0/24"},
		{in: "192.0.2.1/32", prefix: "192.0.2.1/32"},
		{in: "2001:db8::/120", prefix: "2001:db8::/120"},
		{in: "http://127.0.0.1:9200", host: "127.0.0.1", port: 9200, service: Elasticsearch},
		{in: "http://search.example.com", host: "search.example.com", service: Elasticsearch},
		{in: "https://search.example.com", host: "search.example.com", port: 443, service: Elasticsearch, tls: true},
		{in: "https://search.example.com:9243/", host: "search.example.com", port: 9243, service: Elasticsearch, tls: true},
		{in: "mongodb://127.0.0.1:27018/admin?directConnection=true", host: "127.0.0.1", port: 27018, service: MongoDB},
		{in: "redis://cache:6380/0", host: "cache", port: 6380, service: Redis},
		{in: "rediss://[::1]:6380", host: "::1", port: 6380, service: Redis, tls: true},
		{in: "REDIS://cache", host: "cache", service: Redis},
		{in: "redis://:s3cretpass@cache:6379", host: "cache", port: 6379, service: Redis, warn: true},
		{in: "mongodb://admin:hunter2@db:27017", host: "db", port: 27017, service: MongoDB, warn: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := ParseEntry(tt.in)
			if err != nil {
				t.Fatalf("ParseEntry(%q): %v", tt.in, err)
			}
			if tt.prefix != "" {
				if e.Prefix != netip.MustParsePrefix(tt.prefix) {
					t.Fatalf("prefix = %v, want %s", e.Prefix, tt.prefix)
				}
				return
			}
			got := e.Target
			if got.Host != tt.host || got.Port != tt.port || got.Service != tt.service || got.TLS != tt.tls {
				t.Errorf("got host=%q port=%d service=%q tls=%v, want %q %d %q %v",
					got.Host, got.Port, got.Service, got.TLS, tt.host, tt.port, tt.service, tt.tls)
			}
			if (e.Warning != "") != tt.warn {
				t.Errorf("warning = %q, want warning: %v", e.Warning, tt.warn)
			}
			for _, secret := range []string{"s3cretpass", "hunter2", "admin"} {
				if strings.Contains(e.Warning, secret) {
					t.Errorf("warning %q repeats the credential %q", e.Warning, secret)
				}
			}
		})
	}
}

func TestParseEntryBad(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"host name with spaces", "spaces"},
		{"a,b", "separators"},
		{"10.0.0.0/33", "not a CIDR"},
		{"10.0.0/8", "not a CIDR"},
		{"host:0", "1 to 65535"},
		{"host:65536", "1 to 65535"},
		{"host:http", "1 to 65535"},
		{"[2001:db8::zz]", "not an IPv6"},
		{"[::1]:99999", "1 to 65535"},
		{"ftp://host", "unknown scheme"},
		{"mongodb+srv://cluster0.example.net:27017", "without a port"},
		{"mongodb+srv://a.example.net,b.example.net", "without a port"},
		{"mongodb://a:27017,b:27017", "lists 2 hosts"},
		{"mongodb://a:27017,b:99999", "1 to 65535"},
		{"mongodb://%2Ftmp%2Fmongodb-27017.sock", "Unix socket"},
		{"mongodb:///db", "without a host"},
		{"redis://a:1,b:2", "names one host"},
		{"exa$mple.com", "not a host name"},
		{"redis://user:p%zzss@cache", "malformed URL"},
		{strings.Repeat("a", 64) + ".com", "not a host name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseEntry(tt.in)
			if err == nil {
				t.Fatalf("ParseEntry(%q) succeeded, want an error with %q", tt.in, tt.want)
			}
			if !errors.Is(err, ErrBadTarget) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want ErrBadTarget mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "p%zzss") {
				t.Errorf("error %q repeats the password", err)
			}
		})
	}
}

func TestReadList(t *testing.T) {
	in := "# fleet\n127.0.0.1\n\n  redis://cache:6380  # the cache\nbad host\n10.0.0.0/30\nhost:99999\n"
	var got []string
	var bad []string
	err := ReadList(strings.NewReader(in), "hosts.txt", func(e Entry) error {
		if e.Prefix.IsValid() {
			got = append(got, e.Prefix.String())
		} else {
			got = append(got, e.Target.Host)
		}
		if e.Target.Origins[0].File != "hosts.txt" {
			t.Errorf("origin %+v", e.Target.Origins)
		}
		return nil
	}, func(err error) error {
		bad = append(bad, err.Error())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "127.0.0.1 cache 10.0.0.0/30" {
		t.Errorf("entries = %v", got)
	}
	if len(bad) != 2 || !strings.HasPrefix(bad[0], "hosts.txt:5: ") || !strings.HasPrefix(bad[1], "hosts.txt:7: ") {
		t.Errorf("bad lines = %q, want lines 5 and 7 named", bad)
	}
}

func FuzzParseEntry(f *testing.F) {
	for _, s := range []string{"127.0.0.1:6379", "[::1]:9200", "redis://u:p@h:1/0", "10.0.0.0/8", "h", "mongodb+srv://x", "http://[::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		es, err := ParseEntries(s)
		if err != nil {
			if len(err.Error()) > 3*MaxEcho+60 {
				t.Fatalf("error of %d bytes for an input of %d", len(err.Error()), len(s))
			}
			return
		}
		for _, e := range es {
			if !e.Prefix.IsValid() && e.Target.Host == "" && e.SRV == "" {
				t.Fatalf("ParseEntries(%q) gave neither a host, a prefix nor an SRV name", s)
			}
			if e.Target.Port < 0 || e.Target.Port > 65535 {
				t.Fatalf("port %d", e.Target.Port)
			}
		}
	})
}
