package elasticsearch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// properties reads a "properties" object: one field per key.
func (m *mappingReader) properties(prefix string, depth int) error {
	return eachMember(m.j, func(name []byte) error {
		return m.field(prefix+string(name), depth)
	})
}

// field reads one field's mapping. It records leaves, nested objects, and
// empty or disabled objects; a plain object with properties is recorded
// only through its leaves, and one at maxDepth with a note instead of them.
func (m *mappingReader) field(path string, depth int) error {
	var (
		typ, aliasOf string
		disabled     bool
		multi        []string
		multiN       int
		hasProps     bool
		props        int
	)
	err := eachMember(m.j, func(k []byte) error {
		switch string(k) {
		case "type":
			return m.text(&typ)
		case "path":
			return m.text(&aliasOf)
		case "enabled":
			v, ok, err := m.j.scalar()
			disabled = ok && string(v) == "false"
			return err
		case "fields":
			return eachMember(m.j, func(n []byte) error {
				if multiN++; len(multi) < maxMultiFields {
					multi = append(multi, string(n))
				}
				return m.j.skip()
			})
		case "properties":
			hasProps = true
			return eachMember(m.j, func(n []byte) error {
				props++
				if depth >= m.maxDepth {
					return m.j.skip()
				}
				return m.field(path+"."+string(n), depth+1)
			})
		}
		return m.j.skip()
	})
	if err != nil {
		return err
	}
	if typ == "" && hasProps {
		typ = "object"
	}
	s := scanner.FieldSample{Path: path, Source: scanner.SourceMapping, Type: typ}
	switch {
	case props > 0 && depth >= m.maxDepth:
		s.Note = "deeper fields not listed"
		m.add(s)
	case props > 0:
		if typ == "nested" {
			m.add(s)
		}
	default:
		s.Note = leafNote(typ, aliasOf, disabled, multi, multiN)
		m.add(s)
	}
	return nil
}

// text reads a string value into dst; anything else is not a mapping.
func (m *mappingReader) text(dst *string) error {
	v, err := m.j.str()
	*dst = string(v)
	return err
}

// leafNote says what a leaf's mapping adds: its multi-fields (recorded
// once, on the parent), a disabled object, or an alias target.
func leafNote(typ, aliasOf string, disabled bool, multi []string, multiN int) string {
	var notes []string
	if len(multi) > 0 {
		slices.Sort(multi)
		n := "fields: " + strings.Join(multi, ", ")
		if multiN > len(multi) {
			n += fmt.Sprintf(", +%d more", multiN-len(multi))
		}
		notes = append(notes, n)
	}
	if disabled {
		notes = append(notes, "enabled: false")
	}
	if typ == "alias" && aliasOf != "" {
		notes = append(notes, "alias of "+aliasOf)
	}
	return strings.Join(notes, "; ")
}
