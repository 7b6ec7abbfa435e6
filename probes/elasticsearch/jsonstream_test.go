package elasticsearch

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONReaderScalars(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
		err      string
	}{
		{in: `"plain"`, want: "plain", ok: true},
		{in: `"tab\tquote\"slash\/back\\"`, want: "tab\tquote\"slash/back\\", ok: true},
		{in: `"\u00e9\u4e2d"`, want: "é中", ok: true},
		{in: `"\ud83d\ude00"`, want: "😀", ok: true},
		{in: `"\ud83d"`, want: "\uFFFD", ok: true},
		{in: ` -1.5e3 `, want: "-1.5e3", ok: true},
		{in: `true`, want: "true", ok: true},
		{in: `false`, want: "false", ok: true},
		{in: `null`, want: "null"},
		{in: `"open`, err: "unexpected EOF"},
		{in: `"a\qb"`, err: "bad escape"},
		{in: `"a\u12"`, err: "bad \\u escape"},
		{in: "\"a\x01\"", err: "control character"},
		{in: `nul`, err: "unexpected EOF"},
		{in: `nope`, err: "bad literal"},
		{in: `{`, err: "want a scalar"},
		{in: `"` + strings.Repeat("x", maxJSONString+1) + `"`, err: "longer than 4096"},
		{in: strings.Repeat("9", 65), err: "number longer than 64"},
		{in: `@`, err: "unexpected '@'"},
	}
	for _, tc := range tests {
		v, ok, err := newJSONReader(strings.NewReader(tc.in)).scalar()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || string(v) != tc.want || ok != tc.ok {
			t.Errorf("%q: got %q ok %v err %v, want %q ok %v", tc.in, v, ok, err, tc.want, tc.ok)
		}
	}
}

func TestJSONReaderSkip(t *testing.T) {
	valid := []string{`{}`, `[]`, `{"a":[1,{"b":null},"x\"y"],"c":{"d":true}}`, `"s"`, `12`, ` [ [ ] , { } ] `}
	for _, in := range valid {
		j := newJSONReader(strings.NewReader(in))
		if err := j.skip(); err != nil || j.end() != nil {
			t.Errorf("%q: %v", in, err)
		}
	}
	invalid := []string{`{"a" 1}`, `{"a":1 "b":2}`, `[1 2]`, `{1:2}`, `[`, `{"a":`, strings.Repeat("[", maxJSONDepth+1)}
	for _, in := range invalid {
		j := newJSONReader(strings.NewReader(in))
		if err := j.skip(); err == nil {
			t.Errorf("%q skipped without error", in)
		}
	}
}

// FuzzJSONReader: every document encoding/json accepts, the reader walks
// and skips to its end; and it never panics on any input.
func FuzzJSONReader(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"c"}]}`, `[{"index":"x","docs.count":"1"}]`, `"\u00e9"`, `[[[[]]]]`, `{"a":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		j := newJSONReader(strings.NewReader(string(in)))
		err := j.skip()
		if err == nil {
			err = j.end()
		}
		if json.Valid(in) && err != nil && !strings.Contains(err.Error(), "nested deeper") && !strings.Contains(err.Error(), "longer than") {
			t.Fatalf("valid JSON %q refused: %v", in, err)
		}
	})
}

// FuzzReadDataStreams: any answer gives a clear error or streams with
// names and bounded backing lists.
func FuzzReadDataStreams(f *testing.F) {
	f.Add([]byte(`{"data_streams":[{"name":"logs","indices":[{"index_name":".ds-logs-1"}],"status":"GREEN","template":"t"}]}`))
	f.Add([]byte(`{"data_streams":[]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		streams, err := parseDataStreams(in)
		if err != nil {
			return
		}
		for _, ds := range streams {
			if ds.Name == "" || len(ds.Indices) > maxBackingNames || ds.Total < len(ds.Indices) {
				t.Fatalf("bad stream %+v", ds)
			}
		}
	})
}
