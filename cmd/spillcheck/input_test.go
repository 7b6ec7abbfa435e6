package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/spillcheck/spillcheck/scanner"
)

// runWith runs the CLI with a Redis and a MongoDB fake probe (neither
// dials) and the given resolver.
func runWith(t *testing.T, res resolver, stdin string, args ...string) (runOut, *fakeProbe) {
	t.Helper()
	redis := &fakeProbe{name: scanner.Redis}
	mongo := portProbe{&fakeProbe{name: scanner.MongoDB}, []int{27017}}
	var out, errb bytes.Buffer
	c := &cli{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		probes: func() []scannerProbe { return []scannerProbe{redis, mongo} }, resolver: res, noScorer: true}
	code := run(context.Background(), args, c)
	return runOut{code, out.String(), errb.String()}, redis
}

// portProbe is a fakeProbe with its own default ports.
type portProbe struct {
	*fakeProbe
	ports []int
}

func (p portProbe) DefaultPorts() []int { return p.ports }

func tempFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTargetsFoldsDuplicates(t *testing.T) {
	res := staticResolver{"db.test": {netip.MustParseAddr("127.0.0.5")}}
	a := tempFile(t, "a.txt", "127.0.0.5:6379\ndb.test:6379\n127.0.0.4/31\n")
	b := tempFile(t, "b.csv", "hostname,ip,port\ndb.test,127.0.0.5,6379\n")
	got, _ := runWith(t, res, "", "targets", "--services", "redis", "-l", a, "-l", b, "redis://127.0.0.5:6379")
	if got.code != 0 {
		t.Fatalf("exit %d\n%s", got.code, got.stderr)
	}
	lines := strings.Split(strings.TrimSpace(got.stdout), "\n")
	// 127.0.0.4 and 127.0.0.5 on the fake Redis's one port.
	if len(lines) != 2 {
		t.Fatalf("%d targets, want 2:\n%s", len(lines), got.stdout)
	}
	first := lines[0]
	for _, want := range []string{"127.0.0.5:6379", "from argument", "from " + a + ":1", "from " + a + ":2", "from " + a + ":3",
		"from " + b + " (csv):2 hostname", "from " + b + " (csv):2 ip"} {
		if !strings.Contains(first, want) {
			t.Errorf("first target lacks %q:\n%s", want, first)
		}
	}
	// Listings beyond the first (the argument) of 127.0.0.5:6379: a.txt:1,
	// a.txt:2, the range a.txt:3, and the CSV's name and address (one CSV
	// target each until the name is resolved): 5 folded.
	if !strings.Contains(got.stderr, "2 targets planned; 5 duplicates folded") {
		t.Errorf("stderr lacks the count of duplicates folded:\n%s", got.stderr)
	}
}

func TestInputErrors(t *testing.T) {
	dir := t.TempDir()
	bin := tempFile(t, "dump.bin", "127.0.0.1\n\x7fELF\x02\x01\x01\x00"+strings.Repeat("\x00\xff", 4000))
	long := tempFile(t, "long.txt", "127.0.0.1:6379\n"+strings.Repeat("y", 100<<10)+"\n127.0.0.2:6379\n")
	bom := tempFile(t, "bom.txt", "\ufeff127.0.0.3:6379\n")
	cell := tempFile(t, "cmdb.csv", "host,port\n"+strings.Repeat("z", 1<<20)+",6379\n127.0.0.4,6379\n")
	var gz bytes.Buffer // masscan -oJ, gzip-compressed
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("[\n{\"ip\": \"127.0.0.8\", \"ports\": [ {\"port\": 6379, \"proto\": \"tcp\", \"status\": \"open\"} ] }\n]\n"))
	zw.Close()
	gzFile := tempFile(t, "masscan.json.gz", gz.String())
	empty := tempFile(t, "empty.json", "")
	emptyArray := tempFile(t, "vms.json", "[]\n")                                         // az vm list -d, gcloud ... list --format=json with nothing to list
	blank := tempFile(t, "blank.txt", strings.Repeat("\n", 70<<10)+"127.0.0.9:6379\n")    // past the detection window
	query := tempFile(t, "query.json", "[\n    \"127.0.0.10\",\n    \"127.0.0.11\"\n]\n") // aws ec2 describe-instances --query 'Reservations[].Instances[].PrivateIpAddress'
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"missing file", []string{"targets", "-l", filepath.Join(dir, "nope.txt")}, exitUsage, nil,
			[]string{filepath.Join(dir, "nope.txt") + ": no such file"}},
		{"directory", []string{"targets", "-l", dir}, exitUsage, nil, []string{dir + ": is a directory"}},
		{"binary", []string{"targets", "-l", bin}, exitUsage, nil, []string{bin + ": not a text inventory (binary data at byte 14)"}},
		{"long line", []string{"targets", "-l", long}, exitUsage, []string{"127.0.0.1:6379", "127.0.0.2:6379"},
			[]string{long + ":2: line too long (102400 bytes)"}},
		{"bom", []string{"targets", "-l", bom}, exitOK, []string{"127.0.0.3:6379"}, nil},
		{"gzip", []string{"targets", "-l", gzFile}, exitOK, []string{"127.0.0.8:6379"}, []string{gzFile + ": masscan-json inventory, 1 records, 1 targets"}},
		{"empty", []string{"targets", "-l", empty}, exitOK, nil, []string{empty + ": empty: no targets"}},
		{"empty array", []string{"targets", "-l", emptyArray}, exitOK, nil, []string{emptyArray + ": empty JSON array: no targets"}},
		{"blank lines", []string{"targets", "-l", blank}, exitOK, []string{"127.0.0.9:6379"}, nil},
		{"query projection", []string{"targets", "-l", query}, exitUsage, nil,
			[]string{query + ": unknown inventory format: JSON of no export shape known here (an array of strings)", "1 bad input line(s)"}},
		{"1 MB cell", []string{"targets", "-l", cell}, exitUsage, []string{"127.0.0.4:6379"}, []string{cell + ":2: "}},
		{"host bits", []string{"targets", "--services", "redis", "127.0.0.5/31"}, exitOK, []string{"127.0.0.4:6379", "127.0.0.5:6379"},
			[]string{"127.0.0.5/31 has host bits set; scanning 127.0.0.4/31 (127.0.0.4-127.0.0.5, 2 addresses)"}},
		{"mongodb hosts", []string{"targets", "mongodb://u:pw@127.0.0.6:27017,127.0.0.7:27018,[::1]/db?replicaSet=rs0"}, exitOK,
			[]string{"127.0.0.6:27017", "127.0.0.7:27018", "[::1]:27017"}, []string{"credentials in the URL were ignored"}},
		{"srv not resolved", []string{"targets", "mongodb+srv://cluster0.example.net/db"}, exitOK, nil,
			[]string{"mongodb+srv://cluster0.example.net not probed: SRV record not resolved: _mongodb._tcp.cluster0.example.net; pass --resolve-srv"}},
		{"srv without scope", []string{"targets", "--resolve-srv", "mongodb+srv://cluster0.example.net"}, exitUsage, nil,
			[]string{"--resolve-srv needs --scope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := runWith(t, staticResolver{}, "", tt.args...)
			if got.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got.code, tt.code, got.stdout, got.stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(got.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, got.stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(got.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, got.stderr)
				}
			}
			if len(got.stderr) > 2000 {
				t.Errorf("stderr is %d bytes: bad input must get a bounded message", len(got.stderr))
			}
		})
	}
}

func TestUnwritableOutputFailsBeforeProbing(t *testing.T) {
	dir := t.TempDir()
	for _, flag := range []string{"-o", "--sarif", "--html", "--markdown"} {
		got, p := runWith(t, staticResolver{}, "", "scan", flag, filepath.Join(dir, "missing", "out"), "127.0.0.1:12345")
		if got.code != exitUsage || !strings.Contains(got.stderr, flag+" "+filepath.Join(dir, "missing", "out")+": cannot write: no such file or directory") {
			t.Errorf("%s: exit %d\n%s", flag, got.code, got.stderr)
		}
		if n := p.calls.Load(); n != 0 {
			t.Errorf("%s: %d probes ran before the output was found unwritable", flag, n)
		}
	}
	// A writable path is left as it was: not created, not truncated.
	keep := tempFile(t, "report.html", "old")
	if err := checkOutputs(&outputFlags{reports: reportFlags{html: keep, sarif: filepath.Join(dir, "new.sarif")}}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(keep); string(b) != "old" {
		t.Errorf("existing file changed to %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.sarif")); err == nil {
		t.Errorf("the check left new.sarif behind")
	}
}

// TestResolveSRV runs a DNS server on 127.0.0.1 that answers the SRV record
// of cluster0.example.net and its hosts' addresses, and points the CLI's
// resolver at it alone: no query leaves the machine.
func TestResolveSRV(t *testing.T) {
	res := loopbackDNS(t, map[string][]dnsmessage.Resource{
		"_mongodb._tcp.cluster0.example.net.": {
			srvRR("_mongodb._tcp.cluster0.example.net.", "shard-00.cluster0.example.net.", 27017),
			srvRR("_mongodb._tcp.cluster0.example.net.", "shard-01.cluster0.example.net.", 27018),
			srvRR("_mongodb._tcp.cluster0.example.net.", "shard-02.cluster0.example.net.", 27017),
			srvRR("_mongodb._tcp.cluster0.example.net.", "evil.example.org.", 27017),
		},
		"shard-00.cluster0.example.net.": {aRR("shard-00.cluster0.example.net.", [4]byte{127, 0, 0, 31})},
		"shard-01.cluster0.example.net.": {aRR("shard-01.cluster0.example.net.", [4]byte{127, 0, 0, 32})},
		"shard-02.cluster0.example.net.": {aRR("shard-02.cluster0.example.net.", [4]byte{192, 0, 2, 33})},
	})
	got, _ := runWith(t, res, "", "targets", "--resolve-srv", "--scope", "127.0.0.0/24", "mongodb+srv://cluster0.example.net/app")
	lines := strings.Split(strings.TrimSpace(got.stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "127.0.0.31:27017") || !strings.Contains(lines[0], "resolved shard-00.cluster0.example.net") ||
		!strings.Contains(lines[0], "tls") || !strings.Contains(lines[1], "127.0.0.32:27018") {
		t.Errorf("planned:\n%s\nstderr:\n%s", got.stdout, got.stderr)
	}
	for _, w := range []string{"shard-02.cluster0.example.net resolves to 192.0.2.33", "evil.example.org, outside the domain example.net"} {
		if !strings.Contains(got.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, got.stderr)
		}
	}
}

func srvRR(name, target string, port uint16) dnsmessage.Resource {
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(name), Type: dnsmessage.TypeSRV, Class: dnsmessage.ClassINET, TTL: 60},
		Body:   &dnsmessage.SRVResource{Priority: 0, Weight: 0, Port: port, Target: dnsmessage.MustNewName(target)},
	}
}

func aRR(name string, a [4]byte) dnsmessage.Resource {
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(name), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60},
		Body:   &dnsmessage.AResource{A: a},
	}
}

// loopbackDNS serves records over UDP on 127.0.0.1 and returns a resolver
// that sends every query there (and nowhere else).
func loopbackDNS(t *testing.T, records map[string][]dnsmessage.Resource) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var q dnsmessage.Message
			if q.Unpack(buf[:n]) != nil || len(q.Questions) != 1 {
				continue
			}
			qq := q.Questions[0]
			resp := dnsmessage.Message{Header: dnsmessage.Header{ID: q.ID, Response: true, Authoritative: true}, Questions: q.Questions}
			for _, rr := range records[strings.ToLower(qq.Name.String())] {
				if rr.Header.Type == qq.Type {
					resp.Answers = append(resp.Answers, rr)
				}
			}
			if _, ok := records[strings.ToLower(qq.Name.String())]; !ok {
				resp.RCode = dnsmessage.RCodeNameError
			}
			if b, err := resp.Pack(); err == nil {
				pc.WriteTo(b, from)
			}
		}
	}()
	addr := pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		d := net.Dialer{Timeout: time.Second}
		return d.DialContext(ctx, "udp", addr)
	}}
}
