package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// wellKnown maps the default ports of the three stores to their service,
// for scanners' output that names a port but no service.
func wellKnown(port int) string {
	switch port {
	case 9200:
		return scanner.Elasticsearch
	case 27017:
		return scanner.MongoDB
	case 6379:
		return scanner.Redis
	}
	return ""
}

// serviceFromName maps a scanner's service or product name to a store.
func serviceFromName(names ...string) string {
	for _, n := range names {
		n = strings.ToLower(n)
		switch {
		case strings.Contains(n, "elasticsearch"), strings.Contains(n, "opensearch"):
			return scanner.Elasticsearch
		case strings.Contains(n, "mongo"):
			return scanner.MongoDB
		case strings.Contains(n, "redis"), strings.Contains(n, "valkey"):
			return scanner.Redis
		}
	}
	return ""
}

// readCloudlist reads projectdiscovery cloudlist JSON lines: the public and
// private addresses and DNS name of each resource.
func readCloudlist(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var c struct {
			Public      bool   `json:"public"`
			Provider    string `json:"provider"`
			Service     string `json:"service"`
			ID          string `json:"id"`
			PublicIPv4  string `json:"public_ipv4"`
			PublicIPv6  string `json:"public_ipv6"`
			PrivateIPv4 string `json:"private_ipv4"`
			PrivateIPv6 string `json:"private_ipv6"`
			DNSName     string `json:"dns_name"`
			Host        string `json:"host"`
			IP          string `json:"ip"`
		}
		if err := decode(&c); err != nil {
			return err
		}
		res := strings.Trim(c.Provider+"/"+c.Service+"/"+c.ID, "/")
		nameExp := Private
		if c.Public {
			nameExp = Public
		}
		for _, f := range []struct{ host, exposure, field string }{
			{c.PublicIPv4, Public, "public_ipv4"}, {c.PublicIPv6, Public, "public_ipv6"},
			{c.PrivateIPv4, Private, "private_ipv4"}, {c.PrivateIPv6, Private, "private_ipv6"},
			{c.DNSName, nameExp, "dns_name"}, {c.Host, nameExp, "host"}, {c.IP, nameExp, "ip"},
		} {
			if f.host != "" {
				s.add(endpoint{host: f.host, exposure: f.exposure, line: line, path: joinPath(path, f.field), resource: res})
			}
		}
		return nil
	})
}

// readNaabu reads naabu -json lines: host or ip and port, with the TLS flag
// naabu sets when it saw TLS.
func readNaabu(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var n struct {
			Host     string          `json:"host"`
			IP       string          `json:"ip"`
			Port     json.RawMessage `json:"port"`
			Protocol string          `json:"protocol"`
			TLS      bool            `json:"tls"`
		}
		if err := decode(&n); err != nil {
			return err
		}
		port, tls := naabuPort(n.Port)
		if p := strings.ToLower(n.Protocol); p != "" && p != "tcp" {
			s.stats.Skipped++
			return nil
		}
		host := firstNonEmpty(n.IP, n.Host)
		res := ""
		if n.Host != "" && n.Host != host {
			res = n.Host
		}
		s.add(endpoint{host: host, port: port, service: wellKnown(port), tls: n.TLS || tls, line: line, path: path, resource: res})
		return nil
	})
}

// naabuPort reads a port written as a number (naabu 2.1 and later) or as an
// object {"Port":..., "TLS":...} (older versions).
func naabuPort(raw json.RawMessage) (int, bool) {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n, false
	}
	var o struct {
		Port int  `json:"Port"`
		TLS  bool `json:"TLS"`
	}
	if json.Unmarshal(raw, &o) == nil {
		return o.Port, o.TLS
	}
	return -1, false
}

// masscanRecord is one host line of masscan -oJ output.
type masscanRecord struct {
	IP    string `json:"ip"`
	Ports []struct {
		Port    int    `json:"port"`
		Proto   string `json:"proto"`
		Status  string `json:"status"`
		Service *struct {
			Name string `json:"name"`
		} `json:"service"`
	} `json:"ports"`
}

// readMasscanJSON reads masscan -oJ (and --output-format ndjson) output: one
// host object per line, in a JSON array whose commas masscan puts at line
// ends or starts, with an old `{finished: 1}` trailer that is not JSON.
// Open TCP ports only.
func readMasscanJSON(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachLine(r, s, func(n int, line []byte) error {
		line = bytes.Trim(bytes.TrimSpace(line), ",[]")
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("{finished")) {
			return nil
		}
		if err := s.record(); err != nil {
			return err
		}
		var m masscanRecord
		if err := json.Unmarshal(line, &m); err != nil {
			return atLine(n, err)
		}
		for _, p := range m.Ports {
			if p.Status != "" && p.Status != "open" || p.Proto != "" && p.Proto != "tcp" {
				s.stats.Skipped++
				continue
			}
			svc := wellKnown(p.Port)
			if p.Service != nil {
				svc = firstNonEmpty(serviceFromName(p.Service.Name), svc)
			}
			s.add(endpoint{host: m.IP, port: p.Port, service: svc, line: n})
		}
		return nil
	})
}

// readMasscanList reads masscan -oL output: "open tcp PORT IP TIMESTAMP"
// lines; comments, closed ports, banners and other protocols are skipped.
func readMasscanList(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachLine(r, s, func(n int, line []byte) error {
		text := strings.TrimSpace(string(line))
		if text == "" || text[0] == '#' {
			return nil
		}
		if err := s.record(); err != nil {
			return err
		}
		f := strings.Fields(text)
		if len(f) < 4 {
			return atLine(n, errors.New(`want "open tcp PORT IP TIMESTAMP"`))
		}
		if f[0] != "open" || f[1] != "tcp" {
			s.stats.Skipped++
			return nil
		}
		port, err := strconv.Atoi(f[2])
		if err != nil {
			return atLine(n, errors.New("port "+scanner.Clip(f[2])+" is not a number"))
		}
		s.add(endpoint{host: f[3], port: port, service: wellKnown(port), line: n})
		return nil
	})
}
