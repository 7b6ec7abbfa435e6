package scanner

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Result is everything spillcheck learned about one target. Its JSON form is
// the stable result format that reports, baselines, resume and `score` read;
// docs/result.schema.json documents it. Fields are added, never renamed.
type Result struct {
	Target  Target   `json:"target"`
	Status  Status   `json:"status"`
	Product string   `json:"product,omitempty"` // "redis", "mongodb", "elasticsearch", "opensearch", ...
	Version string   `json:"version,omitempty"`
	TLS     *TLSInfo `json:"tls,omitempty"`
	// Auth names the authentication the server asked for, such as the
	// WWW-Authenticate scheme, when Status is auth-required.
	Auth string `json:"auth,omitempty"`
	// Facts are short server facts: cluster name, role, mode, wire versions.
	// Never secrets and never other clients' addresses.
	Facts      map[string]string `json:"facts,omitempty"`
	Containers []Container       `json:"containers,omitempty"`
	// Skipped counts what the probe saw but did not sample, by reason, such
	// as "system-indices" or "over-max-collections".
	Skipped map[string]int `json:"skipped,omitempty"`
	// Notes say how the probe got its answers, such as a fallback taken.
	Notes []string `json:"notes,omitempty"`
	Score *Score   `json:"score,omitempty"`
	// Accepted is set when a baseline entry accepts this finding.
	Accepted *Acceptance `json:"accepted,omitempty"`
	Started  time.Time   `json:"started"`
	Duration Duration    `json:"duration_ms"`
	Error    string      `json:"error,omitempty"`
}

// TLSInfo records the TLS session a probe completed.
type TLSInfo struct {
	Version    string    `json:"version"`
	Subject    string    `json:"subject,omitempty"`
	Issuer     string    `json:"issuer,omitempty"`
	SelfSigned bool      `json:"self_signed"`
	NotAfter   time.Time `json:"not_after,omitzero"`
}

// Container is one place that holds records: an index or a group of indices
// sharing a pattern, a collection, or a Redis key pattern.
type Container struct {
	// Kind is "index", "index-pattern", "alias", "data-stream", "collection"
	// or "key-pattern".
	Kind string `json:"kind"`
	// Name is the index, pattern, collection or redacted key pattern.
	Name string `json:"name"`
	// Database is the MongoDB database or the Redis db ("db0").
	Database string `json:"database,omitempty"`
	// Members counts the indices grouped under an index pattern.
	Members int `json:"members,omitempty"`
	// Docs counts documents or keys; nil when unknown.
	Docs *int64 `json:"docs,omitempty"`
	// Bytes is the stored size; nil when unknown.
	Bytes *int64 `json:"bytes,omitempty"`
	// Type is the collection type, Redis key type, or similar.
	Type   string            `json:"type,omitempty"`
	Attrs  map[string]string `json:"attrs,omitempty"`
	Fields []FieldSample     `json:"fields,omitempty"`
	Score  *Score            `json:"score,omitempty"`
	// Accepted is set when a baseline entry accepts this container's
	// finding; Result.Accepted is set when every finding of the target is.
	Accepted *Acceptance `json:"accepted,omitempty"`
}

// Field sources, saying how a field name was learned. None of them reads a
// document value.
const (
	SourceMapping   = "mapping"    // Elasticsearch mapping
	SourceSample    = "sample"     // server-side key-name aggregation
	SourceIndex     = "index"      // index key
	SourceValidator = "validator"  // $jsonSchema property
	SourceHashField = "hash-field" // Redis hash field name
	SourceJSONKey   = "json-key"   // RedisJSON object key
	SourceSchema    = "schema"     // offline schema file
)

// FieldSample is one field name found in a container. It never carries a
// value.
type FieldSample struct {
	Path   string `json:"path"`   // dotted path: "sender.phone"
	Source string `json:"source"` // one of the Source constants
	Type   string `json:"type,omitempty"`
	// Count is how many sampled documents or keys had the field; 0 when the
	// source does not count (mappings, indexes).
	Count int    `json:"count,omitempty"`
	Note  string `json:"note,omitempty"` // e.g. "multi-field: keyword"
}

// Severity ranks a finding. The zero value is SeverityNone.
type Severity int

// Severities in increasing order.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads one of none, low, medium, high, critical.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: want one of %s", s, strings.Join(severityNames[:], ", "))
}

// MarshalText writes the name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Score is how likely a container or target is to hold messaging PII, and
// how severe its exposure is, with the evidence behind both.
type Score struct {
	Likelihood int        `json:"likelihood"` // 0-100
	Severity   Severity   `json:"severity"`
	Categories []string   `json:"categories,omitempty"`
	Evidence   []Evidence `json:"evidence,omitempty"`
	// Reason is a one-line explanation a person can read.
	Reason string `json:"reason,omitempty"`
}

// Evidence is one field name that matched a rule.
type Evidence struct {
	Container string  `json:"container,omitempty"`
	Field     string  `json:"field"`
	Category  string  `json:"category"`
	Rule      string  `json:"rule"`
	Weight    float64 `json:"weight"`
}

// Categories of the evidence lines a scoring model writes about itself
// rather than about a name: one per feature ("name=value", its contribution
// in log-odds; the intercept is "intercept"), and the store-context line
// naming sibling containers.
const (
	EvidenceFeature = "feature"
	EvidenceContext = "store_context"
)

// IsName reports whether e is a field or container name that matched a
// rule, not one of the model's own lines.
func (e Evidence) IsName() bool {
	return e.Category != EvidenceFeature && e.Category != EvidenceContext
}

// Duration marshals as milliseconds.
type Duration time.Duration

// MarshalJSON writes milliseconds with microsecond precision.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(float64(time.Duration(d).Microseconds()) / 1000)
}

// UnmarshalJSON reads milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// Severity is the result's severity, none when unscored.
func (r *Result) Severity() Severity {
	if r.Score == nil {
		return SeverityNone
	}
	return r.Score.Severity
}

// Int64 returns a pointer to n, for Container counts.
func Int64(n int64) *int64 { return &n }
