package inventory

import (
	"bufio"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// readConsul reads Consul catalog JSON: /v1/catalog/service/NAME (or `consul
// catalog` JSON of it), /v1/health/service/NAME and /v1/catalog/nodes. A
// service instance is probed at its ServiceAddress (its node's Address when
// empty, as Consul documents) and at each of its tagged addresses, on their
// ports; a node without a service on every store's default ports.
func readConsul(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var e struct {
			Node                   json.RawMessage
			Address                string
			ServiceName            string
			ServiceID              string
			ServiceAddress         string
			ServicePort            int
			ServiceTags            []string
			ServiceTaggedAddresses map[string]struct {
				Address string `json:"address"`
				Port    int    `json:"port"`
			}
			Service *struct {
				ID, Service, Address string
				Port                 int
				Tags                 []string
				TaggedAddresses      map[string]struct {
					Address string `json:"address"`
					Port    int    `json:"port"`
				}
			}
		}
		if err := decode(&e); err != nil {
			return err
		}
		var node string
		var nodeObj struct{ Node, Address string }
		if json.Unmarshal(e.Node, &node) != nil && json.Unmarshal(e.Node, &nodeObj) == nil {
			node, e.Address = nodeObj.Node, firstNonEmpty(e.Address, nodeObj.Address)
		}
		if e.Service != nil { // health/service
			e.ServiceName, e.ServiceID, e.ServiceAddress, e.ServicePort, e.ServiceTags = e.Service.Service, e.Service.ID, e.Service.Address, e.Service.Port, e.Service.Tags
			e.ServiceTaggedAddresses = e.Service.TaggedAddresses
		}
		if e.ServiceName == "" && e.ServicePort == 0 { // catalog/nodes
			s.add(endpoint{host: e.Address, line: line, path: joinPath(path, "Address"), resource: node, anyHost: true})
			return nil
		}
		svc := serviceFromName(append([]string{e.ServiceName}, e.ServiceTags...)...)
		if svc == "" {
			svc = wellKnown(e.ServicePort)
		}
		tls := hasTag(e.ServiceTags, "tls", "ssl", "https")
		res := strings.TrimPrefix(node+"/"+firstNonEmpty(e.ServiceID, e.ServiceName), "/")
		field := "ServiceAddress"
		if e.ServiceAddress == "" {
			field = "Address"
		}
		s.add(endpoint{host: firstNonEmpty(e.ServiceAddress, e.Address), port: e.ServicePort, service: svc, tls: tls,
			line: line, path: joinPath(path, field), resource: res, anyHost: true})
		tags := make([]string, 0, len(e.ServiceTaggedAddresses))
		for k := range e.ServiceTaggedAddresses {
			tags = append(tags, k)
		}
		sort.Strings(tags)
		for _, k := range tags {
			ta := e.ServiceTaggedAddresses[k]
			exp := ""
			if strings.HasPrefix(k, "wan") {
				exp = Public
			}
			s.add(endpoint{host: ta.Address, port: ta.Port, service: svc, tls: tls, exposure: exp,
				line: line, path: joinPath(path, "ServiceTaggedAddresses."+k), resource: res, anyHost: true})
		}
		return nil
	})
}

func hasTag(tags []string, want ...string) bool {
	for _, t := range tags {
		for _, w := range want {
			if strings.EqualFold(t, w) {
				return true
			}
		}
	}
	return false
}

// shodanBanner is one service banner of a Shodan export: `shodan download`
// (JSON lines, gunzipped), `shodan parse`, a search result's matches or a
// host's data.
type shodanBanner struct {
	IPStr     string   `json:"ip_str"`
	IPv6      string   `json:"ipv6"`
	Port      int      `json:"port"`
	Transport string   `json:"transport"`
	Hostnames []string `json:"hostnames"`
	Product   string   `json:"product"`
	SSL       any      `json:"ssl"`
	Shodan    struct {
		Module string `json:"module"`
	} `json:"_shodan"`
}

// readShodan reads Shodan JSON of one's own assets: banners one per line
// (shodan download, shodan parse), a search response ({"matches": [...]})
// or a host ({"ip_str", "data": [...]}). Each TCP banner is a target on its
// address and port, as the store its module or product names (TLS when
// Shodan saw it); host names go into the origin.
func readShodan(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var rec struct {
			shodanBanner
			Matches []shodanBanner `json:"matches"`
			// Data is a host's banners, or a banner's own text
			Data  json.RawMessage `json:"data"`
			Ports []int           `json:"ports"`
		}
		if err := decode(&rec); err != nil {
			return err
		}
		var data []shodanBanner
		if len(rec.Data) > 0 && rec.Data[0] == '[' {
			if err := json.Unmarshal(rec.Data, &data); err != nil {
				return err
			}
		}
		switch {
		case rec.Matches != nil:
			for i, b := range rec.Matches {
				shodanAdd(s, b, line, joinPath(path, "matches")+"["+itoa(i)+"]")
			}
		case data != nil:
			for i, b := range data {
				b.IPStr, b.IPv6 = firstNonEmpty(b.IPStr, rec.IPStr), firstNonEmpty(b.IPv6, rec.IPv6)
				shodanAdd(s, b, line, joinPath(path, "data")+"["+itoa(i)+"]")
			}
		case rec.Port == 0 && len(rec.Ports) > 0: // a host summary without banners
			for _, p := range rec.Ports {
				shodanAdd(s, shodanBanner{IPStr: rec.IPStr, IPv6: rec.IPv6, Port: p, Hostnames: rec.Hostnames}, line, joinPath(path, "ports"))
			}
		default:
			shodanAdd(s, rec.shodanBanner, line, path)
		}
		return nil
	})
}

func shodanAdd(s *sink, b shodanBanner, line int, path string) {
	if b.Transport != "" && !strings.EqualFold(b.Transport, "tcp") {
		s.stats.Skipped++
		return
	}
	host, field := b.IPStr, "ip_str"
	if host == "" {
		host, field = b.IPv6, "ipv6"
	}
	svc := firstNonEmpty(serviceFromName(b.Shodan.Module, b.Product), wellKnown(b.Port))
	tls := b.SSL != nil || strings.HasSuffix(b.Shodan.Module, "-ssl") || strings.HasPrefix(b.Shodan.Module, "https")
	s.add(endpoint{host: host, port: b.Port, service: svc, tls: tls, line: line, path: joinPath(path, field), resource: strings.Join(b.Hostnames, " ")})
}

// censysHost is one host of a Censys export: a Search 2.0 hit or host view
// (ip, services[].port/service_name/transport_protocol), or a Platform host
// (services[].protocol).
type censysHost struct {
	IP       string `json:"ip"`
	Services []struct {
		Port                int    `json:"port"`
		ServiceName         string `json:"service_name"`
		ExtendedServiceName string `json:"extended_service_name"`
		Protocol            string `json:"protocol"`
		TransportProtocol   string `json:"transport_protocol"`
		TLS                 any    `json:"tls"`
	} `json:"services"`
	DNS json.RawMessage `json:"dns"` // {"names": [...]}, read leniently
}

// readCensys reads Censys JSON of one's own assets: `censys search -o`
// (a JSON array of hits), a search response ({"result": {"hits": [...]}}),
// a host view ({"result": {ip, services}}), Platform hosts ({"host": ...},
// {"resource": ...}) or JSON lines of hosts. Each TCP service is a target on
// the host's address; UDP services (DNS) are skipped; the scanner's own
// addresses in the record (source_ip) are never read.
func readCensys(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var rec struct {
			censysHost
			Result *struct {
				censysHost
				Hits []censysHost `json:"hits"`
			} `json:"result"`
			Host     *censysHost `json:"host"`
			Resource *censysHost `json:"resource"`
		}
		if err := decode(&rec); err != nil {
			return err
		}
		switch {
		case rec.Result != nil && rec.Result.Hits != nil:
			for i, h := range rec.Result.Hits {
				censysAdd(s, h, line, joinPath(path, "result.hits")+"["+itoa(i)+"]")
			}
		case rec.Result != nil:
			censysAdd(s, rec.Result.censysHost, line, joinPath(path, "result"))
		case rec.Host != nil:
			censysAdd(s, *rec.Host, line, joinPath(path, "host"))
		case rec.Resource != nil:
			censysAdd(s, *rec.Resource, line, joinPath(path, "resource"))
		default:
			censysAdd(s, rec.censysHost, line, path)
		}
		return nil
	})
}

func censysAdd(s *sink, h censysHost, line int, path string) {
	var dns struct {
		Names []string `json:"names"`
	}
	_ = json.Unmarshal(h.DNS, &dns) // names only label the origin
	res := strings.Join(dns.Names, " ")
	for i, sv := range h.Services {
		if sv.TransportProtocol != "" && !strings.EqualFold(sv.TransportProtocol, "tcp") {
			s.stats.Skipped++
			continue
		}
		svc := firstNonEmpty(serviceFromName(sv.ServiceName, sv.ExtendedServiceName, sv.Protocol), wellKnown(sv.Port))
		tls := sv.TLS != nil || strings.EqualFold(sv.ExtendedServiceName, "HTTPS")
		s.add(endpoint{host: h.IP, port: sv.Port, service: svc, tls: tls, line: line,
			path: joinPath(path, "services") + "[" + itoa(i) + "]", resource: res})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
