package elasticsearch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// catColumns are the _cat/indices columns the probe asks for, in the order
// the text fallback of Elasticsearch 1.x and 2.x prints them.
var catColumns = []string{"index", "status", "health", "docs.count", "store.size"}

// indexRow is one index from _cat/indices. Docs and Bytes are -1 when the
// server left them out (closed indices).
type indexRow struct {
	Name   string
	Status string
	Health string
	Docs   int64
	Bytes  int64
}

// parseCatIndices reads _cat/indices as a JSON array (5.0+) or, failing
// that, as the whitespace table that older versions print for the columns
// in catColumns.
func parseCatIndices(body []byte) ([]indexRow, error) {
	rows, err := parseCat(body, len(catColumns))
	if err != nil {
		return nil, err
	}
	out := make([]indexRow, 0, len(rows))
	for _, r := range rows {
		if r[0] == "" {
			continue
		}
		out = append(out, indexRow{Name: r[0], Status: r[1], Health: r[2], Docs: count(r[3]), Bytes: count(r[4])})
	}
	return out, nil
}

// aliasRow is one alias-to-index pair from _cat/aliases.
type aliasRow struct{ Alias, Index string }

// parseCatAliases reads _cat/aliases?h=alias,index as JSON or text.
func parseCatAliases(body []byte) ([]aliasRow, error) {
	rows, err := parseCat(body, 2)
	if err != nil {
		return nil, err
	}
	out := make([]aliasRow, 0, len(rows))
	for _, r := range rows {
		if r[0] != "" && r[1] != "" {
			out = append(out, aliasRow{Alias: r[0], Index: r[1]})
		}
	}
	return out, nil
}

// catKeys maps JSON keys to column positions; the short names are what
// some versions print when asked for h=i,s,h,dc,ss.
var catKeys = map[string]int{
	"index": 0, "i": 0, "alias": 0, "status": 1, "health": 2,
	"docs.count": 3, "store.size": 4,
}

// parseCat returns rows of width columns. JSON keys are placed by catKeys
// (for aliases, "index" is the second column); text rows by position.
func parseCat(body []byte, width int) ([][]string, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var objs []map[string]any
		if err := json.Unmarshal(body, &objs); err != nil {
			return nil, fmt.Errorf("cat answer is not a JSON array of rows: %w", err)
		}
		rows := make([][]string, 0, len(objs))
		for _, o := range objs {
			row := make([]string, width)
			for k, v := range o {
				i, ok := catKeys[k]
				if width == 2 && k == "index" {
					i, ok = 1, true
				}
				if ok && i < width {
					row[i] = scalar(v)
				}
			}
			rows = append(rows, row)
		}
		return rows, nil
	}
	if len(body) > 0 && (body[0] == '{' || body[0] == '<') {
		return nil, fmt.Errorf("cat answer is neither a JSON array nor a text table")
	}
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		row := make([]string, width)
		copy(row, f)
		rows = append(rows, row)
	}
	return rows, sc.Err()
}

// scalar renders a JSON scalar cell; cat APIs send numbers as strings, but
// some servers send numbers or null.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// count parses a count or byte size, -1 when absent or not a number.
func count(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// dataStream is one entry of GET /_data_stream.
type dataStream struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Template string `json:"template"`
	Indices  []struct {
		Name string `json:"index_name"`
	} `json:"indices"`
}

// parseDataStreams reads GET /_data_stream.
func parseDataStreams(body []byte) ([]dataStream, error) {
	var v struct {
		DataStreams []dataStream `json:"data_streams"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("data streams answer: %w", err)
	}
	return v.DataStreams, nil
}
