package inventory

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// Docker publishes a port on an address of the machine the daemon runs on.
// "0.0.0.0" and "::" mean every address of that machine, which the export
// does not name: such ports are planned on localhost, and a warning says so.
const dockerAnyHost = "localhost"

// host maps a published port's host address to the target host.
func (d *dockerState) host(ip string) string {
	switch strings.Trim(ip, "[]") {
	case "", "0.0.0.0", "::":
		d.anyHost++
		return dockerAnyHost
	}
	return ip
}

type dockerState struct {
	anyHost     int // ports published on every address
	unpublished int // container ports not published, with no container address in the export
}

func (d *dockerState) finish(s *sink) {
	if d.anyHost > 0 {
		s.stats.warnf("%d ports are published on every address of the Docker host (0.0.0.0 or ::), which the export does not name: planned on localhost; run spillcheck on that machine or list its address", d.anyHost)
	}
	if d.unpublished > 0 {
		s.stats.warnf("%d container ports are not published on the host and the export holds no container address: left out", d.unpublished)
		s.stats.Skipped += d.unpublished
	}
}

// containerService names the store behind a container port: the port's
// well-known service, else the image's name (redis:7, bitnami/mongodb).
func containerService(port int, image string) string {
	return firstNonEmpty(wellKnown(port), serviceFromName(image))
}

// readDockerPS reads `docker ps --format json` (JSON lines, or a JSON array
// of the same objects): each published TCP port of each container, as
// "0.0.0.0:6379->6379/tcp, :::6379->6379/tcp" puts it; and `docker compose
// ps --format json`, whose Publishers list the same ports.
func readDockerPS(ctx context.Context, r *bufio.Reader, s *sink) error {
	var d dockerState
	err := eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var c struct {
			ID, Image, Names, Name, Ports string
			// Publishers is what `docker compose ps --format json` gives
			// (compose 2.x; before 2.21 without Image, Names or Ports).
			Publishers []struct {
				URL                       string
				TargetPort, PublishedPort int
				Protocol                  string
			}
		}
		if err := decode(&c); err != nil {
			return err
		}
		c.Names = firstNonEmpty(c.Names, c.Name)
		if strings.TrimSpace(c.Ports) == "" {
			for i, p := range c.Publishers {
				at := joinPath(path, "Publishers["+strconv.Itoa(i)+"]")
				switch {
				case p.Protocol != "" && p.Protocol != "tcp":
					s.stats.Skipped++
				case p.PublishedPort == 0:
					d.unpublished++
				default:
					s.add(endpoint{host: d.host(p.URL), port: p.PublishedPort, service: containerService(p.TargetPort, c.Image),
						line: line, path: at, resource: c.Names})
				}
			}
			return nil
		}
		for _, p := range strings.Split(c.Ports, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			pub, target, ok := strings.Cut(p, "->")
			if !ok {
				d.unpublished++
				continue
			}
			cport, proto, _ := strings.Cut(target, "/")
			if proto != "" && proto != "tcp" {
				s.stats.Skipped++
				continue
			}
			i := strings.LastIndexByte(pub, ':')
			if i < 0 {
				s.problemAt(line, joinPath(path, "Ports"), "not a published port: "+scanner.Clip(p))
				continue
			}
			hostPorts, cports := dockerPorts(pub[i+1:]), dockerPorts(cport)
			for k, hp := range hostPorts {
				svc := ""
				if k < len(cports) {
					svc = containerService(cports[k], c.Image)
				}
				s.add(endpoint{host: d.host(pub[:i]), port: hp, service: svc, line: line, path: joinPath(path, "Ports"), resource: c.Names})
			}
		}
		return nil
	})
	d.finish(s)
	return err
}

// dockerPorts reads "6379" or "9200-9201"; a bad one is [-1], which the sink
// reports.
func dockerPorts(v string) []int {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(v), "-")
	a, err := strconv.Atoi(lo)
	if err != nil {
		return []int{-1}
	}
	if !isRange {
		return []int{a}
	}
	b, err := strconv.Atoi(hi)
	if err != nil || b < a || b-a > 1024 {
		return []int{-1}
	}
	out := make([]int, 0, b-a+1)
	for p := a; p <= b; p++ {
		out = append(out, p)
	}
	return out
}

// dockerInspect is the part of one `docker inspect` container that names
// addresses.
type dockerInspect struct {
	ID     string `json:"Id"`
	Name   string `json:"Name"`
	Config struct {
		Image        string         `json:"Image"`
		ExposedPorts map[string]any `json:"ExposedPorts"`
	} `json:"Config"`
	NetworkSettings struct {
		IPAddress         string `json:"IPAddress"`
		GlobalIPv6Address string `json:"GlobalIPv6Address"`
		Ports             map[string][]struct {
			HostIP   string `json:"HostIp"`
			HostPort string `json:"HostPort"`
		} `json:"Ports"`
		Networks map[string]struct {
			IPAddress         string `json:"IPAddress"`
			GlobalIPv6Address string `json:"GlobalIPv6Address"`
		} `json:"Networks"`
	} `json:"NetworkSettings"`
}

// readDockerInspect reads `docker inspect` of containers (a JSON array): each
// published TCP port on its host address, and each exposed TCP port on each
// of the container's own network addresses (reachable from the Docker host
// and its networks).
func readDockerInspect(ctx context.Context, r *bufio.Reader, s *sink) error {
	var d dockerState
	err := eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var c dockerInspect
		if err := decode(&c); err != nil {
			return err
		}
		res := strings.TrimPrefix(c.Name, "/")
		ns := c.NetworkSettings
		cports := map[int]bool{}
		for _, key := range sortedKeysOf(ns.Ports, c.Config.ExposedPorts) {
			cp, proto, _ := strings.Cut(key, "/")
			if proto != "" && proto != "tcp" {
				s.stats.Skipped++
				continue
			}
			n, err := strconv.Atoi(cp)
			if err != nil {
				s.problemAt(line, joinPath(path, "NetworkSettings.Ports"), "not a container port: "+scanner.Clip(key))
				continue
			}
			cports[n] = true
			svc := containerService(n, c.Config.Image)
			for i, b := range ns.Ports[key] {
				hp := dockerPorts(b.HostPort)
				for _, p := range hp {
					s.add(endpoint{host: d.host(b.HostIP), port: p, service: svc, line: line,
						path: joinPath(path, fmt.Sprintf("NetworkSettings.Ports[%q][%d]", key, i)), resource: res})
				}
			}
		}
		addrs := map[string]string{}
		networks := make([]string, 0, len(ns.Networks))
		for name := range ns.Networks {
			networks = append(networks, name)
		}
		sort.Strings(networks)
		for _, name := range networks {
			n := ns.Networks[name]
			addrs[n.IPAddress] = "NetworkSettings.Networks." + name + ".IPAddress"
			addrs[n.GlobalIPv6Address] = "NetworkSettings.Networks." + name + ".GlobalIPv6Address"
		}
		addrs[ns.IPAddress] = "NetworkSettings.IPAddress"
		addrs[ns.GlobalIPv6Address] = "NetworkSettings.GlobalIPv6Address"
		delete(addrs, "")
		ports := make([]int, 0, len(cports))
		for p := range cports {
			ports = append(ports, p)
		}
		sort.Ints(ports)
		if len(addrs) == 0 {
			d.unpublished += len(ports)
		}
		for _, a := range sortedKeysOf(addrs, map[string]bool(nil)) {
			for _, p := range ports {
				s.add(endpoint{host: a, port: p, service: containerService(p, c.Config.Image), exposure: Private,
					line: line, path: joinPath(path, addrs[a]), resource: res})
			}
		}
		return nil
	})
	d.finish(s)
	return err
}

// sortedKeysOf returns the keys of one or two string-keyed maps, sorted.
func sortedKeysOf[V, W any](a map[string]V, b map[string]W) []string {
	seen := map[string]bool{}
	var out []string
	for k := range a {
		seen[k] = true
		out = append(out, k)
	}
	for k := range b {
		if !seen[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// readCompose reads `docker compose config` (YAML, or JSON with --format
// json), or a compose file itself: each service's published TCP ports, in
// the long syntax config prints (target, published, host_ip, protocol) or
// the short one ("127.0.0.1:6379:6379", "9200-9201:9200-9201"). A port
// without a published one is not reachable from outside and is left out.
func readCompose(_ context.Context, r *bufio.Reader, s *sink) error {
	var doc any
	first, err := firstByte(r)
	if err != nil {
		return err
	}
	if first == '{' {
		dec := boundedDecoder(r, s.opts.maxLine())
		if err := dec.Decode(&doc); err != nil {
			return atOffset(dec.InputOffset(), "", err)
		}
	} else if doc, err = readYAML(r, s); err != nil {
		return err
	}
	top, _ := doc.(map[string]any)
	services, ok := top["services"].(map[string]any)
	if !ok {
		return fmt.Errorf("no services mapping: not a compose model")
	}
	var d dockerState
	for _, name := range sortedKeys(services) {
		svc, _ := services[name].(map[string]any)
		if err := s.record(); err != nil {
			return err
		}
		image, _ := svc["image"].(string)
		ports, _ := svc["ports"].([]any)
		for i, p := range ports {
			at := fmt.Sprintf("services.%s.ports[%d]", name, i)
			for _, ep := range composePort(p, &d, s, at) {
				svc := containerService(ep.target, image)
				s.add(endpoint{host: ep.host, port: ep.port, service: svc, path: at, resource: name})
			}
		}
	}
	d.finish(s)
	return nil
}

type composeEndpoint struct {
	host         string
	port, target int // published and container port
}

// composePort reads one entry of a service's ports.
func composePort(p any, d *dockerState, s *sink, at string) []composeEndpoint {
	switch v := p.(type) {
	case map[string]any:
		if proto, _ := v["protocol"].(string); proto != "" && proto != "tcp" {
			s.stats.Skipped++
			return nil
		}
		pub := fmt.Sprint(v["published"])
		if v["published"] == nil || pub == "" {
			d.unpublished++
			return nil
		}
		host, _ := v["host_ip"].(string)
		target := anyIntOf(v["target"])
		var out []composeEndpoint
		for _, hp := range dockerPorts(pub) {
			out = append(out, composeEndpoint{host: d.host(host), port: hp, target: target})
		}
		return out
	case string, float64, json.Number:
		return composeShortPort(fmt.Sprint(v), d, s)
	}
	s.problemAt(0, at, "not a port entry")
	return nil
}

// composeShortPort reads "[HOST:]PUBLISHED:TARGET[/PROTO]" or "TARGET".
func composeShortPort(v string, d *dockerState, s *sink) []composeEndpoint {
	spec, proto, _ := strings.Cut(v, "/")
	if proto != "" && proto != "tcp" {
		s.stats.Skipped++
		return nil
	}
	i := strings.LastIndexByte(spec, ':')
	if i < 0 {
		d.unpublished++
		return nil
	}
	targets := dockerPorts(spec[i+1:])
	rest := spec[:i]
	host, pub := "", rest
	if j := strings.LastIndexByte(rest, ':'); j >= 0 {
		host, pub = rest[:j], rest[j+1:]
	}
	if h, _, err := net.SplitHostPort(rest); err == nil && strings.HasPrefix(rest, "[") {
		host, pub = h, rest[strings.LastIndexByte(rest, ':')+1:]
	}
	var out []composeEndpoint
	for k, hp := range dockerPorts(pub) {
		t := 0
		if k < len(targets) {
			t = targets[k]
		}
		out = append(out, composeEndpoint{host: d.host(host), port: hp, target: t})
	}
	return out
}

func anyIntOf(v any) int {
	if n := anyInt(v); n > 0 {
		return n
	}
	if s, ok := v.(string); ok {
		return anyInt(strings.TrimSpace(s))
	}
	return 0
}
