package main

import (
	"fmt"

	"github.com/spillcheck/spillcheck/fingerprints"
	"github.com/spillcheck/spillcheck/probes/elasticsearch"
	"github.com/spillcheck/spillcheck/probes/mongodb"
	"github.com/spillcheck/spillcheck/probes/redis"
	"github.com/spillcheck/spillcheck/scanner"
)

type scannerProbe = scanner.Probe

// probes lists the stores spillcheck checks: one line per store.
func probes() []scanner.Probe {
	return []scanner.Probe{
		elasticsearch.New(),
		mongodb.New(),
		redis.New(),
	}
}

func newRegistry(c *cli) (*scanner.Registry, error) {
	list := probes
	if c.probes != nil {
		list = c.probes
	}
	return scanner.NewRegistry(list()...)
}

// newScorer loads the PII rules: the built-in ones, extended or overridden
// by --rules FILE. A broken rule stops the run before anything is probed.
func newScorer(rulesFile string) (*fingerprints.Engine, error) {
	var (
		e   *fingerprints.Engine
		err error
	)
	if rulesFile == "" {
		e, err = fingerprints.Default()
	} else {
		e, err = fingerprints.Load(rulesFile)
	}
	if err != nil {
		return nil, &inputError{fmt.Errorf("rules: %w", err)}
	}
	return e, nil
}
