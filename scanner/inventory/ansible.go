package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// ansiblePortVars are host or group variables that common Ansible roles use
// for a store's port; a host that sets one is probed there, as that service.
// ansible_port, and a port after the host name, are the SSH port and are not
// used: such hosts get every service's default ports.
var ansiblePortVars = []struct{ name, service string }{
	{"redis_port", scanner.Redis}, {"valkey_port", scanner.Redis},
	{"mongodb_port", scanner.MongoDB}, {"mongod_port", scanner.MongoDB}, {"mongodb_net_port", scanner.MongoDB},
	{"elasticsearch_port", scanner.Elasticsearch}, {"es_http_port", scanner.Elasticsearch}, {"es_api_port", scanner.Elasticsearch},
	{"opensearch_port", scanner.Elasticsearch}, {"opensearch_http_port", scanner.Elasticsearch},
}

// maxAnsibleRange bounds the hosts one range pattern (www[01:50].example.com)
// expands to.
const maxAnsibleRange = 1 << 16

// readAnsible reads an Ansible inventory in any of its three forms: INI,
// YAML, or the JSON of `ansible-inventory --list`. Each host is probed at
// ansible_host (or its name), with ranges (db-[a:f], www[01:50:2]) expanded.
func readAnsible(ctx context.Context, r *bufio.Reader, s *sink) error {
	first, err := firstByte(r)
	if err != nil {
		return err
	}
	head, _ := r.Peek(DetectBytes)
	switch {
	case first == '{':
		return readAnsibleJSON(ctx, r, s)
	case ansibleYAMLHead(head):
		doc, err := readYAML(r, s)
		if err != nil {
			return err
		}
		top, ok := doc.(map[string]any)
		if !ok {
			return fmt.Errorf("an Ansible YAML inventory is a mapping of groups, got %T", doc)
		}
		for _, g := range sortedKeys(top) {
			ansibleYAMLGroup(s, g, top[g], nil, g)
		}
		return nil
	}
	return readAnsibleINI(r, s)
}

var (
	yamlKeyLine   = regexp.MustCompile(`^[A-Za-z0-9_.-]+:\s*(#.*)?$`)
	iniGroupLine  = regexp.MustCompile(`^\[([^\]\s]+)\]\s*([#;].*)?$`)
	ansibleVarKey = regexp.MustCompile(`(^|\s)ansible_(host|port|user|connection|ssh_host|python_interpreter)=`)
)

// ansibleYAMLHead reports whether an inventory's first meaningful line is a
// YAML document start or a group key ("all:", "webservers:").
func ansibleYAMLHead(head []byte) bool {
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimRight(line, "\r")
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		return t == "---" || yamlKeyLine.MatchString(line)
	}
	return false
}

// ansibleHost adds the endpoints of one inventory host: its address, and a
// store port if a variable names one.
func ansibleHost(s *sink, name string, vars map[string]any, line int, path string) {
	addr, _ := vars["ansible_host"].(string)
	if addr == "" {
		addr, _ = vars["ansible_ssh_host"].(string)
	}
	names, err := expandAnsibleRange(name)
	if err != nil {
		s.problemAt(line, path, err.Error())
		return
	}
	for _, n := range names {
		host := addr
		if host == "" {
			host = stripSSHPort(n)
		}
		res := n
		if res == host {
			res = ""
		}
		found := false
		for _, pv := range ansiblePortVars {
			if p := anyInt(vars[pv.name]); p > 0 {
				s.add(endpoint{host: host, port: p, service: pv.service, line: line, path: joinPath(path, pv.name), resource: res, anyHost: true})
				found = true
			}
		}
		if !found {
			s.add(endpoint{host: host, line: line, path: path, resource: res, anyHost: true})
		}
	}
}

// stripSSHPort drops the SSH port of "host:5309" (not of an IPv6 address).
func stripSSHPort(h string) string {
	if i := strings.LastIndexByte(h, ':'); i > 0 && strings.Count(h, ":") == 1 {
		if _, err := strconv.Atoi(h[i+1:]); err == nil {
			return h[:i]
		}
	}
	return h
}

var ansibleRange = regexp.MustCompile(`\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::([0-9]+))?\]`)

// expandAnsibleRange expands the first range of a host pattern (numeric
// with leading zeros kept, or alphabetic, with an optional stride), then the
// rest, as Ansible does; a name without a range is itself.
func expandAnsibleRange(name string) ([]string, error) {
	m := ansibleRange.FindStringSubmatchIndex(name)
	if m == nil {
		return []string{name}, nil
	}
	lo, hi := name[m[2]:m[3]], name[m[4]:m[5]]
	stride := 1
	if m[6] >= 0 {
		stride, _ = strconv.Atoi(name[m[6]:m[7]])
	}
	if stride < 1 {
		return nil, fmt.Errorf("host range %s has a bad stride", scanner.Clip(name))
	}
	var items []string
	if a, err1 := strconv.Atoi(lo); err1 == nil {
		b, err2 := strconv.Atoi(hi)
		if err2 != nil || b < a || (b-a)/stride >= maxAnsibleRange {
			return nil, fmt.Errorf("host range %s is not a range of up to %d hosts", scanner.Clip(name), maxAnsibleRange)
		}
		for i := a; i <= b; i += stride {
			items = append(items, fmt.Sprintf("%0*d", len(lo), i))
		}
	} else if len(lo) == 1 && len(hi) == 1 && lo[0] <= hi[0] {
		for c := lo[0]; c <= hi[0]; c += byte(stride) {
			items = append(items, string(c))
			if int(c)+stride > 255 {
				break
			}
		}
	} else {
		return nil, fmt.Errorf("host range %s is not a numeric or single-letter range", scanner.Clip(name))
	}
	var out []string
	for _, it := range items {
		rest, err := expandAnsibleRange(name[m[1]:])
		if err != nil {
			return nil, err
		}
		for _, r := range rest {
			out = append(out, name[:m[0]]+it+r)
			if len(out) > maxAnsibleRange {
				return nil, fmt.Errorf("host range %s expands to more than %d hosts", scanner.Clip(name), maxAnsibleRange)
			}
		}
	}
	return out, nil
}

// ansibleYAMLGroup reads one group of a YAML inventory: its hosts, with
// the group's vars (and its parents') under each host's own, then its
// children.
func ansibleYAMLGroup(s *sink, name string, v any, inherited map[string]any, path string) {
	g, _ := v.(map[string]any)
	if g == nil {
		return
	}
	if s.record() != nil {
		return
	}
	vars := mergeVars(inherited, g["vars"])
	if hosts, ok := g["hosts"].(map[string]any); ok {
		for _, h := range sortedKeys(hosts) {
			ansibleHost(s, h, mergeVars(vars, hosts[h]), 0, path+".hosts."+h)
		}
	}
	if children, ok := g["children"].(map[string]any); ok {
		for _, c := range sortedKeys(children) {
			ansibleYAMLGroup(s, c, children[c], vars, path+".children."+c)
		}
	}
}

func mergeVars(base map[string]any, more any) map[string]any {
	m, _ := more.(map[string]any)
	if len(m) == 0 {
		return base
	}
	out := make(map[string]any, len(base)+len(m))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// iniHost is a host line of an INI inventory, kept until the group vars
// (which may come later in the file) are known.
type iniHost struct {
	name, group string
	vars        map[string]any
	line        int
}

// readAnsibleINI reads an INI inventory: [group] sections of host lines
// ("name key=value ..."), [group:vars] sections of variables (applied under
// each host's own, with [all:vars] under those) and [group:children]
// sections, which list groups, not hosts.
func readAnsibleINI(r *bufio.Reader, s *sink) error {
	var hosts []iniHost
	groupVars := map[string]map[string]any{}
	group, kind := "ungrouped", ""
	err := eachLine(r, s, func(n int, raw []byte) error {
		line := strings.TrimSpace(string(bytes.TrimPrefix(raw, []byte(bom))))
		if line == "" || line[0] == '#' || line[0] == ';' {
			return nil
		}
		if m := iniGroupLine.FindStringSubmatch(line); m != nil {
			group, kind, _ = strings.Cut(m[1], ":")
			if group == "" || (kind != "" && kind != "vars" && kind != "children") {
				s.problemAt(n, "", "not an inventory section: "+scanner.Clip(line))
			}
			return nil
		}
		if err := s.record(); err != nil {
			return err
		}
		switch kind {
		case "children":
			return nil
		case "vars":
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				s.problemAt(n, "", "not a variable (want key=value): "+scanner.Clip(line))
				return nil
			}
			if groupVars[group] == nil {
				groupVars[group] = map[string]any{}
			}
			groupVars[group][strings.TrimSpace(k)] = unquote(strings.TrimSpace(v))
			return nil
		}
		f := strings.Fields(line)
		h := iniHost{name: f[0], group: group, vars: map[string]any{}, line: n}
		for _, kv := range f[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				h.vars[k] = unquote(v)
			}
		}
		hosts = append(hosts, h)
		return nil
	})
	if err != nil {
		return err
	}
	for _, h := range hosts {
		vars := mergeVars(mergeVars(groupVars["all"], groupVars[h.group]), h.vars)
		ansibleHost(s, h.name, vars, h.line, h.group)
	}
	return nil
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// readAnsibleJSON reads `ansible-inventory --list`: every host of
// _meta.hostvars (whose vars Ansible has already merged with its groups'),
// and the hosts of each group.
func readAnsibleJSON(_ context.Context, r *bufio.Reader, s *sink) error {
	dec := boundedDecoder(r, s.opts.maxLine())
	var inv map[string]json.RawMessage
	if err := dec.Decode(&inv); err != nil {
		return atOffset(dec.InputOffset(), "", err)
	}
	var meta struct {
		HostVars map[string]map[string]any `json:"hostvars"`
	}
	if raw, ok := inv["_meta"]; ok {
		if err := json.Unmarshal(raw, &meta); err != nil {
			return atOffset(0, "_meta", err)
		}
	}
	seen := map[string]bool{}
	groups := make([]string, 0, len(inv))
	for g := range inv {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		var grp struct {
			Hosts []string `json:"hosts"`
		}
		if g == "_meta" || json.Unmarshal(inv[g], &grp) != nil {
			continue
		}
		for _, h := range grp.Hosts {
			if err := s.record(); err != nil {
				return err
			}
			seen[h] = true
			ansibleHost(s, h, meta.HostVars[h], 0, g+".hosts")
		}
	}
	for _, h := range sortedKeys(anyMap(meta.HostVars)) {
		if !seen[h] {
			ansibleHost(s, h, meta.HostVars[h], 0, "_meta.hostvars."+h)
		}
	}
	return nil
}

func anyMap(m map[string]map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ansibleINIHead reports whether text looks like an INI inventory: a
// [group] header that is not an address, or a host line with an ansible_*
// variable.
func ansibleINIHead(head []byte) bool {
	for _, line := range strings.Split(string(head), "\n") {
		t := strings.TrimSpace(line)
		if m := iniGroupLine.FindStringSubmatch(t); m != nil {
			name, _, _ := strings.Cut(m[1], ":")
			if !strings.ContainsAny(name, ".") && !isAddrLike(name) {
				return true
			}
		}
		if ansibleVarKey.MatchString(t) {
			return true
		}
	}
	return false
}

func isAddrLike(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.') {
			return false
		}
	}
	return true
}
