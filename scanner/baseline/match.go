package baseline

import (
	"net"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// subjects are the strings a target pattern is matched against: the
// target's host:port, as written and as resolved, with and without the
// service scheme, lower-cased.
type subjects struct{ plain, scheme []string }

func targetSubjects(t scanner.Target) subjects {
	port := strconv.Itoa(t.Port)
	hosts := []string{t.Host}
	if t.IP.IsValid() {
		hosts = append(hosts, t.IP.Unmap().String())
	}
	var s subjects
	for _, h := range hosts {
		hp := strings.ToLower(net.JoinHostPort(h, port))
		s.plain = append(s.plain, hp)
		s.scheme = append(s.scheme, t.Service+"://"+hp)
	}
	return s
}

// matchesTarget reports whether the entry's target pattern matches one of
// the subjects: the scheme forms when the pattern has "://", else the
// host:port forms.
func (e *Entry) matchesTarget(s subjects) bool {
	list := s.plain
	if strings.Contains(e.pattern, "://") {
		list = s.scheme
	}
	for _, subject := range list {
		if match(e.pattern, subject) {
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
