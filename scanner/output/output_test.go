package output

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spillcheck/spillcheck/scanner"
)

var update = flag.Bool("update", false, "rewrite golden files")

func fixtures() ([]*scanner.Result, *scanner.Summary) {
	started := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	open := &scanner.Result{
		Target: scanner.Target{Host: "127.0.0.1", Port: 9200, Service: scanner.Elasticsearch},
		Status: scanner.StatusOpen, Product: "opensearch", Version: "2.19.6", Started: started,
		Duration: scanner.Duration(36 * time.Millisecond),
		Containers: []scanner.Container{
			{Kind: "index-pattern", Name: "messages-*", Members: 365, Docs: scanner.Int64(40_000_000),
				Score: &scanner.Score{Likelihood: 92, Severity: scanner.SeverityCritical, Evidence: []scanner.Evidence{
					{Field: "sender.phone", Category: "phone", Rule: "phone", Weight: 0.9},
					{Field: "body", Category: "message_body", Rule: "message-body-generic", Weight: 0.7}}}},
			{Kind: "index", Name: "shop-orders", Docs: scanner.Int64(4),
				Score: &scanner.Score{Likelihood: 0, Severity: scanner.SeverityMedium}},
		},
		Score: &scanner.Score{Likelihood: 92, Severity: scanner.SeverityCritical, Reason: "messages-*: chat messages with phone numbers"},
	}
	auth := &scanner.Result{Target: scanner.Target{Host: "127.0.0.1", Port: 9243, Service: scanner.Elasticsearch},
		Status: scanner.StatusAuthRequired, Auth: "Basic", Started: started, Score: &scanner.Score{}}
	empty := &scanner.Result{Target: scanner.Target{Host: "db.internal", IP: mustAddr("127.0.0.5"), Port: 27017, Service: scanner.MongoDB},
		Status: scanner.StatusOpen, Product: "mongodb", Version: "7.0.2", Facts: map[string]string{"empty": "true"}, Started: started,
		Accepted: &scanner.Acceptance{Pattern: "mongodb://db.internal:*", Reason: "lab"},
		Score:    &scanner.Score{Likelihood: 0, Severity: scanner.SeverityLow}}
	broken := &scanner.Result{Target: scanner.Target{Host: "127.0.0.1", Port: 6379, Service: scanner.Redis},
		Status: scanner.StatusProtocolError, Error: "not Redis: HTTP/1.1 400 Bad Request", Started: started}
	closed := &scanner.Result{Target: scanner.Target{Host: "127.0.0.1", Port: 6380, Service: scanner.Redis},
		Status: scanner.StatusClosed, Error: "connection refused", Started: started}
	sum := scanner.NewSummary(scanner.SeverityHigh)
	sum.Started = started
	rs := []*scanner.Result{open, auth, empty, broken, closed}
	for _, r := range rs {
		sum.Add(r)
	}
	sum.Duration = scanner.Duration(2215 * time.Millisecond)
	sum.Refused = 2
	return rs, sum
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func write(t *testing.T, s Sink) {
	t.Helper()
	rs, sum := fixtures()
	for _, r := range rs {
		if err := s.Result(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(sum); err != nil {
		t.Fatal(err)
	}
}

func TestTableGolden(t *testing.T) {
	for _, tt := range []struct {
		name         string
		all, explain bool
	}{{"table.golden", false, false}, {"table-explain.golden", false, true}, {"table-all.golden", true, false}} {
		var b bytes.Buffer
		tab := NewTable(&b)
		tab.All, tab.Explain = tt.all, tt.explain
		write(t, tab)
		golden(t, tt.name, b.Bytes())
	}
}

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	write(t, NewJSON(&b, "test"))
	golden(t, "results.json.golden", b.Bytes())
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not one JSON document: %v", err)
	}
	var l bytes.Buffer
	write(t, NewJSONL(&l))
	golden(t, "results.jsonl.golden", l.Bytes())
	if n := bytes.Count(l.Bytes(), []byte("\n")); n != 5 {
		t.Errorf("%d JSON lines, want 5", n)
	}
}

func TestEmptyOutputs(t *testing.T) {
	sum := scanner.NewSummary(scanner.SeverityHigh)
	var b bytes.Buffer
	if err := NewJSON(&b, "test").Close(sum); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Results []any }
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || doc.Results == nil {
		t.Errorf("empty JSON document %q: %v", b.String(), err)
	}
	b.Reset()
	if err := NewTable(&b).Close(sum); err != nil || !bytes.Contains(b.Bytes(), []byte("No open, protected or misbehaving stores found.")) {
		t.Errorf("empty table %q", b.String())
	}
}

func mustAddr(s string) (a netip.Addr) { return netip.MustParseAddr(s) }

// TestTableSortsAndNeverCuts: rows come out by severity, then target
// (addresses numerically), whatever order they finished in, and long
// target, product and container names are printed whole.
func TestTableSortsAndNeverCuts(t *testing.T) {
	long := "chat-archive-eu-west-1-tenant-0042-messages-2026.11.29-restored-from-snapshot"
	host := "search-very-long-opensearch-domain-name-abcdefghijklmnop.eu-west-1.es.amazonaws.com"
	res := func(h string, port int, sev scanner.Severity, container string) *scanner.Result {
		r := &scanner.Result{Target: scanner.Target{Host: h, Port: port, Service: scanner.Elasticsearch}, Status: scanner.StatusOpen,
			Product: "opensearch", Version: "2.19.6-with-a-long-build-suffix", Score: &scanner.Score{Likelihood: 50, Severity: sev}}
		if container != "" {
			r.Containers = []scanner.Container{{Kind: "index", Name: container, Score: &scanner.Score{Likelihood: 50, Severity: sev}}}
		}
		return r
	}
	var b bytes.Buffer
	tab := NewTable(&b)
	for _, r := range []*scanner.Result{
		res("10.0.0.10", 9200, scanner.SeverityMedium, ""),
		res("10.0.0.9", 9200, scanner.SeverityMedium, ""),
		res(host, 9200, scanner.SeverityCritical, long),
		res("10.0.0.2", 9200, scanner.SeverityHigh, ""),
		res("10.0.0.1", 9200, scanner.SeverityNone, ""),
	} {
		if err := tab.Result(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tab.Close(scanner.NewSummary(scanner.SeverityHigh)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{host + ":9200", long, "opensearch 2.19.6-with-a-long-build-suffix"} {
		if !strings.Contains(out, want) {
			t.Errorf("output cuts %q:\n%s", want, out)
		}
	}
	var order []string
	for _, l := range strings.Split(out, "\n")[1:6] {
		f := strings.Fields(l)
		order = append(order, f[0]+" "+f[1])
	}
	want := []string{"critical " + host + ":9200", "high 10.0.0.2:9200", "medium 10.0.0.9:9200", "medium 10.0.0.10:9200", "none 10.0.0.1:9200"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Errorf("row order\n got %q\nwant %q", order, want)
	}
	// Columns line up: SERVICE starts at the same offset on every row.
	lines := strings.Split(out, "\n")
	col := strings.Index(lines[0], "SERVICE")
	for _, l := range lines[1:6] {
		if l[col:col+len("elasticsearch")] != "elasticsearch" {
			t.Errorf("SERVICE column misaligned in %q", l)
		}
	}
}

func TestTableColor(t *testing.T) {
	rs, sum := fixtures()
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		tab := NewTable(&b)
		tab.Color = color
		for _, r := range rs {
			_ = tab.Result(r)
		}
		_ = tab.Close(sum)
		if got := strings.Contains(b.String(), "\x1b[1;35mcritical\x1b[0m"); got != color {
			t.Errorf("Color %v: coloured critical cell present = %v\n%q", color, got, b.String())
		}
	}
}

// TestTableSaysWhyNoNames: an open store whose sampling failed before any
// container was read shows the error in DETAIL, so a score of 0 with no
// names does not look like an empty store.
func TestTableSaysWhyNoNames(t *testing.T) {
	r := &scanner.Result{Target: scanner.Target{Host: "127.0.0.1", Port: 6379, Service: scanner.Redis},
		Status: scanner.StatusOpen, Product: "redis", Version: "7.0.0",
		Error: "sampling: read tcp 127.0.0.1:1->127.0.0.1:6379: i/o timeout", Score: &scanner.Score{Severity: scanner.SeverityMedium}}
	var b bytes.Buffer
	tab := NewTable(&b)
	if err := tab.Result(r); err != nil {
		t.Fatal(err)
	}
	sum := scanner.NewSummary(scanner.SeverityHigh)
	sum.Add(r)
	if err := tab.Close(sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "sampling: read tcp") {
		t.Errorf("the table hides why an open store has no names:\n%s", b.String())
	}
}

// TestClipKeepsCharacters: an error cut for the table is cut between
// characters, never inside one.
func TestClipKeepsCharacters(t *testing.T) {
	for _, s := range []string{strings.Repeat("é", 100), strings.Repeat("a", 79) + "日本語", "short"} {
		got := clip(s, 80)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 80 {
			t.Errorf("clip(%q) = %q: %d characters, valid UTF-8 %v", s, got, utf8.RuneCountInString(got), utf8.ValidString(got))
		}
		if utf8.RuneCountInString(s) <= 80 && got != s {
			t.Errorf("clip(%q) = %q, want it unchanged", s, got)
		}
	}
}
