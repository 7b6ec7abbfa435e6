package report

import (
	"html"
	"strings"
)

// Names in reports come from the scanned servers and may be hostile. These
// helpers make any string inert in GitHub-flavoured Markdown.

// oneLine folds line breaks and other control characters into spaces, so
// that a name cannot end a table row or start a block.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

// mdCode writes s as an inline code span whose fence is longer than any
// run of backticks in s. In a table cell, pipes are escaped as GitHub's
// table syntax requires (the escape is removed before the span renders).
func mdCode(s string, inTable bool) string {
	s = oneLine(s)
	if s == "" {
		return "—"
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdText escapes the characters that start Markdown or HTML markup, so s
// renders as the text it is.
func mdText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]<>()#+!|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdHTML escapes s for raw HTML blocks such as <summary>, where Markdown
// is not parsed.
func mdHTML(s string) string { return html.EscapeString(oneLine(s)) }
