package elasticsearch

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

const validRow = `{"index":"msg-a","status":"open","health":"green","docs.count":"1","store.size":"10"}`

// endless writes rows until the client goes away, or 1 GiB.
func endless(prefix, row string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", jsonCT)
		w.Write([]byte(prefix))
		chunk := []byte(strings.Repeat(row, 256))
		for sent := 0; sent < 1<<30 && r.Context().Err() == nil; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// truncated sends a listing cut off in the middle of a row, then closes.
func truncated(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", jsonCT)
	w.Header().Set("Content-Length", "100000")
	w.Write([]byte("[" + validRow + "," + validRow + `,{"index":"msg-b","sta`))
}

// stalling sends one row and then nothing, holding the connection.
func stalling(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", jsonCT)
	w.Write([]byte("[" + validRow + ","))
	w.(http.Flusher).Flush()
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

// TestHostileListings: each broken or hostile index list ends in a clear
// error or a note, within the byte budget, and the rows read before the
// break are kept.
func TestHostileListings(t *testing.T) {
	const budget = 4 << 20
	tests := []struct {
		name      string
		listing   func(http.ResponseWriter, *http.Request)
		status    scanner.Status
		errHas    string // "" when the probe ends without an error
		noteHas   string
		container string // a container the result must list
	}{
		{name: "endless valid rows", listing: endless("[", validRow+","), status: scanner.StatusOpen,
			noteHas: "the index list was cut after", container: "msg-a"},
		{name: "truncated", listing: truncated, status: scanner.StatusOpen,
			errHas: "listing indices: after 2 indices", container: "msg-a"},
		{name: "not JSON", listing: body(200, "text/html", "<html><body>hello</body></html>"),
			status: scanner.StatusPartial, errHas: "neither a JSON array nor a text table"},
		{name: "an object", listing: body(200, jsonCT, `{"error":"x"}`),
			status: scanner.StatusPartial, errHas: "neither a JSON array nor a text table"},
		{name: "deeply nested", listing: body(200, jsonCT, "[{\"index\":\"a\",\"x\":"+strings.Repeat("[", 100000)),
			status: scanner.StatusPartial, errHas: "nested deeper than 128"},
		{name: "huge index name", listing: endless(`[{"index":"`, "a"),
			status: scanner.StatusPartial, errHas: "longer than 4096 bytes"},
		{name: "endless text line", listing: endless("", "x"),
			status: scanner.StatusPartial, errHas: "line longer than"},
		{name: "array of numbers", listing: body(200, jsonCT, `[1,2,3]`),
			status: scanner.StatusPartial, errHas: "not valid JSON"},
		{name: "stalls after a row", listing: stalling, status: scanner.StatusOpen,
			errHas: "after 1 indices", container: "msg-a"},
		{name: "garbage after the array", listing: body(200, jsonCT, "["+validRow+"] trailing"),
			status: scanner.StatusOpen, errHas: "after the end of the document", container: "msg-a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := catalogCluster(t, tc.listing)
			start := time.Now()
			res, rec, err := runProbe(t, serve(t, f, false), scanner.Limits{MaxTargetBytes: budget}, 2*time.Second)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if res.Status != tc.status {
				t.Errorf("status %s, want %s (err %v)", res.Status, tc.status, err)
			}
			switch {
			case tc.errHas == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
				t.Errorf("error %v, want one with %q", err, tc.errHas)
			}
			if tc.noteHas != "" && !strings.Contains(strings.Join(res.Notes, ";"), tc.noteHas) {
				t.Errorf("notes %q, want one with %q", res.Notes, tc.noteHas)
			}
			if tc.container != "" && findContainer(res, "index", tc.container) == nil && findContainer(res, "index-pattern", tc.container) == nil {
				t.Errorf("no %s among %s", tc.container, containerNames(res))
			}
			if n := len(rec.received()); n > budget+64<<10 {
				t.Errorf("read %d bytes with a budget of %d", n, budget)
			}
			assertAllowlisted(t, rec)
		})
	}
}

// TestHostileSideListings: data streams and aliases that are broken or
// endless cost a note each, and the index list is still read.
func TestHostileSideListings(t *testing.T) {
	const budget = 4 << 20
	f := catalogCluster(t, body(200, jsonCT, "["+validRow+"]"))
	f.routes["/_data_stream"] = body(200, jsonCT, `{"data_streams":[{"name":"x","indices":`+strings.Repeat("[", 500))
	f.routes["/_cat/aliases"] = endless("[", `{"alias":"al","index":"msg-a"},`)
	res, rec, err := runProbe(t, serve(t, f, false), scanner.Limits{MaxTargetBytes: budget}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || findContainer(res, "index", "msg-a") == nil {
		t.Fatalf("status %s err %v containers %s", res.Status, err, containerNames(res))
	}
	notes := strings.Join(res.Notes, ";")
	if !strings.Contains(notes, "data streams answer") || !strings.Contains(notes, "the alias list was cut at") {
		t.Errorf("notes %q", notes)
	}
	if res.Skipped["over-max-aliases"] == 0 {
		t.Errorf("skipped %v: the alias pairs over the table are not counted", res.Skipped)
	}
	if n := len(rec.received()); n > budget/4+64<<10 {
		t.Errorf("read %d bytes: the alias list took more than its share", n)
	}
}

// TestDataStreamsAbsent: Elasticsearch without x-pack answers 400 to
// GET /_data_stream; that is passed over without a note.
func TestDataStreamsAbsent(t *testing.T) {
	f := catalogCluster(t, body(200, jsonCT, "["+validRow+"]"))
	f.routes["/_data_stream"] = body(400, jsonCT, `{"error":{"type":"invalid_index_name_exception","reason":"Invalid index name [_data_stream], must not start with '_'."},"status":400}`)
	res, rec, err := runProbe(t, serve(t, f, false), scanner.Limits{}, 2*time.Second)
	if err != nil || res.Status != scanner.StatusOpen || len(res.Notes) != 0 || rec.connections() != 1 {
		t.Fatalf("status %s err %v notes %q connections %d", res.Status, err, res.Notes, rec.connections())
	}
}
