package fingerprints

import "math"

// nameCategories are the field categories whose words, found in a container
// name itself ("msg-archive-2023", "user:<phone>:inbox"), say the container
// may hold messaging PII.
var nameCategories = [...]int{
	catMessageBody, catCallRecord, catSenderRecipient, catConversation,
	catContactList, catGeolocation, catPushToken, catChild, catPhone,
	catVirtualNumber,
}

// RankName rates a container name alone, 0-100: the strongest messaging,
// telephony or contact container rule it matches, or the strongest
// messaging field rule its words match. A name that only matches a
// log/metric/queue rule rates 0. It implements scanner.NameRanker, which
// probes use to choose what to sample under their caps; it is not a
// likelihood and reads no field.
func (e *Engine) RankName(name string) int {
	s := e.pool.Get().(*scratch)
	defer e.pool.Put(s)
	best := 0.0
	s.hits = e.container.match(&s.tok, name, s.hits[:0])
	for _, h := range s.hits {
		if w := e.container.rules[h.rule].Weight; w > best {
			best = w
		}
	}
	s.hits = e.field.match(&s.tok, name, s.hits[:0])
	for _, h := range s.hits {
		r := &e.field.rules[h.rule]
		for _, c := range nameCategories {
			if r.cat == c && r.Weight > best {
				best = r.Weight
			}
		}
	}
	return int(math.Round(100 * math.Min(best, 1)))
}
