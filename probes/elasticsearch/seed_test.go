package elasticsearch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// canary is planted in a value of every seeded document. It must never
// appear in a result or in the bytes the probe receives.
const canary = "spillcanary-5e1d"

// seedMessageDays are the daily messages indices: messages-2024.03.01 ...
const seedMessageDays = 5

// seedDocsPerDay documents go into each messages index.
const seedDocsPerDay = 3

// seeder talks to the test cluster directly. It is test harness, not the
// probe: it writes, and it reads nothing back but acknowledgements.
type seeder struct {
	t    testing.TB
	base *url.URL
	hc   *http.Client
}

func (s seeder) call(method, path string, body any, okStatus ...int) {
	s.t.Helper()
	var r io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		r, ct = strings.NewReader(b), "application/x-ndjson"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(s.base.String(), "/")+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	resp, err := s.hc.Do(req)
	if err != nil {
		s.t.Fatalf("seeding %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	for _, ok := range append(okStatus, 200, 201) {
		if resp.StatusCode == ok {
			if bytes.Contains(msg, []byte(`"errors":true`)) {
				s.t.Fatalf("seeding %s %s: bulk errors: %s", method, path, msg)
			}
			return
		}
	}
	s.t.Fatalf("seeding %s %s: HTTP %d: %s", method, path, resp.StatusCode, msg)
}

// bulk indexes docs into index with the _bulk API.
func (s seeder) bulk(index string, docs ...map[string]any) {
	s.t.Helper()
	var b strings.Builder
	for _, d := range docs {
		op := map[string]any{"index": map[string]any{"_index": index}}
		if strings.HasPrefix(index, "logs-") {
			op = map[string]any{"create": map[string]any{"_index": index}}
		}
		for _, v := range []any{op, d} {
			raw, _ := json.Marshal(v)
			b.Write(raw)
			b.WriteByte('\n')
		}
	}
	s.call("POST", "/_bulk?refresh=true", b.String())
}

// seedIndexNames are every index, stream and template the seeder creates.
var seedIndexNames = []string{"messages-2024.03.*", "call-records", "shop-orders", "audit-hidden", ".spillcheck-settings"}

// seedCluster (re)creates the test data the way chat, telephony, shop and
// logging apps would write it, with dynamic mapping where apps rely on it.
// Without data streams (Elasticsearch 7.17 without x-pack), logs-chat-prod
// is an ordinary index.
func seedCluster(t testing.TB, base *url.URL, dataStreams bool) {
	t.Helper()
	s := seeder{t: t, base: base, hc: &http.Client{Timeout: 60 * time.Second}}
	if dataStreams {
		s.call("DELETE", "/_data_stream/logs-chat-prod", nil, 404)
	} else {
		s.call("DELETE", "/logs-chat-prod?ignore_unavailable=true", nil, 404)
	}
	for _, n := range seedIndexNames {
		s.call("DELETE", "/"+n+"?ignore_unavailable=true&expand_wildcards=all", nil, 404)
	}
	s.call("PUT", "/_index_template/messages", map[string]any{
		"index_patterns": []string{"messages-*"},
		"template": map[string]any{
			"settings": map[string]any{"number_of_shards": 1, "number_of_replicas": 0},
			"mappings": map[string]any{"properties": map[string]any{"location": map[string]any{"type": "geo_point"}}},
		},
	})
	logsTemplate := map[string]any{
		"index_patterns": []string{"logs-chat-*"}, "priority": 200,
		"template": map[string]any{"settings": map[string]any{"number_of_shards": 1, "number_of_replicas": 0}},
	}
	if dataStreams {
		logsTemplate["data_stream"] = map[string]any{}
	}
	s.call("PUT", "/_index_template/logs-chat", logsTemplate)
	one := map[string]any{"settings": map[string]any{"number_of_shards": 1, "number_of_replicas": 0}}
	for day := 1; day <= seedMessageDays; day++ {
		index := fmt.Sprintf("messages-2024.03.%02d", day)
		var docs []map[string]any
		for i := 0; i < seedDocsPerDay; i++ {
			docs = append(docs, message(day, i))
		}
		s.bulk(index, docs...)
	}
	s.call("POST", "/_aliases", map[string]any{"actions": []any{
		map[string]any{"add": map[string]any{"index": fmt.Sprintf("messages-2024.03.%02d", seedMessageDays), "alias": "messages-current"}},
	}})
	s.call("PUT", "/call-records", one)
	s.bulk("call-records",
		map[string]any{"caller": "+4915112345678", "callee": "+4917798765432", "started_at": "2024-03-01T09:00:00Z", "duration_sec": 73, "cell_id": canary + "-cell-1"},
		map[string]any{"caller": "+4915112345679", "callee": "+4917798765433", "started_at": "2024-03-01T09:05:00Z", "duration_sec": 12, "cell_id": canary + "-cell-2"},
		map[string]any{"caller": "+4915112345670", "callee": "+4917798765434", "started_at": "2024-03-01T09:07:00Z", "duration_sec": 301, "cell_id": canary + "-cell-3"},
	)
	s.call("PUT", "/shop-orders", map[string]any{
		"settings": one["settings"],
		"mappings": map[string]any{"properties": map[string]any{"items": map[string]any{"type": "nested"}}},
	})
	s.bulk("shop-orders",
		map[string]any{"order_id": "A-1001", "customer": map[string]any{"email": canary + "@example.com", "address": map[string]any{"street": "Main St 1", "city": "Berlin"}}, "items": []any{map[string]any{"sku": "X1", "qty": 2}}, "total": 19.99},
		map[string]any{"order_id": "A-1002", "customer": map[string]any{"email": canary + "2@example.com", "address": map[string]any{"street": "Side St 2", "city": "Hamburg"}}, "items": []any{map[string]any{"sku": "X2", "qty": 1}}, "total": 5.5},
	)
	s.bulk("logs-chat-prod",
		map[string]any{"@timestamp": "2024-03-01T10:00:00Z", "log": map[string]any{"level": "info"}, "message": "delivered " + canary, "service": map[string]any{"name": "chat-api"}, "user": map[string]any{"id": "u-1", "email": "a@example.com"}, "client": map[string]any{"ip": "192.0.2.10"}, "event": map[string]any{"dataset": "chat.audit"}},
		map[string]any{"@timestamp": "2024-03-01T10:00:01Z", "log": map[string]any{"level": "warn"}, "message": "retry " + canary, "service": map[string]any{"name": "chat-api"}, "user": map[string]any{"id": "u-2", "email": "b@example.com"}, "client": map[string]any{"ip": "192.0.2.11"}, "event": map[string]any{"dataset": "chat.audit"}},
	)
	s.call("PUT", "/audit-hidden", map[string]any{"settings": map[string]any{"index.hidden": true, "number_of_shards": 1, "number_of_replicas": 0}})
	s.bulk("audit-hidden", map[string]any{"actor": canary, "action": "login"})
	s.call("PUT", "/.spillcheck-settings", one)
	s.bulk(".spillcheck-settings", map[string]any{"setting": canary})
}

// message is one chat message as a messaging app would index it.
func message(day, i int) map[string]any {
	return map[string]any{
		"sender":    map[string]any{"phone": fmt.Sprintf("+4915100%02d%03d", day, i), "name": "Alice " + canary},
		"recipient": map[string]any{"phone": fmt.Sprintf("+4917700%02d%03d", day, i)},
		"body":      fmt.Sprintf("see you at 8 %s %d", canary, i),
		"sent_at":   fmt.Sprintf("2024-03-%02dT10:%02d:00Z", day, i),
		"location":  map[string]any{"lat": 52.52, "lon": 13.405},
		"device":    map[string]any{"model": "Pixel 7", "os": "Android 14", "app_version": "5.2." + canary},
	}
}
