package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// DetectBytes is how much of a file Detect looks at.
const DetectBytes = 64 << 10

// Detect names the format of an inventory from its first bytes (up to
// DetectBytes; a cut-off document is fine). It returns "list" for plain text
// that is none of the formats here, which the core target parser reads, and
// ok=false for content it cannot place (binary data, JSON of unknown shape).
func Detect(head []byte) (format string, ok bool) {
	head = bytes.TrimPrefix(head, []byte(bom))
	trimmed := Content(head)
	if len(trimmed) == 0 {
		return "list", true
	}
	switch trimmed[0] {
	case '<':
		if bytes.Contains(head, []byte("<nmaprun")) {
			return "nmap-xml", true
		}
		return "", false
	case '{':
		return detectJSON(trimmed)
	case '[':
		if inner := bytes.TrimLeft(trimmed[1:], " \t\r\n"); len(inner) == 0 || bytes.IndexByte([]byte("{[\"]"), inner[0]) >= 0 {
			return detectJSON(trimmed)
		}
		// not a JSON array of objects: an INI section ([webservers]) or a
		// list's [v6]:port
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "", false
	}
	return detectText(head), true
}

// headShape is what Detect learns from the start of a JSON input: whether it
// is an array, and the keys (with string values) of the top object or of the
// array's first element.
type headShape struct {
	array bool
	keys  map[string]string
}

func (h headShape) has(keys ...string) bool {
	for _, k := range keys {
		if _, ok := h.keys[k]; !ok {
			return false
		}
	}
	return true
}

func detectJSON(b []byte) (string, bool) {
	h := scanHead(b)
	switch {
	case h.has("Reservations"):
		return "aws-ec2", true
	case h.has("DomainStatusList"), h.has("DomainStatus"):
		return "aws-opensearch", true
	case h.has("CacheClusters"), h.has("ReplicationGroups"), h.has("ServerlessCaches"):
		return "aws-elasticache", true
	case h.has("DBClusters"), h.has("DBInstances"):
		return "aws-docdb", true
	case h.has("format_version") && (h.has("values") || h.has("terraform_version") || h.has("prior_state") || h.has("planned_values")),
		h.has("lineage") && (h.has("serial") || h.has("resources")), h.has("terraform_version", "serial"):
		return "terraform", true
	case h.has("items") && (h.has("kind") || h.has("apiVersion")),
		!h.array && h.keys["kind"] == "Service" && (h.has("apiVersion") || h.has("spec")):
		return "kubernetes", true
	case h.has("assetType"), h.has("asset_type"):
		return "gcp-asset", true
	case h.has("virtualMachine"):
		return "azure-vm-ip", true
	case h.has("hostName", "sslPort"), strings.EqualFold(h.keys["type"], "Microsoft.Cache/Redis"):
		return "azure-redis", true
	case h.has("privateIps"), h.has("publicIps"), strings.EqualFold(h.keys["type"], "Microsoft.Compute/virtualMachines"):
		return "azure-vm", true
	case h.has("networkInterfaces"), h.keys["kind"] == "compute#instance":
		return "gcp-compute", true
	case h.has("_meta"):
		return "ansible", true
	case h.has("ip_str"), h.has("_shodan"), h.has("matches", "total"):
		return "shodan", true
	case h.has("ip", "services"), h.has("code", "status", "result"), h.has("host") && !h.has("port") && !h.has("ip"):
		return "censys", true
	case h.has("ID", "Image", "Names"), h.has("Publishers", "Service"):
		return "docker-ps", true
	case h.has("Id") && (h.has("NetworkSettings") || h.has("Config")):
		return "docker-inspect", true
	case !h.array && h.has("services") && !h.has("ip"):
		return "docker-compose", true
	case h.has("ServiceName"), h.has("ServicePort"), h.has("Node", "Service", "Checks"), h.has("Node", "Address", "Datacenter"):
		return "consul", true
	case h.has("ip", "ports"):
		return "masscan-json", true
	case h.has("provider") && (h.has("id") || h.has("public")):
		return "cloudlist", true
	case h.has("port") && (h.has("ip") || h.has("host")):
		return "naabu", true
	}
	return "", false
}

// scanHead reads tokens from the start of a JSON input and collects the keys
// of the top object (or of the first element of a top array, or of the first
// line of JSON lines). It stops at the first error, which a cut-off head
// will give.
func scanHead(b []byte) headShape {
	h := headShape{keys: map[string]string{}}
	dec := json.NewDecoder(bytes.NewReader(b))
	depth, want := 0, 1
	var key string
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return h
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if depth == 0 && d == '[' {
					h.array, want = true, 2
				}
				depth++
				expectKey = d == '{' && depth == want
			case '}', ']':
				depth--
				if depth < want {
					return h
				}
				expectKey = depth == want
			}
			continue
		}
		if depth != want {
			continue
		}
		if expectKey {
			key, _ = tok.(string)
			h.keys[key] = ""
			expectKey = false
			continue
		}
		if s, ok := tok.(string); ok {
			h.keys[key] = s
		}
		expectKey = true
	}
}

var (
	masscanLine = regexp.MustCompile(`^(open|closed|banner) (tcp|udp|sctp|icmp) \d+ \S+ \d+`)
	csvHostCell = regexp.MustCompile(`^(ips?|ipaddress(es)?|ipv[46](address(es)?)?|address(es)?|hosts?|hostnames?|fqdn|dnsname|` +
		`(private|public|primary|management|mgmt)(ip|ipaddress|ipv4|ipv6|ip4|ip6)|endpoints?|server|servername|connectionstring|connectionuri|uri|url)$`)
)

// detectText tells masscan list output and CSV with a recognisable header
// from a plain host list.
func detectText(head []byte) string {
	var first string
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#masscan") || masscanLine.MatchString(line) {
			return "masscan-list"
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			first = line
			break
		}
	}
	if first == "" {
		return "list"
	}
	switch {
	case composeHead(head):
		return "docker-compose"
	case kubeYAMLHead(head):
		return "kubernetes"
	case ansibleYAMLHead(head) && (bytes.Contains(head, []byte("hosts:")) || bytes.Contains(head, []byte("children:"))),
		ansibleINIHead(head):
		return "ansible"
	}
	delim := csvDelimiter(first)
	if delim == 0 {
		return "list"
	}
	for _, cell := range strings.Split(first, string(delim)) {
		if csvHostCell.MatchString(headerKey(cell)) {
			return "csv"
		}
	}
	return "list"
}

// csvDelimiter picks the most frequent of comma, semicolon and tab in a
// header line; 0 when there is none.
func csvDelimiter(header string) rune {
	best, n := rune(0), 0
	for _, d := range []rune{',', ';', '\t'} {
		if c := strings.Count(header, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// headerKey lower-cases a CSV header and drops everything but letters and
// digits: "Private IP Address" becomes "privateipaddress".
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.Trim(strings.TrimSpace(s), `"'`)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var composeServices = regexp.MustCompile(`(?m)^services:\s*$`)

// composeHead reports whether YAML text is a compose model: a top-level
// services mapping.
func composeHead(head []byte) bool { return composeServices.Match(head) }

// Content is head from its first byte of content: past a UTF-8 byte order
// mark and leading white space.
func Content(head []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(head, []byte(bom)), " \t\r\n")
}

// UnknownError is the error for content Detect cannot place: it names the
// file and what the content looks like (the keys of a JSON object, an
// array of strings as `aws ... --query` prints it, XML that is not nmap's),
// and says how to go on.
func UnknownError(file string, head []byte) error {
	if file == "-" {
		file = "stdin"
	}
	trimmed := Content(head)
	var what string
	switch {
	case len(trimmed) > 0 && trimmed[0] == '<':
		what = "XML that is not nmap -oX output (no <nmaprun>)"
	case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		what = "JSON of no export shape known here"
		if d := describeJSON(trimmed); d != "" {
			what += " (" + d + ")"
		}
		what += "; a projection such as `aws ... --query` prints belongs in a host list, one address per line (`--output text | tr '\\t' '\\n'`)"
	default:
		what = "content that is no inventory format"
	}
	return fmt.Errorf("%s: %w: %s; name the format with --input-format (%s)", file, ErrUnknownFormat, what, strings.Join(Formats(), ", "))
}

// describeJSON says what the start of a JSON input holds: "keys a, b, c"
// of its top object (or first element), or "an array of strings".
func describeJSON(b []byte) string {
	h := scanHead(b)
	if len(h.keys) > 0 {
		keys := make([]string, 0, len(h.keys))
		for k := range h.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 8 {
			keys = append(keys[:8], "...")
		}
		return "keys " + strings.Join(keys, ", ")
	}
	inner := bytes.TrimLeft(bytes.TrimLeft(b, "[ \t\r\n"), " \t\r\n")
	if b[0] == '[' && len(inner) > 0 && inner[0] == '"' {
		return "an array of strings"
	}
	return ""
}

var (
	kubeAPIVersion = regexp.MustCompile(`(?m)^apiVersion:[ \t]*\S`)
	kubeKind       = regexp.MustCompile(`(?m)^kind:[ \t]*\S`)
)

// kubeYAMLHead reports whether YAML text is a Kubernetes object or list
// (kubectl get -o yaml, a manifest): top-level apiVersion and kind.
func kubeYAMLHead(head []byte) bool { return kubeAPIVersion.Match(head) && kubeKind.Match(head) }
