package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// flagSet is a flag set whose --help groups the flags under headings.
type flagSet struct {
	*flag.FlagSet
	groups     []flagGroup
	aliases    map[string][]string // flag name to its short aliases
	printUsage func()
	// help is set when -h or --help was given; the flag package calls
	// Usage on every parse error too, and only help prints the usage.
	help bool

	c                  *cli
	synopsis, examples string
}

// errFlagsCollected stops a command right after its flags are defined,
// when cli.collect asked for them (completion scripts, the man page).
var errFlagsCollected = errors.New("flags collected")

// shortFlags are the aliases users of nuclei, naabu and httpx type, added
// to every command that has the flag they stand for.
var shortFlags = []struct{ alias, name string }{
	{"c", "concurrency"}, {"rl", "rate"}, {"rate-limit", "rate"}, {"j", "jsonl"},
	{"nc", "no-color"}, {"list", "l"}, {"output", "o"},
}

type flagGroup struct {
	title string
	names []string
}

// newFlagSet returns a flag set whose errors are returned, not printed and
// exited on, with usage text made of a synopsis, the flag groups and
// examples.
func newFlagSet(c *cli, name, synopsis, examples string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), c: c, synopsis: synopsis, examples: examples}
	fs.SetOutput(io.Discard)
	fs.Usage = func() { fs.help = true }
	fs.printUsage = func() {
		w := c.stdout
		fmt.Fprintf(w, "Usage: %s\n", synopsis)
		for _, g := range fs.groups {
			fmt.Fprintf(w, "\n%s:\n", g.title)
			for _, n := range g.names {
				printFlag(w, fs.Lookup(n), fs.aliases[n])
			}
		}
		if examples != "" {
			fmt.Fprintf(w, "\nExamples:\n%s", examples)
		}
		fmt.Fprint(w, "\n"+exitCodesHelp)
	}
	return fs
}

// group registers flags under a heading of --help.
func (fs *flagSet) group(title string, register func(fs *flag.FlagSet)) {
	before := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { before[f.Name] = true })
	register(fs.FlagSet)
	g := flagGroup{title: title}
	fs.VisitAll(func(f *flag.Flag) {
		if !before[f.Name] {
			g.names = append(g.names, f.Name)
		}
	})
	fs.groups = append(fs.groups, g)
}

// addAliases defines each short flag whose long flag this set has.
func (fs *flagSet) addAliases() {
	if fs.aliases != nil {
		return
	}
	fs.aliases = map[string][]string{}
	for _, a := range shortFlags {
		f := fs.Lookup(a.name)
		if f == nil || fs.Lookup(a.alias) != nil {
			continue
		}
		fs.Var(f.Value, a.alias, "alias of "+dashed(a.name))
		fs.aliases[a.name] = append(fs.aliases[a.name], a.alias)
	}
}

// dashed writes a flag name as --help shows it: one dash for one-letter
// names and the nuclei-style -silent, two for the others.
func dashed(name string) string {
	if len(name) <= 2 || name == "silent" || name == "no-color" {
		return "-" + name
	}
	return "--" + name
}

// usageError turns a flag package error into one line naming the problem,
// with a suggestion for a misspelt flag, and a hint to this command's help.
func (fs *flagSet) usageError(err error) error {
	msg := err.Error()
	var value, name, reason string
	if n, _ := fmt.Sscanf(msg, "invalid value %q for flag -%s", &value, &name); n == 2 {
		if _, r, ok := strings.Cut(msg, ": "); ok {
			reason = r
		}
		switch reason {
		case "parse error":
			reason = "not a number"
		case "value out of range":
			reason = "number out of range"
		}
		msg = fmt.Sprintf("%s %s: %s", dashed(strings.TrimSuffix(name, ":")), value, reason)
	} else if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		msg = "unknown flag " + dashed(name)
		if s := fs.closest(name); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", dashed(s))
		}
	} else if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		msg = dashed(name) + " needs a value"
	}
	return &usageError{msg: fs.Name() + ": " + msg, cmd: fs.Name()}
}

// closest is the defined flag name nearest to name by edit distance, if it
// is near enough to be a typo.
func (fs *flagSet) closest(name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return closestWord(name, names)
}

// closestWord is the word nearest to w, if near enough to be a typo.
func closestWord(w string, words []string) string {
	best, bestD := "", 3
	for _, x := range words {
		if d := editDistance(w, x); d < bestD {
			best, bestD = x, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func printFlag(w io.Writer, f *flag.Flag, aliases []string) {
	name, usage := flag.UnquoteUsage(f)
	names := append([]string{f.Name}, aliases...)
	slices.SortStableFunc(names, func(a, b string) int { return len(a) - len(b) })
	head := "  "
	for i, n := range names {
		if i > 0 {
			head += ", "
		}
		head += dashed(n)
	}
	if name != "" {
		head += " " + name
	}
	def := ""
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
		def = fmt.Sprintf(" (default %s)", f.DefValue)
	}
	if len(head) <= 26 {
		fmt.Fprintf(w, "%-26s %s%s\n", head, usage, def)
		return
	}
	fmt.Fprintf(w, "%s\n%-26s %s%s\n", head, "", usage, def)
}

// parseArgs parses flags wherever they stand among the positional
// arguments (flag.Parse stops at the first one), and returns the
// positionals. -h prints the usage and returns flag.ErrHelp.
func parseArgs(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	fs.addAliases()
	if fs.c != nil && fs.c.collect != nil {
		fs.c.collect(fs)
		return nil, errFlagsCollected
	}
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printUsage()
				return nil, err
			}
			return nil, fs.usageError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// durationFlag is a time.Duration flag whose error for a bare number says
// which unit to write: "--timeout 5" is five nanoseconds to
// time.ParseDuration, and certainly not what was meant.
type durationFlag struct {
	d    *time.Duration
	name string
}

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return fmt.Errorf("no unit: write %ss (seconds) or %sms (milliseconds)", s, s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration such as 5s, 500ms or 1m")
	}
	if d < 0 {
		return errors.New("must not be negative")
	}
	*f.d = d
	return nil
}

// durationVar defines a duration flag with a default and unit hints.
func durationVar(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(durationFlag{p, name}, name, usage)
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}
