package redis

// typeSample is how many keys of each pattern are sent TYPE first. Keys of
// one pattern are written by the same code and nearly always share a type;
// four keys that agree make a pattern whose keys were even a quarter of
// another type unlikely to look uniform (0.75^4 < 0.32, and a half-and-half
// pattern 0.5^4 = 0.06), while a 40-key db of four patterns costs 16 TYPEs
// instead of 40 and a 1,000-key db 16 instead of 1,000. A pattern of four
// keys or fewer is typed exactly.
const typeSample = 4

// typeJob is one key of a group to send TYPE.
type typeJob struct {
	g   *group
	key string
}

// typeGroups sends TYPE for each group's first typeSample keys, in one
// pipelined write (or more, past typeBatch commands or maxBatchBytes). A
// group whose sampled types all agree is taken to hold only that type; a
// group whose samples disagree (an error reply counts as the type
// "unknown") gets TYPE for all its other keys in one more pipelined write,
// so its per-type counts are exact. Field names are later read from up to
// keysPerPattern keys of each group (group.sample): keys whose TYPE was
// asked, and in a group taken to be of one type, its other keys too.
func (s *sampler) typeGroups(groups []*group) error {
	n := 0
	for _, g := range groups {
		n += min(len(g.members), typeSample)
	}
	jobs := make([]typeJob, 0, n)
	for _, g := range groups {
		for _, k := range g.members[:min(len(g.members), typeSample)] {
			jobs = append(jobs, typeJob{g, k})
		}
	}
	if err := s.typeKeys(jobs); err != nil {
		return err
	}
	jobs = jobs[:0]
	for _, g := range groups {
		if len(g.types) > 1 {
			for _, k := range g.members[g.typed:] {
				jobs = append(jobs, typeJob{g, k})
			}
		}
	}
	if err := s.typeKeys(jobs); err != nil {
		return err
	}
	for _, g := range groups {
		if g.typed < g.keys && len(g.types) == 1 {
			g.types[0].n = g.keys
			g.sampleUntyped(g.types[0].typ)
		}
		g.members = nil
	}
	return nil
}

// sampleUntyped fills the field sample of a group taken to be all of type
// typ from its keys that were not sent TYPE, up to keysPerPattern, so that
// fields only some keys carry are still found. A key that is of another
// type after all answers the field command with an error, counted in
// field-sample-errors.
func (g *group) sampleUntyped(typ string) {
	for _, k := range g.members[g.typed:] {
		if !g.addSample(k, typ) {
			return
		}
	}
}

// addSample makes key, of type typ, one of the group's field-sampled keys
// when field names of typ can be read and the sample has room; it reports
// whether the sample could still grow.
func (g *group) addSample(key, typ string) bool {
	if fieldSource(typ) == "" || len(g.sample) >= keysPerPattern {
		return false
	}
	if g.sample == nil {
		g.sample = make([]fieldJob, 0, min(g.keys, keysPerPattern))
	}
	g.sample = append(g.sample, fieldJob{g: g, key: key, typ: typ})
	return true
}

// typeKeys pipelines TYPE for each job and records the replies on the
// jobs' groups; a key of a type whose field names can be read becomes one
// of its group's field-sampled keys, up to keysPerPattern (addSample).
func (s *sampler) typeKeys(jobs []typeJob) error {
	var args []string // one slice for every command: pipeline allows it
	return pipeline(s.c, jobs, typeBatch,
		func(j typeJob) []string { args = append(args[:0], "TYPE", j.key); return args },
		func(j typeJob, r reply) {
			typ := "unknown"
			if r.kind == '+' {
				typ = r.str
			} else {
				addSkipped(s.res, "type-errors", 1)
			}
			j.g.typed++
			j.g.addType(typ)
			j.g.addSample(j.key, typ)
		})
}
