package scanner

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

// readList reads in and returns the entries as "host|prefix|srv" and the
// bad-line messages.
func readList(t *testing.T, in string) (got, bad []string) {
	t.Helper()
	err := ReadList(strings.NewReader(in), "hosts.txt", func(e Entry) error {
		switch {
		case e.Prefix.IsValid():
			got = append(got, e.Prefix.String())
		case e.SRV != "":
			got = append(got, "srv:"+e.SRV)
		default:
			got = append(got, e.Target.Host)
		}
		return nil
	}, func(err error) error {
		bad = append(bad, err.Error())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, bad
}

func TestReadListLongLines(t *testing.T) {
	long := strings.Repeat("x", 100<<10)
	got, bad := readList(t, "127.0.0.1\n"+long+"\n127.0.0.2\r\n"+long+"\r\n127.0.0.3\n"+long)
	if strings.Join(got, " ") != "127.0.0.1 127.0.0.2 127.0.0.3" {
		t.Errorf("entries %v: the lines after a long one must still be read", got)
	}
	want := []string{"hosts.txt:2: line too long (102400 bytes)", "hosts.txt:4: line too long (102400 bytes)", "hosts.txt:6: line too long (102400 bytes)"}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad = %q, want %q", bad, want)
	}
	// Exactly MaxLineBytes is still a line (it is just not a host).
	_, bad = readList(t, strings.Repeat("a", MaxLineBytes)+"\n")
	if len(bad) != 1 || strings.Contains(bad[0], "too long") || len(bad[0]) > 200 {
		t.Errorf("a line of MaxLineBytes: %q", bad)
	}
}

func TestReadListBOMAndMongoHosts(t *testing.T) {
	got, bad := readList(t, "\ufeff127.0.0.1\nmongodb://127.0.0.2,127.0.0.3:27018/db\nmongodb+srv://cluster0.example.net\n")
	if strings.Join(got, " ") != "127.0.0.1 127.0.0.2 127.0.0.3 srv:cluster0.example.net" || len(bad) != 0 {
		t.Errorf("entries %v, bad %v", got, bad)
	}
}

func TestReadListBinary(t *testing.T) {
	bin := "127.0.0.1\n10.0.0.1\n\x7fELF\x02\x01\x01\x00\x00" + strings.Repeat("\x00\x01", 5000) + "\n127.0.0.9\n"
	got, bad := readList(t, bin)
	if strings.Join(got, " ") != "127.0.0.1 10.0.0.1" {
		t.Errorf("entries %v", got)
	}
	if len(bad) != 1 || bad[0] != "hosts.txt: not a text inventory (binary data at byte 23)" {
		t.Errorf("bad = %q, want one line naming byte 23 (the \\x02 after \\x7fELF)", bad)
	}
	_, bad = readList(t, "\xff\xfe1\x002\x007\x00")
	if len(bad) != 1 || !strings.Contains(bad[0], "UTF-16") {
		t.Errorf("UTF-16: %q", bad)
	}
}

func TestListReader(t *testing.T) {
	lr := NewListReader(bufio.NewReaderSize(strings.NewReader("ab\n"+strings.Repeat("c", 40)+"\nd"), 16), 8)
	var got []string
	for {
		l, err := lr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			got = append(got, err.Error())
			continue
		}
		got = append(got, string(l))
	}
	if strings.Join(got, "|") != "ab|line too long (40 bytes)|d" || lr.Line != 3 || lr.Offset != 44 {
		t.Errorf("got %q, line %d, offset %d", got, lr.Line, lr.Offset)
	}
}

func FuzzReadList(f *testing.F) {
	for _, s := range []string{"127.0.0.1\n", "\ufeffh:1\n# c\n", "a\x00b", "mongodb://a,b:2/x\n", strings.Repeat("y", 300)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = ReadList(bufio.NewReaderSize(strings.NewReader(string(data)), 16), "f", func(e Entry) error {
			if !e.Prefix.IsValid() && e.Target.Host == "" && e.SRV == "" {
				t.Fatalf("empty entry from %q", data)
			}
			return nil
		}, func(err error) error {
			if len(err.Error()) > 3*MaxEcho+60 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return nil
		})
	})
}
