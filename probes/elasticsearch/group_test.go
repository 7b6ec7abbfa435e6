package elasticsearch

import (
	"fmt"
	"strings"
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

func TestVariants(t *testing.T) {
	tests := map[string]string{
		"acme-logs-*":        "*-logs-* acme-*-*",
		"tenant-4f2a-events": "*-4f2a-events tenant-*-events tenant-4f2a-*",
		"users":              "",
		"logs-*":             "",
		"a.b_c":              "*.b_c a.*_c a.b_*",
	}
	for key, want := range tests {
		if got := strings.Join(variants(key, nil), " "); got != want {
			t.Errorf("variants(%q) = %q, want %q", key, got, want)
		}
	}
}

// nameRank rates names containing "msg" or "chat" as a NameRanker would.
func nameRank(name string) int {
	switch {
	case strings.Contains(name, "msg"):
		return 80
	case strings.Contains(name, "chat"):
		return 60
	}
	return 0
}

// render lists units as kind:name:members:docs:bytes:health:status:rep.
func render(units []*unit) string {
	var b strings.Builder
	for _, u := range units {
		c := u.container()
		fmt.Fprintf(&b, "%s:%s:%d:%d:%d:%s:%s:%s|", c.Kind, c.Name, c.Members, deref(c.Docs), deref(c.Bytes),
			c.Attrs["health"], c.Attrs["status"], u.representative())
	}
	return b.String()
}

func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

func TestGrouper(t *testing.T) {
	rows := []indexRow{
		{Name: "messages-2022.01.02", Status: "open", Health: "green", Docs: 10, Bytes: 1000},
		{Name: "messages-2022.01.01", Status: "open", Health: "yellow", Docs: 5, Bytes: 500},
		{Name: "messages-2022.01.03", Status: "close", Docs: -1, Bytes: -1},
		{Name: "users", Status: "open", Health: "green", Docs: 2, Bytes: 5000},
		{Name: "invoices-1", Status: "open", Health: "green", Docs: 1, Bytes: 10},
		{Name: ".ds-logs-x-000001", Status: "open", Health: "green", Docs: 4, Bytes: 100},
		{Name: ".kibana_1", Status: "open", Health: "green", Docs: 4, Bytes: 100},
	}
	g := newGrouper(nameRank, 100, false, newAliasBook(false))
	g.addStream(&dataStream{Name: "logs-x", Status: "GREEN", Indices: []string{".ds-logs-x-000001"}, Total: 1})
	for i := range rows {
		g.add(&rows[i])
	}
	chosen, rest := chooseUnits(g.all(), 100)
	want := "index:users:0:2:5000:green:open:users|" +
		"index-pattern:messages-*:3:15:1500:yellow:open,close:messages-2022.01.02|" +
		"data-stream:logs-x:1:4:100:green:open:.ds-logs-x-000001|" +
		"index:invoices-1:0:1:10:green:open:invoices-1|"
	if got := render(chosen); got != want || len(rest) != 0 {
		t.Errorf("units\n got %s\nwant %s (rest %d)", got, want, len(rest))
	}
	if g.indices != 6 || g.system != 1 {
		t.Errorf("indices %d system %d, want 6 and 1", g.indices, g.system)
	}
	if n, est := g.seen(); n != 4 || est {
		t.Errorf("seen %d (estimated %v), want 4 exact", n, est)
	}
}

// TestChooseUnits: name evidence first, up to three quarters of the slots,
// then size; a ranked unit beyond the quota still competes on size.
func TestChooseUnits(t *testing.T) {
	mk := func(name string, rank int, bytes int64) *unit {
		u := newUnit("index-pattern", name, rank)
		u.add(&indexRow{Name: name, Status: "open", Docs: 1, Bytes: bytes})
		return u
	}
	units := []*unit{
		mk("big", 0, 9000), mk("bigger", 0, 9500), mk("chat-a", 60, 10), mk("msg-b", 80, 5),
		mk("chat-c", 60, 20), mk("tiny", 0, 1), mk("msg-d", 80, 8000),
	}
	chosen, rest := chooseUnits(units, 4)
	var got []string
	for _, u := range chosen {
		got = append(got, u.name)
	}
	if strings.Join(got, ",") != "msg-d,msg-b,chat-c,bigger" || len(rest) != 3 {
		t.Errorf("chosen %v rest %d", got, len(rest))
	}
	chosen, _ = chooseUnits(units, 1)
	if len(chosen) != 1 || chosen[0].name != "msg-d" {
		t.Errorf("with one slot chose %s", chosen[0].name)
	}
}

// TestGrouperFoldsTenants: a listing with more distinct patterns than the
// table holds folds the patterns that differ in one segment, keeps the
// ones with name evidence apart, and stays within the table's size.
func TestGrouperFoldsTenants(t *testing.T) {
	g := newGrouper(nameRank, 10, false, newAliasBook(false))
	g.size = 64
	const tenants = 5000
	for i := 0; i < tenants; i++ {
		g.add(&indexRow{Name: fmt.Sprintf("tenant-%08x-events", uint32(i)*2654435761), Status: "open", Docs: 1, Bytes: 100})
		if i == tenants/2 {
			g.add(&indexRow{Name: "tenant-acme-msg-archive", Status: "open", Docs: 1, Bytes: 1})
		}
	}
	if len(g.units) > g.size || g.weakest.Len() != len(g.units) {
		t.Fatalf("%d units held (heap %d), table of %d", len(g.units), g.weakest.Len(), g.size)
	}
	fold := g.units["tenant-*-events"]
	if fold == nil || fold.members+g.dropped < tenants-g.size || fold.folded == 0 {
		t.Fatalf("no fold of the tenants: %s", render(g.all()))
	}
	if u := g.units["tenant-acme-msg-archive"]; u == nil || u.members != 1 {
		t.Errorf("the unit with name evidence was folded or dropped")
	}
	total := g.dropped
	for _, u := range g.all() {
		total += u.members
	}
	if total != tenants+1 || g.indices != tenants+1 {
		t.Errorf("members %d + dropped %d != %d indices", total-g.dropped, g.dropped, tenants+1)
	}
	if n, est := g.seen(); !est || n < tenants*9/10 || n > tenants*11/10 {
		t.Errorf("seen %d (estimated %v), want about %d", n, est, tenants+1)
	}
}

// TestGrouperDropsWeakest: unique names that share no shape are dropped,
// the weakest first; name evidence outlives size.
func TestGrouperDropsWeakest(t *testing.T) {
	g := newGrouper(nameRank, 1, false, newAliasBook(false))
	g.size = 8
	for i := 0; i < 1000; i++ {
		name := fmt.Sprintf("%c%c%c", 'a'+i%26, 'a'+(i/26)%26, 'a'+i/676)
		g.add(&indexRow{Name: name, Status: "open", Docs: int64(i), Bytes: int64(i)})
		if i == 10 {
			g.add(&indexRow{Name: "chat", Status: "open", Docs: 0, Bytes: 0})
		}
	}
	if g.units["chat"] == nil {
		t.Error("the unit with name evidence was dropped")
	}
	for _, u := range g.all() {
		if u.name != "chat" && u.bytes < 1000-8 {
			t.Errorf("kept %s (%d bytes) over larger ones", u.name, u.bytes)
		}
	}
	if g.dropped != 1000-7 {
		t.Errorf("dropped %d, want %d", g.dropped, 1000-7)
	}
}
