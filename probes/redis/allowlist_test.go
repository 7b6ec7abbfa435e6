package redis

import (
	"errors"
	"net"
	"strings"
	"testing"
)

func TestAllowlist(t *testing.T) {
	tests := []struct {
		args []string
		ok   bool
	}{
		{[]string{"INFO", "server"}, true},
		{[]string{"info", "keyspace"}, true},
		{[]string{"INFO", "replication"}, true},
		{[]string{"INFO"}, false},
		{[]string{"INFO", "clients"}, false},
		{[]string{"INFO", "all"}, false},
		{[]string{"INFO", "server", "clients"}, false},
		{[]string{"SELECT", "3"}, true},
		{[]string{"SELECT", "-1"}, false},
		{[]string{"SCAN", "0", "COUNT", "100"}, true},
		{[]string{"SCAN", "0", "MATCH", "*"}, false},
		{[]string{"SCAN", "0", "COUNT", "0"}, false},
		{[]string{"TYPE", "k"}, true},
		{[]string{"TYPE", "k", "k2"}, false},
		{[]string{"HRANDFIELD", "h", "64"}, true},
		{[]string{"HRANDFIELD", "h", "64", "WITHVALUES"}, false},
		{[]string{"HRANDFIELD", "h", "-64"}, false},
		{[]string{"HSCAN", "h", "0", "COUNT", "64", "NOVALUES"}, true},
		{[]string{"HSCAN", "h", "0", "COUNT", "64"}, false},
		{[]string{"HSCAN", "h", "5", "COUNT", "64", "NOVALUES"}, false},
		{[]string{"HLEN", "h"}, true},
		{[]string{"HKEYS", "h"}, true},
		{[]string{"JSON.OBJKEYS", "j"}, true},
		{[]string{"JSON.GET", "j"}, false},
		{[]string{"GET", "k"}, false},
		{[]string{"HGETALL", "h"}, false},
		{[]string{"HGET", "h", "f"}, false},
		{[]string{"LRANGE", "l", "0", "-1"}, false},
		{[]string{"SMEMBERS", "s"}, false},
		{[]string{"ZRANGE", "z", "0", "-1"}, false},
		{[]string{"XRANGE", "x", "-", "+"}, false},
		{[]string{"XINFO", "STREAM", "x"}, false},
		{[]string{"AUTH", "pw"}, false},
		{[]string{"HELLO", "3"}, false},
		{[]string{"CLIENT", "SETINFO", "LIB-NAME", "x"}, false},
		{[]string{"CLIENT", "LIST"}, false},
		{[]string{"CONFIG", "GET", "*"}, false},
		{[]string{"MONITOR"}, false},
		{[]string{"FLUSHALL"}, false},
		{[]string{"SET", "k", "v"}, false},
		{[]string{"KEYS", "*"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		err := checkAllowed(tt.args)
		if (err == nil) != tt.ok {
			t.Errorf("checkAllowed(%q) = %v, want allowed=%v", tt.args, err, tt.ok)
		}
	}
}

// TestClientRefusesBeforeWriting shows that a command off the allowlist
// never reaches the socket, and that the error does not quote the key.
func TestClientRefusesBeforeWriting(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c := newClient(t.Context(), a, 1<<20)
	_, err := c.do("GET", "secret-key-name")
	if !errors.Is(err, errNotAllowed) {
		t.Fatalf("GET: err = %v, want errNotAllowed", err)
	}
	if len(c.out) != 0 {
		t.Fatalf("queued %q", c.out)
	}
	_, err = c.do("HRANDFIELD", "secret-key-name", "5", "WITHVALUES")
	if !errors.Is(err, errNotAllowed) || strings.Contains(err.Error(), "secret-key-name") {
		t.Fatalf("HRANDFIELD WITHVALUES: err = %v", err)
	}
}
