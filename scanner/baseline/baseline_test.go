package baseline

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

var (
	beforeExpiry = time.Date(2027, 1, 31, 23, 59, 0, 0, time.UTC)
	afterExpiry  = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
)

func scored(db, name string, sev scanner.Severity) scanner.Container {
	return scanner.Container{Kind: "key-pattern", Database: db, Name: name,
		Score: &scanner.Score{Likelihood: 80, Severity: sev, Categories: []string{"message-body"}}}
}

// openRedis is an open Redis with two scored key patterns and one unscored.
func openRedis() scanner.Result {
	return scanner.Result{
		Target: scanner.Target{Host: "cache-1.staging.internal", IP: netip.MustParseAddr("10.0.0.5"), Port: 6379, Service: scanner.Redis},
		Status: scanner.StatusOpen,
		Score:  &scanner.Score{Severity: scanner.SeverityHigh},
		Containers: []scanner.Container{
			scored("db0", "chat:*:messages", scanner.SeverityHigh),
			scored("db0", "chat:*:members", scanner.SeverityMedium),
			{Kind: "key-pattern", Database: "db0", Name: "session:*"},
		},
	}
}

func mustNew(t *testing.T, entries ...Entry) *Baseline {
	t.Helper()
	b, err := New(entries)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestApply(t *testing.T) {
	cases := []struct {
		name       string
		entries    []Entry
		now        time.Time
		wantResult string   // Acceptance.Pattern on the result, "" for none
		wantCont   []string // Acceptance.Pattern per container
		wantNote   string
	}{
		{"container glob accepts both scored patterns and so the target",
			[]Entry{{Target: "redis://cache-1.staging.internal:6379", Container: "db0/chat:*", Reason: "r", Expires: "2027-01-31"}},
			beforeExpiry, "redis://cache-1.staging.internal:6379 db0/chat:*",
			[]string{"redis://cache-1.staging.internal:6379 db0/chat:*", "redis://cache-1.staging.internal:6379 db0/chat:*", ""}, ""},
		{"expired entry stops suppressing and says so",
			[]Entry{{Target: "redis://cache-1.staging.internal:6379", Container: "db0/chat:*", Reason: "r", Expires: "2027-01-31"}},
			afterExpiry, "", []string{"", "", ""}, `expired on 2027-01-31; its findings count again`},
		{"one container accepted, the other not: the target still counts",
			[]Entry{{Target: "redis://cache-1.staging.internal:6379", Container: "db0/chat:*:messages", Reason: "r"}},
			afterExpiry, "", []string{"redis://cache-1.staging.internal:6379 db0/chat:*:messages", "", ""}, ""},
		{"whole-target entry by resolved address without scheme",
			[]Entry{{Target: "10.0.0.*:6379", Reason: "r"}},
			afterExpiry, "10.0.0.*:6379", []string{"10.0.0.*:6379", "10.0.0.*:6379", ""}, ""},
		{"host names match case-insensitively; * container is the whole target",
			[]Entry{{Target: "REDIS://Cache-1.staging.internal:*", Container: "*", Reason: "r"}},
			afterExpiry, "REDIS://Cache-1.staging.internal:* *", []string{"REDIS://Cache-1.staging.internal:* *", "REDIS://Cache-1.staging.internal:* *", ""}, ""},
		{"other service does not match",
			[]Entry{{Target: "mongodb://cache-1.staging.internal:6379", Reason: "r"}},
			afterExpiry, "", []string{"", "", ""}, ""},
		{"other port does not match",
			[]Entry{{Target: "redis://cache-1.staging.internal:6380", Reason: "r"}},
			afterExpiry, "", []string{"", "", ""}, ""},
		{"RFC 3339 expiry is exact",
			[]Entry{{Target: "*", Reason: "r", Expires: "2027-01-31T23:59:00Z"}},
			beforeExpiry, "", []string{"", "", ""}, "expired on 2027-01-31"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := openRedis()
			mustNew(t, c.entries...).Apply(&r, c.now)
			got := ""
			if r.Accepted != nil {
				got = r.Accepted.Pattern
			}
			if got != c.wantResult {
				t.Errorf("result accepted by %q, want %q", got, c.wantResult)
			}
			for i, want := range c.wantCont {
				got := ""
				if a := r.Containers[i].Accepted; a != nil {
					got = a.Pattern
				}
				if got != want {
					t.Errorf("container %s accepted by %q, want %q", r.Containers[i].Name, got, want)
				}
			}
			notes := strings.Join(r.Notes, "\n")
			if c.wantNote == "" && notes != "" || !strings.Contains(notes, c.wantNote) {
				t.Errorf("notes %q, want %q", notes, c.wantNote)
			}
		})
	}
}

// TestApplyAndFailOn shows the gate effect: an accepted finding does not
// fail --fail-on high until its entry expires, and then it does.
func TestApplyAndFailOn(t *testing.T) {
	b := mustNew(t, Entry{Target: "redis://cache-1.staging.internal:6379", Reason: "known", Expires: "2027-01-31"})
	for _, c := range []struct {
		now                 time.Time
		failing, accepted   int
		wantReason, wantExp string
	}{
		{beforeExpiry, 0, 1, "known", "2027-01-31"},
		{afterExpiry, 1, 0, "", ""},
	} {
		r := openRedis()
		b.Apply(&r, c.now)
		sum := scanner.NewSummary(scanner.SeverityHigh)
		sum.Add(&r)
		if sum.Failing != c.failing || sum.Accepted != c.accepted {
			t.Errorf("at %s: failing %d accepted %d, want %d and %d", c.now, sum.Failing, sum.Accepted, c.failing, c.accepted)
		}
		if c.wantReason != "" && (r.Accepted.Reason != c.wantReason || r.Accepted.Expires.Format(time.DateOnly) != c.wantExp) {
			t.Errorf("acceptance %+v", r.Accepted)
		}
	}
}

func TestApplyClearsStaleAcceptance(t *testing.T) {
	r := openRedis()
	r.Accepted = &scanner.Acceptance{Pattern: "old", Reason: "old"}
	r.Containers[0].Accepted = &scanner.Acceptance{Pattern: "old", Reason: "old"}
	mustNew(t, Entry{Target: "elsewhere:1", Reason: "r"}).Apply(&r, afterExpiry)
	if r.Accepted != nil || r.Containers[0].Accepted != nil {
		t.Error("an acceptance from an earlier file survived Apply")
	}
}

// TestReview: an expired entry is reported as expired (with the results
// it matched), never as unused; an entry in force that accepted nothing is
// unused; accept-list entries without an expiry are listed.
func TestReview(t *testing.T) {
	b := mustNew(t,
		Entry{Target: "redis://*:6379", Reason: "used"},
		Entry{Target: "redis://gone:6379", Reason: "stale", Expires: "2027-12-31"},
		Entry{Target: "redis://cache-1*", Container: "db0/chat:*", Reason: "expired, matches", Expires: "2027-01-31"},
		Entry{Target: "redis://gone:6379", Reason: "expired, matches nothing", Expires: "2026-12-31"})
	b.AcceptList = true
	r := openRedis()
	b.Apply(&r, afterExpiry)
	rv := b.Review(afterExpiry)
	if len(rv.Unused) != 1 || rv.Unused[0].Reason != "stale" {
		t.Errorf("Unused = %+v, want the stale entry only", rv.Unused)
	}
	if len(rv.Expired) != 2 || rv.Expired[0].Reason != "expired, matches" || rv.Expired[0].Matched != 1 ||
		rv.Expired[1].Matched != 0 || rv.Expired[0].Until().Format(time.DateOnly) != "2027-01-31" {
		t.Errorf("Expired = %+v", rv.Expired)
	}
	if len(rv.NoExpiry) != 1 || rv.NoExpiry[0].Reason != "used" {
		t.Errorf("NoExpiry = %+v, want the entry without expires", rv.NoExpiry)
	}
	derived := FromResults([]scanner.Result{openRedis()}, "from a file")
	if n := len(derived.Review(afterExpiry).NoExpiry); n != 0 {
		t.Errorf("a baseline derived from results lists %d entries without expiry; only accept lists should", n)
	}
}

// TestPrune keeps the entries that match a finding, expired or not, and
// removes those that match nothing or are shadowed.
func TestPrune(t *testing.T) {
	b := mustNew(t,
		Entry{Target: "redis://cache-1.staging.internal:6379", Container: "db0/chat:*:messages", Reason: "kept"},
		Entry{Target: "redis://cache-1*", Container: "db0/chat:*:members", Reason: "kept, expired", Expires: "2020-01-01"},
		Entry{Target: "redis://cache-1*", Container: "db0/chat:*", Reason: "shadowed by the two above"},
		Entry{Target: "redis://gone:6379", Reason: "matches nothing"},
		Entry{Target: "redis://cache-1*", Container: "db0/session:*", Reason: "matches a container without a finding"})
	kept, removed := b.Prune([]scanner.Result{openRedis()})
	var k, rm []string
	for _, e := range kept {
		k = append(k, e.Reason)
	}
	for _, e := range removed {
		rm = append(rm, e.Reason)
	}
	if strings.Join(k, "|") != "kept|kept, expired" || strings.Join(rm, "|") != "shadowed by the two above|matches nothing|matches a container without a finding" {
		t.Errorf("kept %q, removed %q", k, rm)
	}
	r := openRedis()
	b.Apply(&r, beforeExpiry)
	if r.Containers[0].Accepted == nil || r.Containers[0].Accepted.Reason != "kept" {
		t.Error("Prune changed what the baseline itself accepts")
	}
}

func TestNewRejects(t *testing.T) {
	for _, c := range []struct {
		e    Entry
		want string
	}{
		{Entry{Target: "", Reason: "r"}, "target is empty"},
		{Entry{Target: "*", Reason: " "}, "reason is empty"},
		{Entry{Target: "*", Reason: "r", Expires: "31/01/2027"}, `expires "31/01/2027"`},
	} {
		if _, err := New([]Entry{c.e}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) error %v, want %q", c.e, err, c.want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		want   bool
	}{
		{"*", "anything", true},
		{"", "", true},
		{"", "x", false},
		{"db0/chat:*", "db0/chat:*:messages", true},
		{"db0/chat:*", "db1/chat:1", false},
		{"redis://10.0.0.?:6379", "redis://10.0.0.5:6379", true},
		{"redis://10.0.0.?:6379", "redis://10.0.0.15:6379", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"*.example.com:27017", "db.example.com:27017", true},
		{"[::1]:6379", "[::1]:6379", true},
		{strings.Repeat("*a", 40) + "b", strings.Repeat("a", 200), false},
	} {
		if got := match(c.pat, c.s); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.pat, c.s, got, c.want)
		}
	}
}

func TestLoadAcceptList(t *testing.T) {
	b, err := Load(filepath.Join("testdata", "accept.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != 3 || b.Entries[2].Container != "app/audit_*" {
		t.Fatalf("entries %+v", b.Entries)
	}
	r := openRedis()
	b.Apply(&r, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if r.Accepted == nil || r.Accepted.Reason != "staging fixtures, no real users (SEC-142)" {
		t.Errorf("accepted %+v", r.Accepted)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "no accept list and no results"},
		{`{"accept": [{"target": "*", "reason": "r", "expire": "2027-01-01"}]}`, `unknown field "expire"`},
		{`{"version": 2, "accept": []}`, "version 2 is newer"},
		{`{"accept": []}` + "\n" + `{"accept": []}`, "more than one JSON document"},
		{`{"target": {"host": "a", "port": 1}, "status": "open"}`, "not a spillcheck result"},
		{`{"accept": [`, "accept list"},
	} {
		_, err := Parse(strings.NewReader(c.in), "x")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error %v, want %q", c.in, err, c.want)
		}
	}
}

func TestParseResultDocument(t *testing.T) {
	doc := `{"tool": {"name": "spillcheck"}, "results": [{"target": {"host": "edge", "port": 6379, "service": "redis"}, "status": "protected"},
	  {"target": {"host": "db", "port": 27017, "service": "mongodb"}, "status": "auth-required"}], "summary": {"targets": 2}}`
	b, err := Parse(strings.NewReader(doc), "scan.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != 1 || b.Entries[0].Target != "redis://edge:6379" || b.Entries[0].Reason != "accepted from scan.json" {
		t.Errorf("entries %+v, want one for the protected Redis", b.Entries)
	}
}

// TestFromResultsRoundTrip writes a baseline from results as JSONL, reads
// it back, and shows that it accepts every finding of the same results but
// not a container that appears later.
func TestFromResultsRoundTrip(t *testing.T) {
	protected := scanner.Result{Target: scanner.Target{Host: "edge", Port: 6379, Service: scanner.Redis}, Status: scanner.StatusProtected}
	closed := scanner.Result{Target: scanner.Target{Host: "gone", Port: 6379, Service: scanner.Redis}, Status: scanner.StatusAuthRequired}
	var jsonl bytes.Buffer
	for _, r := range []scanner.Result{openRedis(), protected, closed} {
		b, err := jsonMarshal(r)
		if err != nil {
			t.Fatal(err)
		}
		jsonl.Write(append(b, '\n'))
	}
	path := filepath.Join(t.TempDir(), "results.jsonl")
	if err := os.WriteFile(path, jsonl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := b.Write(&out); err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "accept": [
    {
      "target": "redis://cache-1.staging.internal:6379",
      "container": "db0/chat:*:members",
      "reason": "accepted from ` + path + `"
    },
    {
      "target": "redis://cache-1.staging.internal:6379",
      "container": "db0/chat:*:messages",
      "reason": "accepted from ` + path + `"
    },
    {
      "target": "redis://edge:6379",
      "reason": "accepted from ` + path + `"
    }
  ]
}
`
	if out.String() != want {
		t.Errorf("baseline:\n%s\nwant:\n%s", out.String(), want)
	}
	again, err := Parse(&out, "again")
	if err != nil {
		t.Fatal(err)
	}
	r, p := openRedis(), protected
	again.Apply(&r, afterExpiry)
	again.Apply(&p, afterExpiry)
	if r.Accepted == nil || p.Accepted == nil {
		t.Errorf("round-tripped baseline does not accept its own findings: %v %v", r.Accepted, p.Accepted)
	}
	grown := openRedis()
	grown.Containers = append(grown.Containers, scored("db1", "sms:*", scanner.SeverityCritical))
	again.Apply(&grown, afterExpiry)
	if grown.Accepted != nil || grown.Containers[3].Accepted != nil {
		t.Error("a container that appeared after the baseline was accepted")
	}
}

func FuzzParse(f *testing.F) {
	seed, _ := os.ReadFile(filepath.Join("testdata", "accept.json"))
	f.Add(seed)
	f.Add([]byte(`{"target": {"host": "a", "port": 1, "service": "redis"}, "status": "open"}`))
	f.Add([]byte(`{"tool": {}, "results": [{"target": {"host": "a", "port": 1, "service": "redis"}, "status": "protected"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		r := openRedis()
		b.Apply(&r, afterExpiry)
		var out bytes.Buffer
		if err := b.Write(&out); err != nil {
			t.Fatalf("Write after a successful Parse: %v", err)
		}
	})
}

func jsonMarshal(r scanner.Result) ([]byte, error) { return json.Marshal(r) }
