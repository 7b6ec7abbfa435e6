package main

import (
	"github.com/spillcheck/spillcheck/probes/redis"
	"github.com/spillcheck/spillcheck/scanner"
)

type scannerProbe = scanner.Probe

// probes lists the stores spillcheck checks: one line per store.
func probes() []scanner.Probe {
	return []scanner.Probe{
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

// newScorer loads the PII rules (built in, plus --rules FILE).
func newScorer(rulesFile string) (scanner.Scorer, error) {
	return nil, nil
}
