// Command wiretap measures, from the wire, how a scan behaves: it counts new
// TCP connections (SYNs, retransmissions left out) and request segments
// (PSH to a service port) sent to the bench fleet's addresses, and prints
// the achieved connection rate and the per-host request rate as JSON when it
// gets SIGINT or SIGTERM, or after -max.
//
//	wiretap -rate 200 -per-host-rate 5 -ready /tmp/tap.ready > tap.json
//
// It only reads packets (a packet socket with a BPF filter; root needed) and
// never sends any.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// fleetNets are bench/fleet's address blocks.
const fleetNets = "127.10.0.0/15,127.12.0.0/16,127.16.0.0/12,198.18.0.0/15"

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	fs := flag.NewFlagSet("wiretap", flag.ContinueOnError)
	nets := fs.String("nets", fleetNets, "count only packets to these comma-separated prefixes")
	ports := fs.String("ports", "6379,27017,9200", "service ports whose PSH segments are requests")
	rate := fs.Float64("rate", 0, "the --rate of the scan, to compare with (0: none)")
	perHost := fs.Float64("per-host-rate", 0, "the --per-host-rate of the scan, to check (0: none)")
	maxDur := fs.Duration("max", 15*time.Minute, "stop after this long at the latest")
	ready := fs.String("ready", "", "create this file once capturing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	pfx, err := parseNets(*nets)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wiretap:", err)
		return 2
	}
	pts, err := parsePorts(*ports)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wiretap:", err)
		return 2
	}
	tp, err := openTap(pts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wiretap:", err)
		return 1
	}
	defer tp.close()
	if *ready != "" {
		if err := os.WriteFile(*ready, nil, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "wiretap:", err)
			return 1
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *maxDur)
	defer cancel()

	t := newTally(pfx, pts)
	buf := make([]byte, 256) // headers only: the frame is truncated
	oob := make([]byte, 128)
	for ctx.Err() == nil {
		ev, ok, err := tp.next(buf, oob)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wiretap:", err)
			return 1
		}
		if ok {
			t.add(ev)
		}
	}
	rep := t.report(*rate, *perHost)
	rep.Drops = tp.drops()
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return 1
	}
	return 0
}

func parseNets(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		p, err := netip.ParsePrefix(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func parsePorts(s string) ([]uint16, error) {
	var out []uint16
	for _, f := range strings.Split(s, ",") {
		p, err := strconv.ParseUint(strings.TrimSpace(f), 10, 16)
		if err != nil {
			return nil, fmt.Errorf("port %q: %w", f, err)
		}
		out = append(out, uint16(p))
	}
	return out, nil
}
