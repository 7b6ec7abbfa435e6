package report

import (
	"fmt"
	"path/filepath"
	"strings"
)

// sarifLocationOf locates a finding for code scanning, which accepts only
// files in the repository: the inventory or schema file the target came
// from, at its line when known, else "spillcheck/<service>/<host>_<port>".
// The target URI, the container and the cloud resource are logical
// locations.
func sarifLocationOf(f *Finding) sarifLocation {
	t := f.Result.Target
	var loc sarifLocation
	loc.PhysicalLocation.ArtifactLocation.URI = "spillcheck/" + escapePath(t.Service) + "/" + escapePath(t.Host+"_"+fmt.Sprint(t.Port))
	for _, o := range t.Origins {
		if o.File == "" || o.File == "-" {
			continue
		}
		loc.PhysicalLocation.ArtifactLocation.URI = fileURI(o.File)
		if o.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: o.Line}
		}
		break
	}
	hostPort := strings.TrimPrefix(t.Key(), t.Service+"://")
	loc.LogicalLocations = []sarifLogical{{Name: hostPort, FullyQualifiedName: t.Key(), Kind: "resource"}}
	if c := f.Container; c != nil {
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogical{
			Name: ContainerID(c), FullyQualifiedName: t.Key() + "/" + ContainerID(c), Kind: "object"})
	}
	for _, o := range t.Origins {
		if o.Resource != "" {
			loc.LogicalLocations = append(loc.LogicalLocations, sarifLogical{Name: o.Resource, Kind: "resource"})
		}
	}
	return loc
}

// fileURI is a relative URI reference for a relative path, and a file://
// URI for an absolute one; code scanning makes both relative to the
// checkout.
func fileURI(path string) string {
	p := filepath.ToSlash(filepath.Clean(path))
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = escapePath(s)
	}
	p = strings.Join(segs, "/")
	if filepath.IsAbs(path) {
		return "file://" + p
	}
	return p
}

// escapePath percent-encodes everything in a path segment but RFC 3986
// unreserved characters, so that no segment holds a ':' (which would read
// as a scheme) or a bracket.
func escapePath(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
