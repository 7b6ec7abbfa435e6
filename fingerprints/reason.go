package fingerprints

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/spillcheck/spillcheck/scanner"
)

// containerReason is one line: the verdict, the likelihood with every
// feature's contribution in log-odds, the fields behind each evidence
// category, the store context and the exposure. It is written into b, a
// pooled buffer, and copied once into a string of its exact length: the
// Score keeps no spare capacity.
func (e *Engine) containerReason(b *bytes.Buffer, a *assessment, l, p int, status scanner.Status, docs *int64) string {
	b.Reset()
	switch {
	case l >= LikelyMessaging:
		b.WriteString("likely messaging PII")
	case l >= PossibleMessaging:
		b.WriteString("possible messaging PII")
	case p >= PersonalData:
		b.WriteString("personal data, not messaging")
	default:
		b.WriteString("no personal data recognized in names")
	}
	b.WriteString(" (likelihood ")
	b.WriteString(strconv.Itoa(l))
	if p >= PersonalData && l < PossibleMessaging {
		b.WriteString(", PII ")
		b.WriteString(strconv.Itoa(p))
	}
	b.WriteString("; log-odds ")
	writeSigned(b, a.z)
	b.WriteString(" = ")
	writeSigned(b, e.intercept)
	b.WriteString(" intercept")
	writeContributions(b, a)
	b.WriteString(")")
	writeEvidenceSummary(b, a)
	if len(a.sib) > 0 {
		b.WriteString("; context: sibling containers ")
		for i, s := range a.sib {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s)
		}
	}
	b.WriteString("; ")
	b.WriteString(exposureReason(status))
	if docs != nil {
		fmt.Fprintf(b, ", %d docs", *docs)
	}
	return b.String()
}

// writeContributions appends each non-zero contribution, largest first:
// " +2.91 messages".
func writeContributions(b *bytes.Buffer, a *assessment) {
	var idx [numFeatures]int
	n := 0
	for i, v := range a.contrib {
		if math.Abs(v) >= 0.005 {
			idx[n] = i
			n++
		}
	}
	order := idx[:n]
	slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(math.Abs(a.contrib[y]), math.Abs(a.contrib[x])) })
	for _, i := range order {
		b.WriteByte(' ')
		writeSigned(b, a.contrib[i])
		b.WriteByte(' ')
		b.WriteString(features[i].Name)
	}
}

// writeSigned writes x with a sign and two decimals, as %+.2f does.
func writeSigned(b *bytes.Buffer, x float64) {
	var buf [24]byte
	out := strconv.AppendFloat(buf[:0], x, 'f', 2, 64)
	if out[0] != '-' {
		b.WriteByte('+')
	}
	b.Write(out)
}

// writeEvidenceSummary appends ": " and each category with up to two
// fields, strongest first; nothing when no category has a field.
func writeEvidenceSummary(b *bytes.Buffer, a *assessment) {
	sep := ": "
	for i, c := range categories {
		f := a.top[i]
		if a.cats[i].w == 0 || f[0] == "" {
			continue
		}
		b.WriteString(sep)
		sep = ", "
		b.WriteString(c.Name)
		b.WriteString(" [")
		b.WriteString(f[0])
		if f[1] != "" {
			b.WriteString(", ")
			b.WriteString(f[1])
		}
		b.WriteString("]")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func exposureReason(s scanner.Status) string {
	switch s {
	case scanner.StatusOpen:
		return "readable without credentials"
	case scanner.StatusPartial:
		return "partly readable without credentials"
	case "":
		return "status unknown"
	}
	if r, ok := closedReasons[s]; ok {
		return r
	}
	return notReadable(s)
}

func notReadable(s scanner.Status) string {
	return "not readable without credentials (" + string(s) + ")"
}

// closedReasons holds exposureReason's answer for every status a store can
// end in without exposure, built once: most targets of a scan end closed.
var closedReasons = func() map[scanner.Status]string {
	m := map[scanner.Status]string{}
	for _, s := range []scanner.Status{scanner.StatusAuthRequired, scanner.StatusProtected, scanner.StatusTLSRequired,
		scanner.StatusProtocolError, scanner.StatusTimeout, scanner.StatusClosed, scanner.StatusError} {
		m[s] = notReadable(s)
	}
	return m
}()
