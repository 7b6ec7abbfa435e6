package report

import (
	"strings"
	"testing"
)

func TestHTMLGolden(t *testing.T) {
	golden(t, "report.html", render(t, HTML()))
}

func TestHTMLContent(t *testing.T) {
	out := string(render(t, HTML()))
	for _, want := range []string{
		`<div class="gate failing">Gate failing: 2 targets at or above high</div>`,
		`<h2>Accepted by the baseline (2)</h2>`,
		`<td data-label="Reason">public avatar URLs only, reviewed in SEC-142</td><td data-label="Expires">2027-01-31</td>`,
		`<tr><td><code>sender.phone</code></td><td data-label="Category">phone</td><td data-label="Rule">phone-field</td><td data-label="Weight" class="num">0.30</td></tr>`,
		`<li><b>Enable authentication.</b> Set <code>requirepass</code>`,
		`<code>&lt;img src=x onerror=alert(1)&gt;|`,
		`<rect x="130" y="10" width="`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(out, hostile) {
		t.Error("the hostile field name appears unescaped")
	}
	for _, bad := range []string{"http://", "https://", "<link", "@import", "url("} {
		if strings.Contains(out, bad) {
			t.Errorf("page refers to an external asset: %q", bad)
		}
	}
	if strings.Contains(out, ` src="`) {
		t.Error("page loads something by src")
	}
}
