package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"

	"github.com/projectdiscovery/gologger"

	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/inventory"
)

// inputFlags choose the targets and the scope; scan, targets and baseline
// share them.
type inputFlags struct {
	lists      listFlag
	format     string
	address    string
	scope      listFlag
	scopeFile  string
	allowLarge bool
	strict     bool
	services   string
	shard      string
	resolveSRV bool
}

func (f *inputFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.lists, "l", "read targets from `FILE` ('-' for stdin): a host list or an inventory export (repeatable)")
	fs.StringVar(&f.format, "input-format", "", "force the `FORMAT` of -l files instead of detecting it: list, "+strings.Join(inventory.Formats(), ", "))
	fs.StringVar(&f.address, "address", "both", "from inventories, keep `private`, public or both addresses")
	fs.Var(&f.scope, "scope", "only probe addresses inside these `CIDRs,hosts` (repeatable); everything else is refused before any connection")
	fs.StringVar(&f.scopeFile, "scope-file", "", "read the scope from `FILE`, one CIDR, address or host per line")
	fs.BoolVar(&f.allowLarge, "allow-large-ranges", false, "allow CIDR ranges larger than a /16 (65,536 addresses)")
	fs.BoolVar(&f.strict, "strict", false, "stop at the first bad input line instead of reporting it at the end")
	fs.StringVar(&f.services, "services", "", "probe only these `services` (comma-separated: elasticsearch, mongodb, redis)")
	fs.StringVar(&f.shard, "shard", "", "probe only part `K/N` of the targets (stable hash; N runs cover every target once)")
	fs.BoolVar(&f.resolveSRV, "resolve-srv", false, "look up the SRV record of mongodb+srv:// targets and probe the hosts it names that are within --scope (needs --scope)")
}

// resolver looks up names; net.DefaultResolver is one.
type resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// inputs is the state of reading targets: the planner, and counts of what
// was refused or bad.
type inputs struct {
	flags    *inputFlags
	planner  *scanner.Planner
	log      *gologger.Logger
	refused  atomic.Int64
	bad      atomic.Int64
	warnings atomic.Int64
	folded   atomic.Int64 // duplicates merged inside inventory files (the planner counts the rest)
	firstBad atomic.Pointer[error]
	stop     context.CancelFunc // set with --strict
}

// newInputs validates the input flags and builds the planner.
func newInputs(ctx context.Context, c *cli, f *inputFlags, reg *scanner.Registry, log *gologger.Logger) (*inputs, error) {
	in := &inputs{flags: f, log: log}
	scope, err := scanner.ParseScope(f.scope...)
	if err != nil {
		return nil, usagef("--scope: %v", err)
	}
	if f.scopeFile != "" {
		fh, err := os.Open(f.scopeFile)
		if err != nil {
			return nil, &inputError{fmt.Errorf("--scope-file: %w", err)}
		}
		fileScope, err := scanner.ReadScopeFile(fh, f.scopeFile)
		fh.Close()
		if err != nil {
			return nil, &inputError{fmt.Errorf("--scope-file: %w", err)}
		}
		if fileScope.Empty() {
			return nil, &inputError{fmt.Errorf("--scope-file %s lists nothing; an empty scope would allow everything", f.scopeFile)}
		}
		scope = scanner.MergeScopes(scope, fileScope)
	}
	var res resolver = net.DefaultResolver
	if c.resolver != nil {
		res = c.resolver
	}
	if err := scope.Resolve(ctx, res); err != nil {
		return nil, &inputError{err}
	}
	var services []string
	if f.services != "" {
		for _, s := range strings.Split(f.services, ",") {
			s = strings.TrimSpace(strings.ToLower(s))
			if _, ok := reg.Get(s); !ok {
				return nil, usagef("--services: unknown service %q (known: %s)", s, strings.Join(reg.Names(), ", "))
			}
			services = append(services, s)
		}
	}
	var shard scanner.Shard
	if f.shard != "" {
		if shard, err = scanner.ParseShard(f.shard); err != nil {
			return nil, usagef("%v", err)
		}
	}
	if _, err := inventory.ParseAddressFilter(f.address); err != nil {
		return nil, usagef("%v", err)
	}
	if f.format != "" && f.format != "list" && !contains(inventory.Formats(), f.format) {
		return nil, usagef("--input-format %q is not one of list, %s", f.format, strings.Join(inventory.Formats(), ", "))
	}
	if f.resolveSRV && scope.Empty() {
		return nil, usagef("--resolve-srv needs --scope or --scope-file: the hosts an SRV record names were not listed by you, so only those within a scope you give are probed")
	}
	in.planner = &scanner.Planner{
		Registry: reg, Scope: scope, Resolver: res, Services: services,
		AllowLargeRanges: f.allowLarge, Shard: shard, ResolveSRV: f.resolveSRV,
		Refused: func(t scanner.Target, err error) {
			var rr *scanner.RangeRefusal
			switch {
			case errors.As(err, &rr):
				in.refused.Add(int64(rr.Count))
				log.Warning().Msgf("refused %v", err)
			case errors.Is(err, scanner.ErrOutOfScope):
				in.refused.Add(1)
				log.Warning().Msgf("refused %s: %v", describe(t), err)
			case errors.Is(err, scanner.ErrSRVNotResolved):
				in.warnings.Add(1)
				log.Warning().Msgf("mongodb+srv://%s not probed: %v; pass --resolve-srv (with --scope) to look it up and probe the hosts it names within the scope", describe(t), err)
			default:
				in.badInput(fmt.Errorf("%s: %w", describe(t), err))
			}
		},
	}
	return in, nil
}

// openInput opens a -l file, with errors that name the file and the problem
// in a few words: "FILE: no such file", "FILE: permission denied", "FILE:
// is a directory".
func openInput(file string) (*os.File, error) {
	fh, err := os.Open(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file", file)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%s: permission denied", file)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		fh.Close()
		return nil, fmt.Errorf("%s: is a directory, not a file", file)
	}
	return fh, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func describe(t scanner.Target) string {
	h := t.Host
	if h == "" {
		h = "range"
	}
	if len(t.Origins) > 0 && t.Origins[0].Line > 0 {
		return fmt.Sprintf("%s (%s:%d)", h, t.Origins[0].File, t.Origins[0].Line)
	}
	return h
}

func (in *inputs) badInput(err error) {
	in.bad.Add(1)
	in.firstBad.CompareAndSwap(nil, &err)
	in.log.Error().Msg(err.Error())
	if in.flags.strict && in.stop != nil {
		in.stop()
	}
}

// badErr is the error a run ends with when input lines were bad, or nil.
func (in *inputs) badErr() error {
	n := in.bad.Load()
	if n == 0 {
		return nil
	}
	return &inputError{fmt.Errorf("%d bad input line(s); first: %v", n, *in.firstBad.Load())}
}

// read sends an entry for every target in args and the -l files, then
// closes out. It stops early when ctx is done.
func (in *inputs) read(ctx context.Context, c *cli, args []string, out chan<- scanner.Entry) {
	defer close(out)
	emit := func(e scanner.Entry) error {
		if e.Warning != "" {
			in.warnings.Add(1)
			in.log.Warning().Msgf("%s: %s", describe(e.Target), e.Warning)
		}
		select {
		case out <- e:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	bad := func(err error) error {
		in.badInput(err)
		return ctx.Err()
	}
	for i, a := range args {
		es, err := scanner.ParseEntries(a)
		if err != nil {
			if bad(&scanner.LineError{Line: i + 1, Err: err}) != nil {
				return
			}
			continue
		}
		for _, e := range es {
			e.Target.Origins = []scanner.Origin{{Format: "argument"}}
			if emit(e) != nil {
				return
			}
		}
	}
	for _, file := range in.flags.lists {
		if err := in.readFile(ctx, c, file, emit, bad); err != nil {
			if ctx.Err() != nil {
				return
			}
			in.badInput(err)
		}
	}
}

func (in *inputs) readFile(ctx context.Context, c *cli, file string, emit func(scanner.Entry) error, bad func(error) error) error {
	var r io.Reader = c.stdin
	if file != "-" {
		fh, err := openInput(file)
		if err != nil {
			return err
		}
		defer fh.Close()
		r = fh
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		// gzip (shodan download's .json.gz, a compressed export): read
		// through it, as a stream like any other input.
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", file, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	head, err := br.Peek(inventory.DetectBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("%s: %w", file, err)
	}
	if off, utf16 := scanner.BinaryAt(head); off >= 0 {
		return &scanner.BinaryError{File: file, Offset: int64(off), UTF16: utf16}
	}
	text := inventory.Content(head)
	if len(head) < inventory.DetectBytes {
		// the whole file is in head: an empty one, or the [] or {} a cloud
		// CLI prints when there is nothing to list, holds no target
		squeezed := strings.Join(strings.Fields(string(text)), "")
		if squeezed == "" || squeezed == "[]" || squeezed == "{}" {
			in.log.Warning().Msgf("%s: empty%s: no targets", file, map[string]string{"[]": " JSON array", "{}": " JSON object"}[squeezed])
			return nil
		}
	}
	format := in.flags.format
	if format == "" {
		if f, ok := inventory.Detect(head); ok {
			format = f
		} else if len(text) > 0 && bytes.IndexByte([]byte("{[<"), text[0]) >= 0 {
			return inventory.UnknownError(file, head) // JSON or XML read as a host list would be a line of errors each
		} else {
			format = "list"
		}
	}
	if format == "list" {
		return scanner.ReadList(br, file, emit, bad)
	}
	addr, _ := inventory.ParseAddressFilter(in.flags.address)
	srv := func(e scanner.Entry) { _ = emit(e) }
	st, err := inventory.Read(ctx, br, file, format, inventory.Options{Address: addr, SRV: srv}, func(t scanner.Target) error {
		return emit(scanner.Entry{Target: t})
	})
	if err != nil {
		return err
	}
	in.folded.Add(int64(st.Duplicates))
	for _, p := range st.Problems {
		in.badInput(errors.New(p))
	}
	if more := st.Bad - len(st.Problems); more > 0 {
		in.badInput(fmt.Errorf("%s: %d more bad values or lines not listed", file, more))
		in.bad.Add(int64(more - 1))
	}
	in.log.Info().Msgf("%s: %s inventory, %d records, %d targets", file, st.Format, st.Records, st.Emitted)
	for role, cols := range st.Columns {
		in.log.Info().Msgf("%s: %s column(s): %s", file, role, strings.Join(cols, ", "))
	}
	for _, w := range st.Warnings {
		in.log.Warning().Msgf("%s: %s", file, w)
	}
	return nil
}
