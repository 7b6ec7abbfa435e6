package redis

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// command is one entry of the allowlist: a command name and the only shapes
// of arguments the probe may send with it. None of these commands returns a
// value stored under a key.
type command struct {
	name string
	args func(a []string) bool
	why  string
}

// allowlist is every command the probe may send, checked by client.queue
// before any byte is written. Adding a command here is the only way to send
// it; the package doc repeats this list.
var allowlist = []command{
	{"INFO", func(a []string) bool {
		return oneOf("server", "keyspace", "replication")(a) ||
			len(a) == 3 && strings.EqualFold(a[0], "server") && strings.EqualFold(a[1], "replication") && strings.EqualFold(a[2], "keyspace")
	}, "version, mode, role, uptime and key counts per db: the three sections in one INFO (7.0+) or one each"},
	{"SELECT", func(a []string) bool { return len(a) == 1 && isUint(a[0]) }, "switch to the next db to sample"},
	{"SCAN", func(a []string) bool {
		return len(a) == 3 && isUint(a[0]) && strings.EqualFold(a[1], "COUNT") && isPositive(a[2])
	}, "key names, COUNT at most max-keys"},
	{"TYPE", nArgs(1), "the type of a sampled key"},
	{"HSCAN", func(a []string) bool {
		return len(a) == 5 && a[1] == "0" && strings.EqualFold(a[2], "COUNT") && isPositive(a[3]) &&
			strings.EqualFold(a[4], "NOVALUES")
	}, "hash field names without values (Redis >= 7.4)"},
	{"HRANDFIELD", func(a []string) bool { return len(a) == 2 && isPositive(a[1]) }, "distinct hash field names, never WITHVALUES (Redis >= 6.2)"},
	{"HLEN", nArgs(1), "hash size, before HKEYS on old servers"},
	{"HKEYS", nArgs(1), "hash field names, only when HLEN is small (Redis < 6.2)"},
	{"JSON.OBJKEYS", nArgs(1), "top-level keys of a RedisJSON document"},
}

// errNotAllowed is returned, before anything is written, for a command that
// is not on the allowlist.
var errNotAllowed = errors.New("command not on the Redis probe's allowlist")

// checkAllowed reports whether args (name first) match an allowlist entry.
// The error names the command but never its arguments, which may be keys.
func checkAllowed(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: empty command", errNotAllowed)
	}
	for _, c := range allowlist {
		if strings.EqualFold(args[0], c.name) {
			if c.args(args[1:]) {
				return nil
			}
			return fmt.Errorf("%w: %s with these %d arguments", errNotAllowed, c.name, len(args)-1)
		}
	}
	return fmt.Errorf("%w: %.32q", errNotAllowed, args[0])
}

func nArgs(n int) func([]string) bool {
	return func(a []string) bool { return len(a) == n }
}

func oneOf(vals ...string) func([]string) bool {
	return func(a []string) bool {
		if len(a) != 1 {
			return false
		}
		for _, v := range vals {
			if strings.EqualFold(a[0], v) {
				return true
			}
		}
		return false
	}
}

func isUint(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func isPositive(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0 && s[0] != '+'
}
