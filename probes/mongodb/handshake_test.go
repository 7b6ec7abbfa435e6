package mongodb

import (
	"errors"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestParseHello(t *testing.T) {
	tests := []struct {
		name, reply string
		want        serverInfo
		notMongo    bool
	}{
		{"standalone", `{"isWritablePrimary": true, "maxWireVersion": 21, "minWireVersion": 0, "ok": 1}`,
			serverInfo{maxWire: 21, role: "standalone"}, false},
		{"legacy standalone", `{"ismaster": true, "ok": 1}`, serverInfo{role: "standalone"}, false},
		{"primary", `{"ismaster": true, "setName": "rs0", "hosts": ["a:1", "b:1", "c:1"], "maxWireVersion": 17, "ok": 1}`,
			serverInfo{maxWire: 17, setName: "rs0", members: 3, role: "primary"}, false},
		{"secondary", `{"ismaster": false, "secondary": true, "setName": "rs0", "hosts": ["a:1"], "maxWireVersion": 17, "ok": 1}`,
			serverInfo{maxWire: 17, setName: "rs0", members: 1, role: "secondary"}, false},
		{"arbiter", `{"ismaster": false, "arbiterOnly": true, "setName": "rs0", "maxWireVersion": 17, "ok": 1}`,
			serverInfo{maxWire: 17, setName: "rs0", role: "arbiter"}, false},
		{"mongos", `{"ismaster": true, "msg": "isdbgrid", "maxWireVersion": 17, "ok": 1}`,
			serverInfo{maxWire: 17, role: "mongos"}, false},
		{"documentdb gateway", `{"isWritablePrimary": true, "maxWireVersion": 21, "internal": {"documentdb_versions": ["0.113-0", "0.113.0"]}, "ok": 1}`,
			serverInfo{maxWire: 21, role: "standalone", documentDB: "0.113-0,0.113.0"}, false},
		{"not mongo", `{"ok": 1, "hello": "world"}`, serverInfo{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got serverInfo
			err := parseHello(ejson(t, tc.reply), &got)
			if tc.notMongo {
				if !errors.Is(err, scanner.ErrProtocol) {
					t.Fatalf("err = %v, want a protocol error", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}
