package scanner

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestResultSchema checks that results as the scanner writes them validate
// against docs/result.schema.json, the documented format, and that the
// schema rejects what it should.
func TestResultSchema(t *testing.T) {
	sch, err := jsonschema.NewCompiler().Compile("../docs/result.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	full := sampleResults()[0]
	full.Started = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	full.TLS = &TLSInfo{Version: "TLS 1.3", SelfSigned: true, NotAfter: full.Started}
	full.Target.Origins = []Origin{{File: "i.json", Format: "aws-ec2", Path: "$.Reservations[0]", Resource: "i-0abc"}}
	full.Containers[0].Fields = []FieldSample{{Path: "sender", Source: SourceHashField, Count: 3}}
	full.Score.Evidence = []Evidence{{Field: "sender", Category: "sender_recipient", Rule: "party", Weight: 2}}
	full.Accepted = &Acceptance{Pattern: "redis://*", Reason: "lab"}
	for _, r := range append(sampleResults(), full) {
		b, _ := json.Marshal(r)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not validate: %v", b, err)
		}
	}
	bad := sampleResults()[0]
	bad.Status = "wide-open"
	b, _ := json.Marshal(bad)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if sch.Validate(inst) == nil {
		t.Error("a made-up status validates")
	}
}
