package redis

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func TestRespReader(t *testing.T) {
	tests := []struct {
		name, in string
		limit    int64
		want     reply
		err      error
	}{
		{"simple", "+PONG\r\n", 100, reply{kind: '+', str: "PONG"}, nil},
		{"error", "-NOAUTH Authentication required.\r\n", 100, reply{kind: '-', str: "NOAUTH Authentication required."}, nil},
		{"integer", ":42\r\n", 100, reply{kind: ':', str: "42"}, nil},
		{"bulk", "$5\r\nhe\r\no\r\n", 100, reply{kind: '$', str: "he\r\no"}, nil},
		{"null bulk", "$-1\r\n", 100, reply{kind: '$', null: true}, nil},
		{"array", "*2\r\n$1\r\n0\r\n*1\r\n$3\r\nabc\r\n", 100, reply{kind: '*', elems: []reply{
			{kind: '$', str: "0"}, {kind: '*', elems: []reply{{kind: '$', str: "abc"}}}}}, nil},
		{"bulk over limit", "$1000000000\r\n", 1 << 20, reply{}, scanner.ErrResponseLimit},
		{"bulk length overflows", "$9223372036854775807\r\n", 1 << 20, reply{}, scanner.ErrResponseLimit},
		{"array length overflows", "*9223372036854775807\r\n", 1 << 20, reply{}, scanner.ErrResponseLimit},
		{"array over limit", "*100000000\r\n", 1 << 20, reply{}, scanner.ErrResponseLimit},
		{"http", "HTTP/1.1 400 Bad Request\r\n", 100, reply{}, scanner.ErrProtocol},
		{"tls alert", "\x15\x03\x03\x00\x02\x02\x46", 100, reply{}, errTLSRecord},
		{"banner", "220 mail ESMTP\r\n", 100, reply{}, scanner.ErrProtocol},
		{"bad length", "$x\r\n", 100, reply{}, scanner.ErrProtocol},
		{"no crlf after bulk", "$1\r\nabc", 100, reply{}, scanner.ErrProtocol},
		{"bare lf", "+OK\n", 100, reply{}, scanner.ErrProtocol},
		{"truncated", "$10\r\nabc", 100, reply{}, io.ErrUnexpectedEOF},
		{"deep", strings.Repeat("*1\r\n", 10) + ":1\r\n", 100, reply{}, scanner.ErrProtocol},
		{"long line", "+" + strings.Repeat("a", maxLine+10), 1 << 30, reply{}, scanner.ErrResponseLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newRespReader(strings.NewReader(tt.in), tt.limit).next()
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestAppendCommand(t *testing.T) {
	got := string(appendCommand(nil, []string{"SCAN", "0", "COUNT", "10"}))
	want := "*4\r\n$4\r\nSCAN\r\n$1\r\n0\r\n$5\r\nCOUNT\r\n$2\r\n10\r\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// FuzzRespReader feeds arbitrary server bytes to the reader: it must not
// panic, must stay within its byte limit, and must re-encode what it parsed.
func FuzzRespReader(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "$3\r\nabc\r\n", "*2\r\n:1\r\n$-1\r\n", "*-1\r\n", "-ERR x\r\n", "$99999999\r\n", "$9223372036854775807\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := newRespReader(strings.NewReader(string(b)), 4096)
		for range 8 {
			if _, err := r.next(); err != nil {
				return
			}
			if r.used > 4096 {
				t.Fatalf("read %d bytes past the limit", r.used)
			}
		}
	})
}

// TestScanPage: keys are handed over one at a time as they are decoded,
// refusals and bad shapes are told apart, and the limit holds for a page.
func TestScanPage(t *testing.T) {
	long := strings.Repeat("k", 5000)
	for _, tc := range []struct {
		name, in string
		cursor   string
		keys     []string
		refusal  string
		errText  string
	}{
		{"page", "*2\r\n$2\r\n17\r\n*3\r\n$3\r\na:1\r\n$0\r\n\r\n$3\r\nb:2\r\n", "17", []string{"a:1", "", "b:2"}, "", ""},
		{"last page", "*2\r\n$1\r\n0\r\n*0\r\n", "0", nil, "", ""},
		{"key past the read buffer", "*2\r\n$1\r\n0\r\n*1\r\n$5000\r\n" + long + "\r\n", "0", []string{long}, "", ""},
		{"null key skipped", "*2\r\n$1\r\n0\r\n*1\r\n$-1\r\n", "0", nil, "", ""},
		{"refused", "-NOPERM no scan for you\r\n", "", nil, "NOPERM no scan for you", ""},
		{"not a pair", "*3\r\n$1\r\n0\r\n*0\r\n*0\r\n", "", nil, "", "not [cursor, keys]"},
		{"bad cursor", "*2\r\n$2\r\n-1\r\n*0\r\n", "", nil, "", "not [cursor, keys]"},
		{"integer key", "*2\r\n$1\r\n0\r\n*1\r\n:5\r\n", "", nil, "", "not a bulk string"},
		{"missing CRLF", "*2\r\n$1\r\n0\r\n*1\r\n$3\r\nabcd\r\n", "", nil, "", "CRLF"},
		{"over the limit", "*2\r\n$1\r\n0\r\n*1\r\n$9000\r\n", "", nil, "", "exceeded"},
		{"too many keys for the limit", "*2\r\n$1\r\n0\r\n*999999\r\n", "", nil, "", "exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRespReader(strings.NewReader(tc.in), 8192)
			var keys []string
			cursor, refusal, err := r.scanPage(func(k []byte) { keys = append(keys, string(k)) })
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("err %v, want %q", err, tc.errText)
				}
				return
			}
			if err != nil || cursor != tc.cursor || refusal != tc.refusal || !slices.Equal(keys, tc.keys) {
				t.Errorf("cursor %q refusal %q keys %d err %v", cursor, refusal, len(keys), err)
			}
		})
	}
}

// FuzzScanPage feeds arbitrary server bytes to the streaming SCAN decoder:
// it must not panic, must stay within its byte limit, and whatever key it
// hands over must have come from the input.
func FuzzScanPage(f *testing.F) {
	for _, s := range []string{"*2\r\n$1\r\n0\r\n*1\r\n$3\r\nabc\r\n", "-ERR x\r\n", "*2\r\n$1\r\n5\r\n*-1\r\n",
		"*2\r\n$1\r\n0\r\n*2\r\n$99999999\r\n", "*2\r\n$1\r\n0\r\n*9223372036854775807\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := newRespReader(strings.NewReader(string(b)), 4096)
		for range 4 {
			_, _, err := r.scanPage(func(k []byte) {
				if !bytes.Contains(b, k) {
					t.Fatalf("key %q is not in the input", k)
				}
			})
			if r.used > 4096 {
				t.Fatalf("read %d bytes past the limit", r.used)
			}
			if err != nil {
				return
			}
		}
	})
}

// hugeArray is an 8 MiB reply of a million one-byte names, as a hostile
// server may send to HRANDFIELD, HKEYS or JSON.OBJKEYS.
func hugeArray(n int) []byte {
	return []byte(fmt.Sprintf("*%d\r\n", n) + strings.Repeat("$1\r\na\r\n", n))
}

// TestReplyKeepsBoundedElements: a reply of a million elements is read
// whole (its bytes are within the cap) but keeps at most maxKept of them.
func TestReplyKeepsBoundedElements(t *testing.T) {
	for _, msg := range [][]byte{hugeArray(1_000_000), []byte("*2\r\n" + string(hugeArray(600_000)) + string(hugeArray(600_000)))} {
		r := newRespReader(bytes.NewReader(msg), 16<<20)
		rp, err := r.next()
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		var count func(reply)
		count = func(x reply) {
			for _, e := range x.elems {
				kept++
				count(e)
			}
		}
		count(rp)
		if kept > maxKept || kept == 0 {
			t.Errorf("kept %d elements, want 1 to %d", kept, maxKept)
		}
		if _, err := r.br.Peek(1); err != io.EOF {
			t.Errorf("the reply was not read to its end: %v", err)
		}
	}
}

// BenchmarkHugeFieldReply measures the memory one hostile 7 MiB field-name
// reply costs.
func BenchmarkHugeFieldReply(b *testing.B) {
	msg := hugeArray(1_000_000)
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		r := newRespReader(bytes.NewReader(msg), 16<<20)
		if _, err := r.next(); err != nil {
			b.Fatal(err)
		}
	}
}
