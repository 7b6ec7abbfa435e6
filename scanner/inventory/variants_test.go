package inventory

import (
	"os"
	"strings"
	"testing"
)

// TestNmapEndsBetweenHosts: nmap stopped after a whole <host> leaves no
// </nmaprun>; the hosts are read and a warning says where the file ends.
func TestNmapEndsBetweenHosts(t *testing.T) {
	data, err := os.ReadFile(testdataDir + "/nmap-xml/interrupted.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	cut := strings.LastIndex(text, "<host ")
	got, st, err := readAll(t, "", text[:cut], Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got, "redis 198.18.0.1:6379 public", "elasticsearch 198.18.0.2:9200 public")
	if st.Bad != 0 || len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "before </nmaprun>") {
		t.Errorf("bad %d, warnings %q; want 0 and one about the missing </nmaprun>", st.Bad, st.Warnings)
	}
}
