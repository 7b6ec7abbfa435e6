package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestMarkdownGolden(t *testing.T) {
	golden(t, "report.md", render(t, Markdown()))
}

func TestMarkdownContent(t *testing.T) {
	out := string(render(t, Markdown()))
	for _, want := range []string{
		"**Gate: failing.** 2 targets at or above **high**",
		"1 target accepted by the baseline",
		"| 🔴 critical | 2 | 0 |",
		"## Accepted by the baseline (2)",
		"| `redis://10.0.0.6:6380` | `db0/avatar:*` | SPILL007 | public avatar URLs only, reviewed in SEC-142 | 2027-01-31 |",
		"| `sender.phone` | phone | phone-field | 0.30 |",
		"1. **Enable authentication.** Set `requirepass`",
		"| `mongodb://10.0.0.9:27017` | auth-required | MongoDB 7.0.5 | SCRAM-SHA-256 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The hostile field name stays inside a code span and never becomes HTML.
	if strings.Contains(out, "<img") && !strings.Contains(out, "`` <img src=x onerror=alert(1)>\\|`body` ``") {
		t.Errorf("hostile name escaped wrongly:\n%s", grepLines(out, "onerror"))
	}
	if !strings.Contains(out, "Evidence for db0/inbox:*") {
		t.Error("no evidence section for the inbox key pattern")
	}
}

func TestMarkdownNoFindings(t *testing.T) {
	sum := scanner.NewSummary(scanner.SeverityHigh)
	r := scanner.Result{Status: scanner.StatusAuthRequired, Target: scanner.Target{Host: "127.0.0.1", Port: 27017, Service: scanner.MongoDB}}
	sum.Add(&r)
	var buf bytes.Buffer
	if err := Markdown().Write(&buf, []scanner.Result{r}, sum); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"**Gate: passing.**", "No exposed store found.", "## Targets without findings (1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	cases := []struct{ in, code, codeTable, text string }{
		{"plain", "`plain`", "`plain`", "plain"},
		{"a|b", "`a|b`", "`a\\|b`", "a\\|b"},
		{"x`y", "``x`y``", "``x`y``", "x\\`y"},
		{"`edge", "`` `edge ``", "`` `edge ``", "\\`edge"},
		{"line\nbreak", "`line break`", "`line break`", "line break"},
		{"<b>*hi*</b>", "`<b>*hi*</b>`", "`<b>*hi*</b>`", "\\<b\\>\\*hi\\*\\</b\\>"},
		{"", "—", "—", ""},
	}
	for _, c := range cases {
		if got := mdCode(c.in, false); got != c.code {
			t.Errorf("mdCode(%q) = %q, want %q", c.in, got, c.code)
		}
		if got := mdCode(c.in, true); got != c.codeTable {
			t.Errorf("mdCode(%q, table) = %q, want %q", c.in, got, c.codeTable)
		}
		if got := mdText(c.in); got != c.text {
			t.Errorf("mdText(%q) = %q, want %q", c.in, got, c.text)
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestMarkdownCaps shows that a scan with many findings stays within
// GitHub's comment size and says what it left out.
func TestMarkdownCaps(t *testing.T) {
	results := manyResults(300)
	var buf bytes.Buffer
	if err := Markdown().Write(&buf, results, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if buf.Len() > 65536 {
		t.Errorf("report is %d bytes, over GitHub's comment limit", buf.Len())
	}
	for _, want := range []string{"200 more stores with findings are left out of this table.", "275 more stores with findings are not detailed here"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(out, "\n### "); n != mdMaxSections {
		t.Errorf("%d store sections, want %d", n, mdMaxSections)
	}
}

// manyResults makes n open Redis results with one scored key pattern each.
func manyResults(n int) []scanner.Result {
	out := make([]scanner.Result, n)
	for i := range out {
		out[i] = scanner.Result{
			Target: scanner.Target{Host: fmt.Sprintf("10.0.%d.%d", i/250, i%250+1), Port: 6379, Service: scanner.Redis},
			Status: scanner.StatusOpen, Product: "redis", Version: "7.2.4",
			Score: &scanner.Score{Likelihood: 80, Severity: scanner.SeverityHigh},
			Containers: []scanner.Container{{Kind: "key-pattern", Database: "db0", Name: "chat:*", Docs: scanner.Int64(int64(i)),
				Score: &scanner.Score{Likelihood: 80, Severity: scanner.SeverityHigh, Categories: []string{"message_body", "phone"},
					Evidence: []scanner.Evidence{{Field: "text", Category: "message_body", Rule: "body", Weight: 0.5}, {Field: "from", Category: "phone", Rule: "from", Weight: 0.3}}}}},
		}
	}
	return out
}

// FuzzMarkdownEscaping checks, for any name a server may send, that the
// escaped forms stay on one line and never end a table cell early.
func FuzzMarkdownEscaping(f *testing.F) {
	for _, s := range []string{hostile, "a|b", "x`y``z", "\\|", "<script>", "line\nbreak\r\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{mdCode(s, true), mdText(s), mdHTML(s)} {
			if strings.ContainsAny(out, "\n\r\u2028\u2029") {
				t.Fatalf("%q escapes to %q, which breaks the line", s, out)
			}
		}
		for _, out := range []string{mdCode(s, true), mdText(s)} {
			for i := 0; i < len(out); i++ {
				if out[i] == '|' && (i == 0 || out[i-1] != '\\') {
					t.Fatalf("%q escapes to %q with a bare pipe", s, out)
				}
			}
		}
		if strings.ContainsAny(mdHTML(s), "<>") {
			t.Fatalf("mdHTML(%q) keeps markup", s)
		}
	})
}
