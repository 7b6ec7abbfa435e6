package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spillcheck/spillcheck/fingerprints"
)

const rulesExamples = `  spillcheck rules                          # the built-in rules
  spillcheck rules --rules my-rules.json    # after your overrides, checked
  spillcheck rules --terms                  # with every term
  spillcheck rules --json > rules.json      # a starting point for --rules
`

// runRules lists the PII rules: id, category, weight, scope, and
// optionally every term. Loading them runs every rule's own examples, so
// `spillcheck rules --rules FILE` also checks a rule file.
func runRules(_ context.Context, c *cli, args []string) error {
	var (
		rules    string
		terms    bool
		asJSON   bool
		category string
	)
	fs := newFlagSet(c, "rules", "spillcheck rules [flags]\n\n"+
		"Lists the PII rules score and scan use: category, weight and what each rule\n"+
		"matches. With --rules FILE it loads and checks your overrides first.", rulesExamples)
	fs.group("Rules", func(fs *flag.FlagSet) {
		fs.StringVar(&rules, "rules", "", "extend or override the built-in PII rules with `FILE`")
		fs.StringVar(&category, "category", "", "list only the rules of `CATEGORY`")
		fs.BoolVar(&terms, "terms", false, "list every term of each rule")
		fs.BoolVar(&asJSON, "json", false, "write the rules as a rule file (JSON)")
	})
	if rest, err := parseArgs(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("rules takes no arguments, got %q", rest[0])
	}
	engine, err := newScorer(rules)
	if err != nil {
		return err
	}
	var list []fingerprints.Rule
	for _, r := range engine.Rules() {
		if category == "" || r.Category == category {
			list = append(list, r)
		}
	}
	if len(list) == 0 {
		return usagef("no rules of category %q", category)
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(fingerprints.RuleFile{Version: 1, Rules: list})
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CATEGORY\tRULE\tWEIGHT\tSCOPE\tPOSITION\tTERMS")
	for _, r := range list {
		t := fmt.Sprintf("%d terms: %s", len(r.Terms), clipTerms(r.Terms, 4))
		if terms {
			t = strings.Join(r.Terms, ", ")
		}
		scope := r.Scope
		if len(r.Within) > 0 {
			scope += " in " + clipIDs(r.Within, terms)
		}
		if len(r.Outside) > 0 {
			scope += " not in " + clipIDs(r.Outside, terms)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\t%s\n", r.Category, r.ID, r.Weight, scope, r.Position, t)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "\n%d rules. Messaging PII categories (the model's category features; any one alone makes an open store high):\n", len(list))
	for _, cat := range fingerprints.DefinitionCategories() {
		fmt.Fprintf(c.stdout, "  %-19s %s\n", cat.Name, cat.Description)
	}
	fmt.Fprintln(c.stdout, "Evidence categories (what rules yield):")
	for _, cat := range fingerprints.Categories() {
		if cat.Definition {
			continue
		}
		pii := ""
		if cat.PII {
			pii = " (personal data)"
		}
		fmt.Fprintf(c.stdout, "  %-19s %s%s\n", cat.Name, cat.Description, pii)
	}
	return err
}

// maxScopeIDs is how many container rules of a within or outside list the
// table shows; --terms shows them all. A long list would widen the SCOPE
// column of every row.
const maxScopeIDs = 2

// clipIDs joins a within or outside list, cut to maxScopeIDs unless all.
func clipIDs(ids []string, all bool) string {
	if all || len(ids) <= maxScopeIDs {
		return strings.Join(ids, ",")
	}
	return fmt.Sprintf("%s +%d more", strings.Join(ids[:maxScopeIDs], ","), len(ids)-maxScopeIDs)
}

func clipTerms(terms []string, n int) string {
	if len(terms) <= n {
		return strings.Join(terms, ", ")
	}
	return strings.Join(terms[:n], ", ") + ", ..."
}
