// Package inventory reads the exports operators already have (cloud CLI
// dumps, Terraform state, Kubernetes service lists, other scanners' output,
// CMDB CSV files) and turns them into scanner targets, each with the file,
// format, place and resource it came from.
//
// It only parses: it never resolves a name and never dials anything. Line
// formats (JSON lines, CSV, masscan and nmap output) are read as a stream;
// big JSON documents are walked token by token and only one element of their
// big arrays (one instance, one domain, one resource) is decoded at a time,
// so memory grows with the number of unique targets, not the file size.
package inventory

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// Errors a caller can tell apart with errors.Is.
var (
	// ErrPlainList means the input is a plain host list, which belongs to the
	// core target parser, not to this package.
	ErrPlainList = errors.New("plain target list: read it with the core target parser")
	// ErrUnknownFormat means the format named, or the content, is not one
	// this package reads.
	ErrUnknownFormat = errors.New("unknown inventory format")
)

// DefaultMaxLineBytes is the bound of Options.MaxLineBytes when it is zero.
const DefaultMaxLineBytes = 16 << 20

// Options say which targets Read keeps.
type Options struct {
	// Address keeps private addresses, public ones, or both (the zero value).
	Address AddressFilter
	// SRV, when set, takes the mongodb+srv:// URLs an export holds (the
	// Entry's SRV field names the record's host), for the planner to resolve
	// or refuse; without it they are counted in a warning.
	SRV func(scanner.Entry)
	// MaxLineBytes bounds one line (JSON lines, masscan), one CSV record,
	// one JSON value decoded whole or skipped (an instance, a resource, a
	// string), and one nmap <host>; zero means DefaultMaxLineBytes. A longer
	// one is an error naming its place, not a silent cut.
	MaxLineBytes int
}

func (o Options) maxLine() int {
	if o.MaxLineBytes > 0 {
		return o.MaxLineBytes
	}
	return DefaultMaxLineBytes
}

// Stats describe one Read: what was found, what was kept and why not.
type Stats struct {
	Format  string `json:"format"`  // the format read, detected or forced
	Records int    `json:"records"` // records read: resources, JSON lines, CSV rows, hosts
	Found   int    `json:"found"`   // endpoints found, before the address filter and de-duplication
	// Filtered counts endpoints left out by Options.Address.
	Filtered int `json:"filtered"`
	// Skipped counts resources read but not relevant (memcached clusters,
	// non-DocumentDB RDS clusters, Cloud SQL instances, closed ports,
	// services and forwarding rules on other ports).
	Skipped int `json:"skipped"`
	Emitted int `json:"emitted"` // unique targets passed to emit
	// Duplicates counts endpoints folded into a target already found (the
	// same host, port and service from another field, record or line).
	Duplicates int `json:"duplicates,omitempty"`
	// Bad counts values that are not a host or a port, and lines too long
	// to read; Problems names the first MaxProblems of them with their
	// place ("FILE:LINE: not a host: \"...\" (at COLUMN)"), each echoing at
	// most scanner.MaxEcho characters. They are input errors: the rest of
	// the file is still read.
	Bad      int      `json:"bad,omitempty"`
	Problems []string `json:"problems,omitempty"`
	// Columns maps a role ("host", "port", "service") to the CSV headers used
	// for it, in column order.
	Columns map[string][]string `json:"columns,omitempty"`
	// Warnings are things the operator should know about: a file with no
	// addresses, rows without a host, node ports with no node addresses.
	Warnings []string `json:"warnings,omitempty"`
}

func (s *Stats) warnf(format string, args ...any) {
	if len(s.Warnings) < 100 {
		s.Warnings = append(s.Warnings, fmt.Sprintf(format, args...))
	}
}

// parser reads one format from r and reports endpoints to s.
type parser func(ctx context.Context, r *bufio.Reader, s *sink) error

// parsers by format name, the names --input-format takes.
var parsers = map[string]parser{
	"aws-ec2":         readEC2,
	"aws-opensearch":  readOpenSearch,
	"aws-elasticache": readElastiCache,
	"aws-docdb":       readDocDB,
	"gcp-compute":     readGCPCompute,
	"gcp-asset":       readGCPAsset,
	"azure-vm":        readAzureVM,
	"azure-vm-ip":     readAzureVMIP,
	"azure-redis":     readAzureRedis,
	"terraform":       readTerraform,
	"kubernetes":      readKubernetes,
	"cloudlist":       readCloudlist,
	"nmap-xml":        readNmap,
	"masscan-json":    readMasscanJSON,
	"masscan-list":    readMasscanList,
	"naabu":           readNaabu,
	"csv":             readCSV,
	"ansible":         readAnsible,
	"docker-ps":       readDockerPS,
	"docker-inspect":  readDockerInspect,
	"docker-compose":  readCompose,
	"consul":          readConsul,
	"shodan":          readShodan,
	"censys":          readCensys,
}

// Formats lists the format names Read accepts, sorted; "list" (plain host
// lists, read by the core parser) is not among them.
func Formats() []string {
	names := make([]string, 0, len(parsers))
	for n := range parsers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

const bom = "\ufeff"

// Read parses one inventory file and calls emit once for each unique target,
// in the order first seen, after the whole file is read (so that every origin
// of a target is merged into it). file names the input in origins and errors
// ("-" for stdin). format "" means detect it from the first DetectBytes bytes.
//
// A malformed file yields a *ParseError naming the file, the format and the
// line or JSON offset and path where it broke; the targets found before it
// are not emitted. Binary data in the first DetectBytes gives a
// *scanner.BinaryError; a UTF-8 byte order mark is skipped. Values that are
// no host or port, and lines too long, are not errors: Stats.Problems names
// them and the rest is read. A file that parses but holds no address is not
// an error either: Stats.Warnings says so. An error from emit stops Read and is returned.
func Read(ctx context.Context, r io.Reader, file, format string, opts Options, emit func(scanner.Target) error) (Stats, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(DetectBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Stats{}, fmt.Errorf("%s: %w", file, err)
	}
	if off, utf16 := scanner.BinaryAt(head); off >= 0 {
		return Stats{}, &scanner.BinaryError{File: file, Offset: int64(off), UTF16: utf16}
	}
	if bytes.HasPrefix(head, []byte(bom)) {
		br.Discard(len(bom)) // a UTF-8 byte order mark, as Excel and PowerShell write
	}
	if format == "" {
		f, ok := Detect(head)
		if !ok {
			return Stats{}, UnknownError(file, head)
		}
		format = f
	}
	if format == "list" {
		return Stats{Format: format}, fmt.Errorf("%s: %w", file, ErrPlainList)
	}
	p, ok := parsers[format]
	if !ok {
		return Stats{}, fmt.Errorf("%s: %w %q (known: %s)", file, ErrUnknownFormat, format, strings.Join(Formats(), ", "))
	}
	s := newSink(ctx, file, format, opts)
	if err := p(ctx, br, s); err != nil {
		return s.stats, s.wrap(err)
	}
	if err := ctx.Err(); err != nil {
		return s.stats, err
	}
	s.finish()
	s.stats.Duplicates = s.stats.Found - s.stats.Filtered - s.set.Len()
	err = s.set.Each(func(t scanner.Target) error {
		if err := emit(t); err != nil {
			return err
		}
		s.stats.Emitted++
		return nil
	})
	return s.stats, err
}
