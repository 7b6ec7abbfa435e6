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

// scorerFor returns the scorer a scan uses. With --rules FILE the rules load
// now, so that a broken rule stops the run before anything is probed. The
// built-in rules, tested with every build, load in the background instead:
// that takes a few milliseconds of CPU, which then overlap the first dials,
// and the first result to be scored waits for them.
func scorerFor(rulesFile string) (*backgroundScorer, error) {
	s := &backgroundScorer{done: make(chan struct{})}
	if rulesFile != "" {
		s.e, s.err = newScorer(rulesFile)
		close(s.done)
		return s, s.err
	}
	go func() {
		defer close(s.done)
		s.e, s.err = newScorer("")
	}()
	return s, nil
}

// backgroundScorer is a scanner.Scorer whose rules may still be loading.
type backgroundScorer struct {
	done chan struct{}
	e    *fingerprints.Engine
	err  error
}

// ScoreResult waits for the rules, then scores r. Without rules (wait
// reports why) r stays unscored.
func (s *backgroundScorer) ScoreResult(r *scanner.Result) {
	<-s.done
	if s.e != nil {
		s.e.ScoreResult(r)
	}
}

// wait returns once the rules are loaded, with the error that stopped them.
func (s *backgroundScorer) wait() error {
	<-s.done
	return s.err
}

// RankName waits for the rules, then rates name; without rules every name
// rates 0.
func (s *backgroundScorer) RankName(name string) int {
	<-s.done
	if s.e == nil {
		return 0
	}
	return s.e.RankName(name)
}
