package inventory

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestReadErrorsNamePlace checks that a broken file's error names the
// file, the format and where it broke.
func TestReadErrorsNamePlace(t *testing.T) {
	tests := []struct {
		name, format, input string
		want                []string // substrings of the error
		line                int
		path                string
	}{
		{"ec2 cut off", "aws-ec2", `{"Reservations": [{"Instances": [{"InstanceId": "i-1", "PrivateIpAddress": "10.0.0.1"}, {"Inst`,
			[]string{"in: aws-ec2: offset", "unexpected EOF"}, 0, "Reservations[0].Instances[1]"},
		{"ec2 wrong type", "aws-ec2", `{"Reservations": [{"Instances": [{"InstanceId": 7}]}]}`,
			[]string{"in: aws-ec2", "(at Reservations[0].Instances[0])", "InstanceId"}, 0, "Reservations[0].Instances[0]"},
		{"naabu bad line", "naabu", "{\"ip\":\"192.0.2.1\",\"port\":80}\n{\"ip\":\n", []string{"in:2: naabu: "}, 2, ""},
		{"masscan list short", "masscan-list", "open tcp 80 192.0.2.1 1\nopen tcp\n", []string{"in:2: masscan-list: ", "open tcp PORT IP"}, 2, ""},
		{"masscan list port", "masscan-list", "open tcp http 192.0.2.1 1\n", []string{"in:1: masscan-list: ", `"http" is not a number`}, 1, ""},
		{"nmap broken", "nmap-xml", "<nmaprun>\n<host><address addr=\"192.0.2.1\"/>\n</hosts>\n", []string{"in:3: nmap-xml: ", "</hosts>"}, 3, ""},
		{"csv no host column", "csv", "name,owner\na,b\n", []string{"in:1: csv: ", "no host or address column"}, 1, ""},
		{"trailing garbage", "terraform", `{"format_version":"1.0","values":{}} x`, []string{"in: terraform: offset"}, 0, ""},
		{"json lines not json", "cloudlist", "{\"provider\":\"aws\"}\nnot json\n", []string{"in:2: cloudlist: "}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, tt.format, tt.input, Options{})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if pe.File != "in" || pe.Format != tt.format || pe.Line != tt.line || pe.Path != tt.path {
				t.Errorf("ParseError = %+v", pe)
			}
		})
	}
}

func TestReadRejectsListAndUnknown(t *testing.T) {
	_, _, err := readAll(t, "", "192.0.2.1\n", Options{})
	if !errors.Is(err, ErrPlainList) {
		t.Errorf("plain list: %v", err)
	}
	_, _, err = readAll(t, "yaml", "a: b", Options{})
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "aws-ec2") {
		t.Errorf("unknown format: %v", err)
	}
	_, _, err = readAll(t, "", `{"foo": 1}`, Options{})
	if !errors.Is(err, ErrUnknownFormat) || !strings.HasPrefix(err.Error(), "in: ") {
		t.Errorf("unknown content: %v", err)
	}
}

// TestReadForcedFormatWarnsWhenEmpty: a file forced to a format it does not
// have parses to nothing, which is a warning, not silence.
func TestReadForcedFormatWarnsWhenEmpty(t *testing.T) {
	got, st, err := readAll(t, "aws-ec2", `{"DomainStatusList": [{"Endpoint": "search-a.example.com"}]}`, Options{})
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v", got, err)
	}
	if len(st.Warnings) != 1 || !strings.Contains(st.Warnings[0], "held no addresses") {
		t.Errorf("warnings = %q", st.Warnings)
	}
}

func TestReadAddressFilter(t *testing.T) {
	in := `{"ip":"10.0.0.1","port":6379}
{"ip":"203.0.113.1","port":6379}
{"host":"db.example.com","port":27017}
{"host":"cache.internal","port":6379}`
	tests := []struct {
		filter   AddressFilter
		want     []string
		filtered int
	}{
		{AddressBoth, []string{"redis 10.0.0.1:6379 private", "redis 203.0.113.1:6379 public", "mongodb db.example.com:27017", "redis cache.internal:6379 private"}, 0},
		{AddressPrivate, []string{"redis 10.0.0.1:6379 private", "redis cache.internal:6379 private"}, 2},
		{AddressPublic, []string{"redis 203.0.113.1:6379 public"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.filter.String(), func(t *testing.T) {
			got, st, err := readAll(t, "naabu", in, Options{Address: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			wantTargets(t, got, tt.want...)
			if st.Filtered != tt.filtered || st.Found != 4 || st.Emitted != len(tt.want) {
				t.Errorf("stats = %+v", st)
			}
			if tt.filtered > 0 && !strings.Contains(strings.Join(st.Warnings, ";"), "left out") {
				t.Errorf("no filter warning: %q", st.Warnings)
			}
		})
	}
}

func TestReadStopsOnEmitError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Read(context.Background(), strings.NewReader("open tcp 1 192.0.2.1 1\nopen tcp 2 192.0.2.1 1\n"), "in", "", Options{},
		func(scanner.Target) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("err %v after %d emits", err, n)
	}
}

func TestReadHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		b.WriteString(`{"ip":"192.0.2.1","port":80}` + "\n")
	}
	_, err := Read(ctx, strings.NewReader(b.String()), "in", "naabu", Options{}, func(scanner.Target) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

// TestReadLineTooLong: a line over the bound is one problem with its place
// and length; the lines after it are still read.
func TestReadLineTooLong(t *testing.T) {
	long := `{"ip":"192.0.2.1","port":80,"x":"` + strings.Repeat("a", 200) + `"}`
	for _, tt := range []struct{ format, in, want string }{
		{"naabu", `{"ip":"192.0.2.2","port":81}` + "\n" + long + "\n" + `{"ip":"192.0.2.3","port":82}` + "\n", "- 192.0.2.2:81 public|- 192.0.2.3:82 public"},
		{"csv", "ip,note\n192.0.2.1," + strings.Repeat("a", 500) + "\n192.0.2.5,b\n", "- 192.0.2.5:0 public"},
		{"masscan-list", "open tcp 1 192.0.2.6 1\n" + strings.Repeat("#", 300) + "\nopen tcp 2 192.0.2.7 1\n", "- 192.0.2.6:1 public|- 192.0.2.7:2 public"},
	} {
		got, st, err := readAll(t, tt.format, tt.in, Options{MaxLineBytes: 100})
		if err != nil {
			t.Fatalf("%s: %v", tt.format, err)
		}
		if b := strings.Join(briefs(got), "|"); b != tt.want {
			t.Errorf("%s: targets %s, want %s", tt.format, b, tt.want)
		}
		if len(st.Problems) != 1 || !strings.HasPrefix(st.Problems[0], "in:2: line too long (") {
			t.Errorf("%s: problems %q", tt.format, st.Problems)
		}
	}
	// 100 KiB JSON lines are read with the default bound.
	big := `{"ip":"192.0.2.8","port":6379,"x":"` + strings.Repeat("b", 100<<10) + `"}`
	got, st, err := readAll(t, "", big+"\n"+big+"\n", Options{})
	if err != nil || len(got) != 1 || st.Records != 2 || st.Format != "naabu" {
		t.Errorf("100 KiB lines: %v, %+v, %v", got, st, err)
	}
}

func TestReadBOMAndBinary(t *testing.T) {
	got, _, err := readAll(t, "", "\ufeff"+`{"ip":"192.0.2.9","port":6379}`+"\n", Options{})
	if err != nil || len(got) != 1 {
		t.Errorf("BOM: %v %v", got, err)
	}
	_, _, err = readAll(t, "", "\x1f\x8b\x08\x00gzip", Options{})
	var be *scanner.BinaryError
	if !errors.As(err, &be) || err.Error() != "in: not a text inventory (binary data at byte 0)" {
		t.Errorf("binary: %v", err)
	}
}

// TestReadJSONValueTooLong: one element (or one skipped string) bigger
// than MaxLineBytes stops the read instead of filling memory.
func TestReadJSONValueTooLong(t *testing.T) {
	big := strings.Repeat("x", 300000)
	for _, in := range []string{
		`{"Reservations":[{"Instances":[{"InstanceId":"` + big + `"}]}]}`,
		`{"Reservations":[], "Skipped":"` + big + `"}`,
	} {
		_, _, err := readAll(t, "aws-ec2", in, Options{MaxLineBytes: 100000})
		if err == nil || !strings.Contains(err.Error(), "a JSON value longer than 100000 bytes") {
			t.Errorf("err = %v", err)
		}
	}
}

func TestReadNmapHostTooLong(t *testing.T) {
	in := "<nmaprun>\n<host><address addr=\"192.0.2.1\" addrtype=\"ipv4\"/><ports>" +
		strings.Repeat(`<port protocol="tcp" portid="1"><state state="open"/></port>`, 20000) + "</ports></host></nmaprun>"
	_, _, err := readAll(t, "nmap-xml", in, Options{MaxLineBytes: 100000})
	if err == nil || !strings.Contains(err.Error(), "a <host> element longer than 100000 bytes") {
		t.Errorf("err = %v", err)
	}
}
