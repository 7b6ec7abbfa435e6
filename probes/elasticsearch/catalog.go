package elasticsearch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
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

// maxCatLine bounds one line of a text table (Elasticsearch 1.x and 2.x).
const maxCatLine = 16 << 10

// readCatIndices streams _cat/indices, a JSON array of objects (5.0+) or
// the whitespace table older versions print for catColumns, calling row for
// each index with a name. The row is reused between calls. Nothing but the
// row being read is held.
func readCatIndices(r io.Reader, row func(*indexRow) error) error {
	var ir indexRow
	return readCat(r, len(catColumns), func(cells [][]byte) error {
		if len(cells[0]) == 0 {
			return nil
		}
		ir = indexRow{
			Name: string(cells[0]), Status: intern(cells[1]), Health: intern(cells[2]),
			Docs: count(cells[3]), Bytes: count(cells[4]),
		}
		return row(&ir)
	})
}

// readCatAliases streams _cat/aliases?h=alias,index as JSON or text,
// calling pair for each alias-to-index pair.
func readCatAliases(r io.Reader, pair func(alias, index string) error) error {
	return readCat(r, 2, func(cells [][]byte) error {
		if len(cells[0]) == 0 || len(cells[1]) == 0 {
			return nil
		}
		return pair(string(cells[0]), string(cells[1]))
	})
}

// catColumn places a JSON key of a cat row: the long names the probe asks
// for and the short ones some versions print. For aliases (width 2) the
// index is the second column.
func catColumn(key []byte, width int) int {
	switch string(key) {
	case "index", "i", "idx":
		if width == 2 {
			return 1
		}
		return 0
	case "alias", "a":
		if width == 2 {
			return 0
		}
	case "status", "s":
		return 1
	case "health", "h":
		return 2
	case "docs.count", "dc", "docsCount":
		return 3
	case "store.size", "ss", "storeSize":
		return 4
	}
	return -1
}

// readCat streams a cat answer, calling row with width cells per row; a
// missing or null cell is empty. The cells are valid only during the call.
func readCat(r io.Reader, width int, row func([][]byte) error) error {
	j := newJSONReader(r)
	first, err := j.peek()
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return nil // an empty body is an empty table
	} else if err != nil {
		return err
	}
	switch first {
	case '[':
		return readCatJSON(j, width, row)
	case '{', '<':
		return fmt.Errorf("cat answer is neither a JSON array nor a text table")
	}
	return readCatText(j.r, width, row)
}

func readCatJSON(j *jsonReader, width int, row func([][]byte) error) error {
	cells := make([][]byte, width)
	store := make([][]byte, width)
	err := eachElement(j, func() error {
		for i := range cells {
			cells[i] = store[i][:0]
		}
		err := eachMember(j, func(k []byte) error {
			col := catColumn(k, width)
			if col < 0 || col >= width {
				return j.skip()
			}
			v, ok, err := j.scalar()
			if ok { // null leaves the cell empty
				cells[col] = append(cells[col][:0], v...)
				store[col] = cells[col]
			}
			return err
		})
		if err != nil {
			return err
		}
		return row(cells)
	})
	if err == nil {
		err = j.end()
	}
	return catErr(err)
}

// catErr names what failed when the JSON itself is broken.
func catErr(err error) error {
	if err == nil || errors.Is(err, errListingCut) || errors.Is(err, errStopListing) {
		return err
	}
	return fmt.Errorf("cat answer is not a JSON array of rows: %w", err)
}

func readCatText(br *bufio.Reader, width int, row func([][]byte) error) error {
	cells := make([][]byte, width)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || len(line) > maxCatLine {
			return fmt.Errorf("cat answer has a line longer than %d bytes", maxCatLine)
		}
		if len(line) > 0 {
			f := bytes.Fields(line)
			if len(f) > 0 {
				for i := range cells {
					cells[i] = nil
					if i < len(f) {
						cells[i] = f[i]
					}
				}
				if rerr := row(cells); rerr != nil {
					return rerr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// intern returns the usual status and health words without allocating,
// and anything else cut to 16 bytes.
func intern(b []byte) string {
	for _, w := range [...]string{"open", "close", "green", "yellow", "red"} {
		if string(b) == w {
			return w
		}
	}
	if len(b) > 16 {
		b = b[:16]
	}
	return string(b)
}

// count parses a count or byte size, -1 when absent or not a number.
// Some servers send numbers, even floats, where the cat API sends strings.
func count(b []byte) int64 {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err == nil && n >= 0 {
		return n
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || !(f >= 0 && f <= 1<<62) { // NaN fails both
		return -1
	}
	return int64(f)
}
