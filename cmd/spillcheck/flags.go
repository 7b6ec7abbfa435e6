package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagSet is a flag set whose --help groups the flags under headings.
type flagSet struct {
	*flag.FlagSet
	groups []flagGroup
}

type flagGroup struct {
	title string
	names []string
}

// newFlagSet returns a flag set whose errors are returned, not printed and
// exited on, with usage text made of a synopsis, the flag groups and
// examples.
func newFlagSet(c *cli, name, synopsis, examples string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError)}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := c.stdout
		fmt.Fprintf(w, "Usage: %s\n", synopsis)
		for _, g := range fs.groups {
			fmt.Fprintf(w, "\n%s:\n", g.title)
			for _, n := range g.names {
				printFlag(w, fs.Lookup(n))
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

func printFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	dash := "--"
	if len(f.Name) == 1 || f.Name == "silent" || f.Name == "no-color" {
		dash = "-"
	}
	head := "  " + dash + f.Name
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
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err // flag already printed the usage
			}
			return nil, usagef("%s: %v", fs.Name(), err)
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

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}
