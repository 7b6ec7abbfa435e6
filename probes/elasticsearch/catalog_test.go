package elasticsearch

import (
	"bytes"
	"fmt"
	"testing"
)

// parseCatIndices collects what readCatIndices streams.
func parseCatIndices(body []byte) ([]indexRow, error) {
	var rows []indexRow
	err := readCatIndices(bytes.NewReader(body), func(r *indexRow) error {
		rows = append(rows, *r)
		return nil
	})
	return rows, err
}

type aliasRow struct{ Alias, Index string }

func parseCatAliases(body []byte) ([]aliasRow, error) {
	var rows []aliasRow
	err := readCatAliases(bytes.NewReader(body), func(a, i string) error {
		rows = append(rows, aliasRow{a, i})
		return nil
	})
	return rows, err
}

func parseDataStreams(body []byte) ([]dataStream, error) {
	var out []dataStream
	err := readDataStreams(bytes.NewReader(body), func(ds *dataStream) error {
		out = append(out, *ds)
		return nil
	})
	return out, err
}

func rowString(rs []indexRow) string {
	s := ""
	for _, r := range rs {
		s += fmt.Sprintf("[%s %s %s %d %d]", r.Name, r.Status, r.Health, r.Docs, r.Bytes)
	}
	return s
}

func TestParseCatIndices(t *testing.T) {
	tests := map[string]struct{ body, want string }{
		"json 5.x+": {
			body: `[{"index":"messages-2024.03.01","status":"open","health":"yellow","docs.count":"3","store.size":"1024"},
				{"index":"closed-one","status":"close","health":null,"docs.count":null,"store.size":null}]`,
			want: "[messages-2024.03.01 open yellow 3 1024][closed-one close  -1 -1]",
		},
		"json numbers": {body: `[{"index":"a","docs.count":7,"store.size":1.5e3}]`, want: "[a   7 1500]"},
		// Elasticsearch 1.x/2.x ignore format=json and print the h= columns.
		"text 1.x": {
			body: "messages 	open  green 12 4096\nold-index close\n\n",
			want: "[messages open green 12 4096][old-index close  -1 -1]",
		},
		"empty text": {body: "", want: ""},
		"empty json": {body: "[]", want: ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rows, err := parseCatIndices([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if got := rowString(rows); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`{"error":"x"}`, `<html></html>`, `[{"index":`} {
		if _, err := parseCatIndices([]byte(bad)); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

func TestParseCatAliases(t *testing.T) {
	for name, body := range map[string]string{
		"json": `[{"alias":"chat","index":"messages-1"},{"alias":"chat","index":"messages-2"}]`,
		"text": "chat messages-1\nchat messages-2\n",
	} {
		rows, err := parseCatAliases([]byte(body))
		if err != nil || fmt.Sprint(rows) != "[{chat messages-1} {chat messages-2}]" {
			t.Errorf("%s: %v %v", name, rows, err)
		}
	}
}

func TestParseDataStreams(t *testing.T) {
	body := `{"data_streams":[{"name":"logs-chat-prod","timestamp_field":{"name":"@timestamp"},
		"indices":[{"index_name":".ds-logs-chat-prod-000001","index_uuid":"x"}],"generation":1,"status":"GREEN","template":"logs-chat"}]}`
	ds, err := parseDataStreams([]byte(body))
	if err != nil || len(ds) != 1 || ds[0].Name != "logs-chat-prod" || ds[0].Indices[0] != ".ds-logs-chat-prod-000001" || ds[0].Template != "logs-chat" || ds[0].Total != 1 {
		t.Fatalf("%+v %v", ds, err)
	}
}

func FuzzParseCat(f *testing.F) {
	f.Add([]byte(`[{"index":"a","status":"open","health":"green","docs.count":"1","store.size":"2"}]`))
	f.Add([]byte("a open green 1 2\nb close\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, err := parseCatIndices(body)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.Name == "" || r.Docs < -1 || r.Bytes < -1 {
				t.Fatalf("bad row %+v", r)
			}
		}
		parseCatAliases(body)
		parseDataStreams(body)
	})
}
