package scanner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func runJobs(t *testing.T, r *Runner, ctx context.Context, targets ...Target) []*Result {
	t.Helper()
	jobs := make(chan Job, len(targets))
	for _, tg := range targets {
		jobs <- Job{Target: tg}
	}
	close(jobs)
	var out []*Result
	r.Run(ctx, jobs, func(res *Result) { out = append(out, res) })
	return out
}

func TestRunnerClassifiesAndNeverPanics(t *testing.T) {
	l := listen(t)
	closed := l.target(Redis)
	closed.Port = FreePortForTest(t)
	reg, _ := NewRegistry(
		&fakeProbe{name: Redis, ports: []int{6379}},
		&fakeProbe{name: MongoDB, ports: []int{27017}, fn: func(context.Context, Target, *Env) (Result, error) {
			panic("index out of range") // a probe bug on a hostile reply
		}},
		&fakeProbe{name: Elasticsearch, ports: []int{9200}, fn: func(context.Context, Target, *Env) (Result, error) {
			return Result{}, nil // neither a status nor an error
		}},
	)
	d, _ := NewDialer(DialerConfig{Timeout: time.Second})
	r := &Runner{Registry: reg, Dialer: d, Concurrency: 2, TargetTimeout: time.Second}
	open := l.target(Redis)
	res := runJobs(t, r, context.Background(), open, closed, l.target(MongoDB), l.target(Elasticsearch))
	got := map[string]*Result{}
	for _, x := range res {
		got[x.Target.Key()+x.Target.Service] = x
	}
	if x := got[open.Key()+Redis]; x == nil || x.Status != StatusOpen || x.Duration <= 0 || x.Started.IsZero() {
		t.Errorf("open: %+v", x)
	}
	if x := got[closed.Key()+Redis]; x == nil || x.Status != StatusClosed || !strings.Contains(x.Error, "refused") {
		t.Errorf("closed: %+v", x)
	}
	mongo := l.target(MongoDB)
	if x := got[mongo.Key()+MongoDB]; x == nil || x.Status != StatusError || !strings.Contains(x.Error, "panicked") {
		t.Errorf("panic: %+v", x)
	}
	es := l.target(Elasticsearch)
	if x := got[es.Key()+Elasticsearch]; x == nil || x.Status != StatusError || !strings.Contains(x.Error, "no status") {
		t.Errorf("nil, nil: %+v", x)
	}
}

// TestRunnerCancel: results finished before the cancel are emitted; the
// targets cut short are not (a resumed run probes them again).
func TestRunnerCancel(t *testing.T) {
	var started atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	reg, _ := NewRegistry(&fakeProbe{name: Redis, ports: []int{6379}, fn: func(pctx context.Context, tg Target, _ *Env) (Result, error) {
		if started.Add(1) <= 3 {
			return Result{Status: StatusClosed}, nil
		}
		cancel()
		<-pctx.Done()
		return Result{}, pctx.Err()
	}})
	d, _ := NewDialer(DialerConfig{Timeout: time.Second})
	r := &Runner{Registry: reg, Dialer: d, Concurrency: 1, TargetTimeout: time.Minute}
	var targets []Target
	for i := range 10 {
		targets = append(targets, Target{Host: "127.0.0.1", Port: 6000 + i, Service: Redis})
	}
	res := runJobs(t, r, ctx, targets...)
	if len(res) != 3 {
		t.Fatalf("%d results, want the 3 finished before the cancel", len(res))
	}
	if started.Load() != 4 {
		t.Errorf("%d probes started, want 4 (no new work after the cancel)", started.Load())
	}
}

func TestRunnerTargetBudget(t *testing.T) {
	reg, _ := NewRegistry(&fakeProbe{name: Redis, ports: []int{6379}, fn: func(ctx context.Context, _ Target, _ *Env) (Result, error) {
		<-ctx.Done()
		return Result{Product: "redis"}, ctx.Err()
	}})
	d, _ := NewDialer(DialerConfig{Timeout: time.Second})
	r := &Runner{Registry: reg, Dialer: d, Concurrency: 1, TargetTimeout: 100 * time.Millisecond}
	res := runJobs(t, r, context.Background(), Target{Host: "127.0.0.1", Port: 6379, Service: Redis})
	if len(res) != 1 || res[0].Status != StatusTimeout || !strings.Contains(res[0].Error, "target budget of 100ms") {
		t.Fatalf("%+v", res[0])
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want Status
	}{
		{nil, StatusOpen},
		{ProtocolError("HTML on 9200"), StatusProtocolError},
		{ErrBudget, StatusProtocolError},
		{errors.Join(errors.New("x"), ErrAuthRequired), StatusAuthRequired},
		{context.DeadlineExceeded, StatusTimeout},
		{ErrTLSRequired, StatusTLSRequired},
		{errors.New("something else"), StatusError},
	}
	for _, tt := range tests {
		if got := Classify(tt.err); got != tt.want {
			t.Errorf("Classify(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// TestRunnerRedactsFieldNames: identifiers used as field names are redacted
// whichever probe reports them.
func TestRunnerRedactsFieldNames(t *testing.T) {
	reg, _ := NewRegistry(&fakeProbe{name: MongoDB, ports: []int{27017}, fn: func(context.Context, Target, *Env) (Result, error) {
		return Result{Status: StatusOpen, Product: "mongodb", Containers: []Container{{Kind: "collection", Name: "contacts",
			Fields: []FieldSample{{Path: "by_phone.+15551234567.name", Source: SourceSample}, {Path: "owner.alice@example.com", Source: SourceSample},
				{Path: "<phone>", Source: SourceHashField}}}}}, nil
	}})
	d, _ := NewDialer(DialerConfig{Timeout: time.Second})
	r := &Runner{Registry: reg, Dialer: d, Concurrency: 1, TargetTimeout: time.Second}
	res := runJobs(t, r, context.Background(), Target{Host: "127.0.0.1", Port: 27017, Service: MongoDB})
	var got []string
	for _, f := range res[0].Containers[0].Fields {
		got = append(got, f.Path)
	}
	if strings.Join(got, " ") != "by_phone.<phone>.name <email> <phone>" {
		t.Errorf("fields %q", got)
	}
}

func TestClassifyClosedDoesNotAllocate(t *testing.T) {
	_, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", FreePortForTest(t)))
	if Classify(err) != StatusClosed {
		t.Fatalf("Classify(%v) = %s", err, Classify(err))
	}
	if n := testing.AllocsPerRun(100, func() { _ = Classify(err) }); n != 0 {
		t.Errorf("Classify allocates %v times for a refused connection", n)
	}
}

type lenRanker struct{}

func (lenRanker) RankName(name string) int { return len(name) }

// TestRunnerPassesNameRanker: a probe rates names with the runner's
// NameRanker, and with none every name rates 0.
func TestRunnerPassesNameRanker(t *testing.T) {
	for _, tc := range []struct {
		ranker NameRanker
		want   string
	}{{lenRanker{}, "8"}, {nil, "0"}} {
		reg, _ := NewRegistry(&fakeProbe{name: Redis, ports: []int{6379}, fn: func(_ context.Context, _ Target, env *Env) (Result, error) {
			return Result{Status: StatusOpen, Product: "redis", Facts: map[string]string{"rank": strconv.Itoa(env.RankName("messages"))}}, nil
		}})
		d, _ := NewDialer(DialerConfig{Timeout: time.Second})
		r := &Runner{Registry: reg, Dialer: d, Concurrency: 1, TargetTimeout: time.Second, Names: tc.ranker}
		res := runJobs(t, r, context.Background(), Target{Host: "127.0.0.1", Port: 6379, Service: Redis})
		if got := res[0].Facts["rank"]; got != tc.want {
			t.Errorf("ranker %T: RankName(messages) = %s, want %s", tc.ranker, got, tc.want)
		}
	}
}

// TestRunnerEscapesServerText: names, notes and facts a hostile store
// chose reach the table with their control characters escaped, so that they
// cannot clear, retitle or rewrite the operator's terminal.
func TestRunnerEscapesServerText(t *testing.T) {
	reg, _ := NewRegistry(&fakeProbe{name: MongoDB, ports: []int{27017}, fn: func(context.Context, Target, *Env) (Result, error) {
		return Result{Status: StatusOpen, Product: "mongodb", Version: "7.0\x1b[2J", Facts: map[string]string{"set_name": "rs\x1b]0;owned\x07"},
			Notes: []string{"note \xff\u202e"}, Containers: []Container{{Kind: "collection", Database: "chat\r", Name: "messages\x1b[31m",
				Attrs: map[string]string{"view_on": "a\x00b"}, Fields: []FieldSample{{Path: "body", Type: "string\u009b"}}}}}, nil
	}})
	d, _ := NewDialer(DialerConfig{Timeout: time.Second})
	r := &Runner{Registry: reg, Dialer: d, Concurrency: 1, TargetTimeout: time.Second}
	res := runJobs(t, r, context.Background(), Target{Host: "127.0.0.1", Port: 27017, Service: MongoDB})[0]
	c := res.Containers[0]
	got := []string{res.Version, res.Facts["set_name"], res.Notes[0], c.Database, c.Name, c.Attrs["view_on"], c.Fields[0].Type}
	want := []string{`7.0\x1b[2J`, `rs\x1b]0;owned\x07`, `note \xff\u202e`, `chat\x0d`, `messages\x1b[31m`, `a\x00b`, `string\u009b`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if Printable("messages-2024.01 ünïcode 📨") != "messages-2024.01 ünïcode 📨" {
		t.Error("printable text was changed")
	}
}
