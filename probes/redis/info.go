package redis

import (
	"sort"
	"strconv"
	"strings"
)

// maxInfoLines bounds the lines kept from one INFO reply.
const maxInfoLines = 1024

// parseInfo reads the "key:value" lines of an INFO reply, skipping section
// headers and blank lines.
func parseInfo(text string) map[string]string {
	return parseInfoInto(make(map[string]string, 32), text)
}

// parseInfoInto adds the lines of text to m, at most maxInfoLines of them.
func parseInfoInto(m map[string]string, text string) map[string]string {
	kept := 0
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if kept >= maxInfoLines {
			break
		}
		kept++
		m[k] = v
	}
	return m
}

// product names the server from INFO server: valkey, keydb and dragonfly
// answer as Redis does but say who they are.
func product(info map[string]string) (name, version string) {
	switch {
	case info["valkey_version"] != "" || strings.EqualFold(info["server_name"], "valkey"):
		return "valkey", firstNonEmpty(info["valkey_version"], info["redis_version"])
	case info["dragonfly_version"] != "":
		return "dragonfly", info["dragonfly_version"]
	case strings.Contains(strings.ToLower(info["executable"]), "keydb"):
		return "keydb", info["redis_version"]
	}
	return "redis", info["redis_version"]
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// dbKeys is one line of INFO keyspace: "db3:keys=12,expires=0,avg_ttl=0".
type dbKeys struct {
	index int
	keys  int64
}

// keyspace lists the dbs INFO keyspace reports, in index order.
func keyspace(info map[string]string) []dbKeys {
	var dbs []dbKeys
	for k, v := range info {
		idx, ok := strings.CutPrefix(k, "db")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || strconv.Itoa(n) != idx {
			continue
		}
		for field := range strings.SplitSeq(v, ",") {
			if s, ok := strings.CutPrefix(field, "keys="); ok {
				if c, err := strconv.ParseInt(s, 10, 64); err == nil && c >= 0 {
					dbs = append(dbs, dbKeys{index: n, keys: c})
				}
			}
		}
	}
	sort.Slice(dbs, func(i, j int) bool { return dbs[i].index < dbs[j].index })
	return dbs
}

// version is a server version's major, minor and patch numbers.
type version [3]int

func parseVersion(s string) version {
	var v version
	for i, p := range strings.SplitN(s, ".", 3) {
		n, _ := strconv.Atoi(strings.TrimFunc(p, func(r rune) bool { return r < '0' || r > '9' }))
		v[i] = n
	}
	return v
}

func (v version) atLeast(major, minor int) bool {
	return v[0] > major || (v[0] == major && v[1] >= minor)
}
