package baseline

import (
	"net"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// matchesTarget reports whether the entry's target pattern matches t by its
// key as written, or by its resolved address.
func (e *Entry) matchesTarget(t scanner.Target) bool {
	pat := strings.ToLower(e.Target)
	port := strconv.Itoa(t.Port)
	hosts := []string{t.Host}
	if t.IP.IsValid() {
		hosts = append(hosts, t.IP.Unmap().String())
	}
	for _, h := range hosts {
		hp := strings.ToLower(net.JoinHostPort(h, port))
		subject := hp
		if strings.Contains(pat, "://") {
			subject = t.Service + "://" + hp
		}
		if match(pat, subject) {
			return true
		}
	}
	return false
}

// match reports whether s matches the glob pattern: * matches any run of
// characters, ? exactly one byte, anything else itself. It runs in
// O(len(pattern)*len(s)) time, so hostile patterns cannot stall a scan.
func match(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
