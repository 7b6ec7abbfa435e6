package elasticsearch

import (
	"fmt"
	"testing"
)

func TestPatternOf(t *testing.T) {
	tests := map[string]string{
		"messages-2022.01.01":        "messages-*",
		"messages-2022.01.31":        "messages-*",
		"logs-000001":                "logs-*",
		"logs-app-2024.03.01-000002": "logs-app-*",
		"messages_202201":            "messages_*",
		"logs-app-v2-2024.01.01":     "logs-app-v2-*",
		"metrics.2024-01":            "metrics.*",
		"users":                      "",
		"logs2024":                   "",
		"2022.01.01":                 "",
		"shop-orders":                "",
		"orders-":                    "",
		"a-1":                        "a-*",
	}
	for name, want := range tests {
		got, ok := patternOf(name)
		if got != want || ok != (want != "") {
			t.Errorf("patternOf(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestGroupIndices(t *testing.T) {
	rows := []indexRow{
		{Name: "messages-2022.01.02", Status: "open", Health: "green", Docs: 10, Bytes: 1000},
		{Name: "messages-2022.01.01", Status: "open", Health: "yellow", Docs: 5, Bytes: 500},
		{Name: "messages-2022.01.03", Status: "close", Docs: -1, Bytes: -1},
		{Name: "users", Status: "open", Health: "green", Docs: 2, Bytes: 5000},
		{Name: "invoices-1", Status: "open", Health: "green", Docs: 1, Bytes: 10},
		{Name: ".ds-logs-x-000001", Status: "open", Health: "green", Docs: 4, Bytes: 100},
	}
	streams := []dataStream{{Name: "logs-x", Status: "GREEN", Indices: []struct {
		Name string `json:"index_name"`
	}{{Name: ".ds-logs-x-000001"}}}}
	units := groupIndices(rows, streams)
	var got string
	for _, u := range units {
		c := u.container()
		got += fmt.Sprintf("%s:%s:%d:%d:%d:%s:%s:%s|", c.Kind, c.Name, c.Members, deref(c.Docs), deref(c.Bytes), c.Attrs["health"], c.Attrs["status"], u.representative())
	}
	want := "index:users:0:2:5000:green:open:users|" +
		"index-pattern:messages-*:3:15:1500:yellow:open,close:messages-2022.01.02|" +
		"data-stream:logs-x:1:4:100:green:open:.ds-logs-x-000001|" +
		"index:invoices-1:0:1:10:green:open:invoices-1|"
	if got != want {
		t.Errorf("units\n got %s\nwant %s", got, want)
	}
}
