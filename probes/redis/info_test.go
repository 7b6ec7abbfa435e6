package redis

import (
	"reflect"
	"testing"
)

func TestInfoParsing(t *testing.T) {
	server := parseInfo("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nuptime_in_seconds:42\r\n\r\n")
	if server["redis_version"] != "7.0.15" || server["uptime_in_seconds"] != "42" {
		t.Fatalf("server = %v", server)
	}
	ks := keyspace(parseInfo("# Keyspace\r\ndb0:keys=12,expires=1,avg_ttl=0\r\ndb10:keys=3,expires=0,avg_ttl=0\r\ndb2:keys=x\r\ndbx:keys=1\r\ndb01:keys=5\r\n"))
	want := []dbKeys{{0, 12}, {10, 3}}
	if !reflect.DeepEqual(ks, want) {
		t.Fatalf("keyspace = %v, want %v", ks, want)
	}
}

func TestProduct(t *testing.T) {
	tests := []struct {
		info          map[string]string
		name, version string
	}{
		{map[string]string{"redis_version": "7.0.15"}, "redis", "7.0.15"},
		{map[string]string{"redis_version": "7.2.4", "server_name": "valkey", "valkey_version": "8.0.1"}, "valkey", "8.0.1"},
		{map[string]string{"redis_version": "6.2.0", "dragonfly_version": "df-v1.20.0"}, "dragonfly", "df-v1.20.0"},
		{map[string]string{"redis_version": "6.3.2", "executable": "/usr/bin/keydb-server"}, "keydb", "6.3.2"},
	}
	for _, tt := range tests {
		n, v := product(tt.info)
		if n != tt.name || v != tt.version {
			t.Errorf("product(%v) = %s %s, want %s %s", tt.info, n, v, tt.name, tt.version)
		}
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		v            string
		major, minor int
		want         bool
	}{
		{"7.4.0", 7, 4, true}, {"7.0.15", 7, 4, false}, {"6.2.14", 6, 2, true},
		{"6.0.9", 6, 2, false}, {"8.0.0", 7, 4, true}, {"", 6, 2, false},
	}
	for _, tt := range tests {
		if got := parseVersion(tt.v).atLeast(tt.major, tt.minor); got != tt.want {
			t.Errorf("%q atLeast(%d,%d) = %v", tt.v, tt.major, tt.minor, got)
		}
	}
}

// FuzzInfo feeds arbitrary INFO text to the parsers a server's reply goes
// through: they must not panic, and keyspace must report only valid dbs.
func FuzzInfo(f *testing.F) {
	f.Add("# Server\r\nredis_version:7.0.15\r\n# Keyspace\r\ndb0:keys=1,expires=0\r\n")
	f.Add("db99999999999999999999:keys=-1\ndb1:keys=2,keys=3")
	f.Fuzz(func(t *testing.T, s string) {
		info := parseInfo(s)
		if len(info) > maxInfoLines {
			t.Fatalf("%d lines kept", len(info))
		}
		product(info)
		parseVersion(info["redis_version"]).atLeast(6, 2)
		for _, db := range keyspace(info) {
			if db.index < 0 || db.keys < 0 {
				t.Fatalf("bad db %+v from %q", db, s)
			}
		}
	})
}
