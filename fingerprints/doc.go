// Package fingerprints scores how likely a store holds messaging PII, from
// the names it exposes: Elasticsearch and MongoDB field paths, Redis key
// patterns (identifiers redacted to placeholders such as <phone>) and hash
// fields. It never sees a value.
//
// Rules are data: rules.json, embedded, maps field-name terms to categories
// and weights, and carries examples each rule must and must not match. Load
// extends or overrides it with --rules files; a rule that fails validation
// or its own examples stops start-up with an error naming it.
//
// Engine.ScoreResult implements scanner.Scorer. ReadSchemas turns offline
// schema files (mappings, templates, $jsonSchema validators, schema
// documents, field lists, spillcheck results) into results to score.
// docs/scoring.md documents the model, the severity thresholds and the
// evaluation against the labeled corpus in testdata/corpus.
package fingerprints
