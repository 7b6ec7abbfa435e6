package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// chromium runs Debian's chromium headless on url with extra flags and
// returns its stdout and stderr. It never touches the network: the page is
// a local file whose CSP forbids loading anything.
func chromium(t *testing.T, bin, url string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(),
		"--enable-logging=stderr", "--v=0",
	}, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, errb.String())
	}
	return out.String(), errb.String()
}

// consoleErrors finds console messages and uncaught errors in chromium's
// log, ignoring its own start-up chatter (dbus, GPU, crash reporter).
var consoleErrors = regexp.MustCompile(`(?m)^.*(CONSOLE|Uncaught|Refused to|Content Security Policy).*$`)

func TestHTMLRendersInChromium(t *testing.T) {
	bin := scantest.RequireBinary(t, "chromium")
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, render(t, HTML()), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	dom, log := chromium(t, bin, url+"#selftest", "--dump-dom")
	if m := consoleErrors.FindAllString(log, -1); len(m) > 0 {
		t.Errorf("console errors while rendering:\n%s", strings.Join(m, "\n"))
	}
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Errorf("the page script did not finish; DOM starts:\n%.600s", dom)
	}
	if i := strings.Index(dom, "data-js-errors="); i >= 0 {
		t.Errorf("the page recorded errors: %.300s", dom[i:])
	}
	// Sorting by store ascending puts elasticsearch:// first, descending redis://edge-cache.
	if want := `data-selftest="elasticsearch://10.0.0.7:9200 / redis://edge-cache.example.com:6379"`; !strings.Contains(dom, want) {
		i := strings.Index(dom, "data-selftest")
		t.Errorf("sorting self-test: want %s, got %.120s", want, dom[max(i, 0):])
	}
	if strings.Contains(dom, "<img") {
		t.Error("the hostile field name became an element")
	}

	shot := filepath.Join(t.TempDir(), "report.png")
	_, log = chromium(t, bin, url, "--screenshot="+shot, "--window-size=1280,1800", "--hide-scrollbars")
	if m := consoleErrors.FindAllString(log, -1); len(m) > 0 {
		t.Errorf("console errors while taking the screenshot:\n%s", strings.Join(m, "\n"))
	}
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 20000 {
		t.Fatalf("screenshot is not a plausible PNG (%d bytes)", len(png))
	}
	if *update {
		if err := os.WriteFile(filepath.Join(moduleRoot(t), "docs", "report.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHTMLReadableOnAPhone renders the report in a 390 px wide frame (an
// iPhone 12 to 15 in portrait; headless chromium will not make a window
// narrower than 500 px, but a frame's media queries follow the frame) in
// real chromium: the page must not scroll sideways. The screenshot is kept
// as docs/report-mobile.png with -update.
func TestHTMLReadableOnAPhone(t *testing.T) {
	bin := scantest.RequireBinary(t, "chromium")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "report.html"), render(t, HTML()), 0o644); err != nil {
		t.Fatal(err)
	}
	phone := `<!DOCTYPE html><html><body style="margin:0">` +
		`<iframe id="f" src="report.html" style="width:390px;height:1600px;border:0;display:block"></iframe>` +
		`<script>document.getElementById("f").addEventListener("load", function () {` +
		`var d = this.contentDocument.documentElement;` +
		`document.body.setAttribute("data-frame", d.getAttribute("data-scroll-width") + "x" + d.getAttribute("data-inner-width"));` +
		`});</script></body></html>`
	if err := os.WriteFile(filepath.Join(dir, "phone.html"), []byte(phone), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.Join(dir, "phone.html")
	dom, log := chromium(t, bin, url, "--dump-dom", "--allow-file-access-from-files", "--window-size=500,1600")
	if m := consoleErrors.FindAllString(log, -1); len(m) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(m, "\n"))
	}
	m := regexp.MustCompile(`data-frame="(\d+)x(\d+)"`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the frame did not report its widths; DOM:\n%.600s", dom)
	}
	if m[2] != "390" {
		t.Fatalf("the frame's viewport is %s px wide, want 390", m[2])
	}
	if w, _ := strconv.Atoi(m[1]); w > 390 {
		t.Errorf("at 390 px the report is %d px wide: it scrolls sideways", w)
	}
	shot := filepath.Join(dir, "mobile.png")
	chromium(t, bin, url, "--screenshot="+shot, "--allow-file-access-from-files", "--window-size=500,1600", "--hide-scrollbars")
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("no screenshot: %v", err)
	}
	if *update {
		if err := os.WriteFile(filepath.Join(moduleRoot(t), "docs", "report-mobile.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
