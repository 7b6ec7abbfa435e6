package fingerprints

import (
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// benchFields mixes messaging, PII and machine field names as scans see them.
var benchFields = []string{
	"@timestamp", "message", "log.level", "host.name", "service.name", "error.stack_trace",
	"sender.phoneNumber", "recipient_id", "conversation_id", "body", "sent_at", "u._id",
	"customer_full_name", "billing.address_1", "geoip.location", "system.cpu.total.pct",
	"entry.changes.value.messages.text.body", "MessageSid", "billsec", "caller_id_number",
	"products.taxful_price", "xiaoxi_neirong", "fasong_shijian", "remitente", "khokhwam",
	"kubernetes.pod.labels.app_kubernetes_io/name", "trace.id", "span.duration.us",
}

// BenchmarkMatchField is the cost of matching one field name against every
// rule: the per-field cost of scoring.
func BenchmarkMatchField(b *testing.B) {
	e := mustDefault(b)
	var tk tokenizer
	var hits []hit
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hits = e.field.match(&tk, benchFields[i%len(benchFields)], hits[:0])
	}
}

// BenchmarkScoreContainer scores a container of 28 fields, evidence and
// reason text included; ns/field is the cost per field name.
func BenchmarkScoreContainer(b *testing.B) {
	e := mustDefault(b)
	c := scanner.Container{Kind: "index", Name: "chat-messages-2024.06", Fields: fieldsOf(benchFields...)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Score = e.ScoreContainer(&c, scanner.StatusOpen)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchFields)), "ns/field")
}

// BenchmarkScoreResult scores a target of 50 containers of 28 fields.
func BenchmarkScoreResult(b *testing.B) {
	e := mustDefault(b)
	r := scanner.Result{Status: scanner.StatusOpen}
	for range 50 {
		r.Containers = append(r.Containers, scanner.Container{Kind: "index", Name: "idx", Fields: fieldsOf(benchFields...)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.ScoreResult(&r)
	}
}

// BenchmarkDefault is the start-up cost: parsing, validating and compiling
// the embedded rules and checking every example.
func BenchmarkDefault(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
