package fingerprints

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

func fieldsOf(paths ...string) []scanner.FieldSample {
	out := make([]scanner.FieldSample, len(paths))
	for i, p := range paths {
		out[i] = scanner.FieldSample{Path: p, Source: scanner.SourceMapping}
	}
	return out
}

// TestScoreContainer checks the combination rule: messaging needs content
// or call records, a party and a time; single PII fields are not messaging.
func TestScoreContainer(t *testing.T) {
	e := mustDefault(t)
	tests := []struct {
		name     string
		c        scanner.Container
		minL     int
		maxL     int
		sev      scanner.Severity
		wantCats []string
	}{
		{"lone phone in a CRM", scanner.Container{Kind: "collection", Name: "customers", Fields: fieldsOf("name", "phone", "company", "created_at")},
			0, PossibleMessaging - 1, scanner.SeverityMedium, []string{"phone"}},
		{"user table without presence or settings is not messaging", scanner.Container{Kind: "collection", Name: "users", Fields: fieldsOf("username", "email", "phone", "password", "createdAt")},
			0, LikelyMessaging - 1, scanner.SeverityMedium, []string{"phone", "email", "auth_secret"}},
		{"lone message in an app log", scanner.Container{Kind: "index", Name: "app-logs-2024", Fields: fieldsOf("@timestamp", "message", "log.level", "service.name")},
			0, PossibleMessaging - 1, scanner.SeverityMedium, []string{"message_body", "timestamp"}},
		{"chat messages", scanner.Container{Kind: "index", Name: "messages", Fields: fieldsOf("conversation_id", "sender_id", "recipient_id", "text", "created_at")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"message_body", "sender_recipient", "conversation", "timestamp"}},
		{"redis inbox keyed by phone", scanner.Container{Kind: "key-pattern", Name: "chat:<phone>:inbox", Fields: fieldsOf("from", "body", "ts")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"phone", "messaging_context"}},
		{"asterisk cdr", scanner.Container{Kind: "collection", Name: "cdr", Fields: fieldsOf("src", "dst", "billsec", "disposition", "start", "clid")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"call_record"}},
		{"pinyin chat log", scanner.Container{Kind: "collection", Name: "liaotian_jilu", Fields: fieldsOf("fasongren", "jieshouren", "xiaoxi_neirong", "fasong_shijian")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"message_body", "sender_recipient", "timestamp"}},
		{"spanish messages", scanner.Container{Kind: "collection", Name: "mensajes", Fields: fieldsOf("remitente", "destinatario", "texto", "fecha", "telefono")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"phone"}},
		{"arabic transliterated", scanner.Container{Kind: "collection", Name: "rasail", Fields: fieldsOf("mursil", "mustalim", "risala", "waqt")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"message_body"}},
		{"hindi transliterated", scanner.Container{Kind: "collection", Name: "sandesh", Fields: fieldsOf("preshak", "praptkarta", "sandesh", "samay")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"message_body"}},
		{"thai transliterated", scanner.Container{Kind: "collection", Name: "chat", Fields: fieldsOf("phu_song", "phu_rap", "khokhwam", "wela", "boe_tho")},
			LikelyMessaging, 100, scanner.SeverityHigh, []string{"phone"}},
		{"metrics", scanner.Container{Kind: "index", Name: "metricbeat-8", Fields: fieldsOf("@timestamp", "system.cpu.total.pct", "host.name")},
			0, 10, scanner.SeverityMedium, nil},
		{"empty known volume", scanner.Container{Kind: "index", Name: "scratch", Docs: scanner.Int64(0)},
			0, PossibleMessaging - 1, scanner.SeverityLow, nil},
		{"many messages are critical", scanner.Container{Kind: "index", Name: "sms", Docs: scanner.Int64(250_000), Fields: fieldsOf("msisdn", "text", "ts")},
			LikelyMessaging, 100, scanner.SeverityCritical, []string{"phone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := e.ScoreContainer(&tt.c, scanner.StatusOpen)
			if s.Likelihood < tt.minL || s.Likelihood > tt.maxL {
				t.Errorf("likelihood %d, want %d..%d (%s)", s.Likelihood, tt.minL, tt.maxL, s.Reason)
			}
			if s.Severity != tt.sev {
				t.Errorf("severity %s, want %s (%s)", s.Severity, tt.sev, s.Reason)
			}
			for _, c := range tt.wantCats {
				if !slices.Contains(s.Categories, c) {
					t.Errorf("categories %v lack %s", s.Categories, c)
				}
			}
		})
	}
}

func TestSeverityFor(t *testing.T) {
	n := scanner.Int64
	tests := []struct {
		status scanner.Status
		l, p   int
		docs   *int64
		want   scanner.Severity
	}{
		{scanner.StatusAuthRequired, 99, 99, n(1 << 30), scanner.SeverityNone},
		{scanner.StatusClosed, 99, 99, nil, scanner.SeverityNone},
		{scanner.StatusProtected, 99, 99, nil, scanner.SeverityNone},
		{scanner.StatusOpen, 50, 0, nil, scanner.SeverityHigh},
		{scanner.StatusOpen, 50, 0, n(9_999), scanner.SeverityHigh},
		{scanner.StatusOpen, 50, 0, n(10_000), scanner.SeverityCritical},
		{scanner.StatusPartial, 95, 0, n(10_000), scanner.SeverityCritical},
		{scanner.StatusOpen, 49, 0, nil, scanner.SeverityMedium},
		{scanner.StatusOpen, 35, 0, n(10_000), scanner.SeverityHigh},
		{scanner.StatusOpen, 34, 90, nil, scanner.SeverityMedium},
		{scanner.StatusOpen, 34, 90, n(100_000), scanner.SeverityHigh},
		{scanner.StatusOpen, 0, 49, nil, scanner.SeverityMedium},
		{scanner.StatusOpen, 0, 0, n(0), scanner.SeverityLow},
		{scanner.StatusPartial, 0, 0, nil, scanner.SeverityLow},
	}
	for _, tt := range tests {
		if got := SeverityFor(tt.status, tt.l, tt.p, tt.docs); got != tt.want {
			d := "unknown"
			if tt.docs != nil {
				d = fmt.Sprint(*tt.docs)
			}
			t.Errorf("SeverityFor(%s, L=%d, P=%d, docs=%s) = %s, want %s", tt.status, tt.l, tt.p, d, got, tt.want)
		}
	}
}

func TestScoreResult(t *testing.T) {
	e := mustDefault(t)
	r := scanner.Result{Status: scanner.StatusOpen, Containers: []scanner.Container{
		{Kind: "index", Name: "logs", Fields: fieldsOf("@timestamp", "message")},
		{Kind: "index", Name: "chat", Docs: scanner.Int64(42), Fields: fieldsOf("from", "to", "body", "sent_at")},
	}}
	e.ScoreResult(&r)
	if r.Score == nil || r.Containers[0].Score == nil || r.Containers[1].Score == nil {
		t.Fatal("scores not set")
	}
	if r.Score.Severity != scanner.SeverityHigh || r.Score.Likelihood != r.Containers[1].Score.Likelihood {
		t.Errorf("target score %+v, want high with the chat container's likelihood %d", r.Score, r.Containers[1].Score.Likelihood)
	}
	if len(r.Score.Evidence) == 0 || r.Score.Evidence[0].Container != "chat" {
		t.Errorf("target evidence %+v, want the chat container's first", r.Score.Evidence)
	}
	// A big CRM collection is high by volume; the target's likelihood is
	// still its most message-like container's.
	r = scanner.Result{Status: scanner.StatusOpen, Containers: []scanner.Container{
		{Kind: "collection", Name: "customers", Docs: scanner.Int64(500_000), Fields: fieldsOf("email", "phone", "first_name")},
		{Kind: "collection", Name: "notes", Docs: scanner.Int64(10), Fields: fieldsOf("body", "user_id", "created_at")},
	}}
	e.ScoreResult(&r)
	if r.Score.Severity < scanner.SeverityHigh || r.Score.Likelihood != max(r.Containers[0].Score.Likelihood, r.Containers[1].Score.Likelihood) {
		t.Errorf("target score %d/%s, want at least high with the higher container likelihood", r.Score.Likelihood, r.Score.Severity)
	}
	for _, st := range []scanner.Status{scanner.StatusAuthRequired, scanner.StatusOpen} {
		bare := scanner.Result{Status: st}
		e.ScoreResult(&bare)
		want := map[scanner.Status]scanner.Severity{scanner.StatusAuthRequired: scanner.SeverityNone, scanner.StatusOpen: scanner.SeverityMedium}[st]
		if bare.Score.Severity != want {
			t.Errorf("%s with no containers: severity %s, want %s", st, bare.Score.Severity, want)
		}
	}
}

// TestRuleOverride checks --rules semantics: replace by id, disable, add,
// and errors that name the rule.
func TestRuleOverride(t *testing.T) {
	c := scanner.Container{Kind: "index", Name: "x", Fields: fieldsOf("kontakt_nummer")}
	e := mustLoad(t, `{"version":1,"rules":[
		{"id":"phone-de","category":"phone","weight":0.9,"terms":["kontakt nummer"],"match":["kontakt_nummer"],"no_match":["kontakt"]},
		{"id":"phone-abbrev","disabled":true}]}`)
	if s := e.ScoreContainer(&c, scanner.StatusOpen); !slices.Contains(s.Categories, "phone") {
		t.Errorf("added rule did not match: %+v", s)
	}
	if e.RuleMatches("phone-abbrev", "tel") {
		t.Error("disabled rule still matches")
	}
	wantLoadErrors(t, []badRules{
		{`{"version":1,"rules":[{"id":"phone","category":"phone","weight":0.9,"terms":["phone"],"match":["microphone"]}]}`, `extra-1: rule "phone": example "microphone" must match but does not`},
		{`{"version":1,"rules":[{"id":"x","category":"nope","weight":0.5,"terms":["a"],"match":["a"]}]}`, `rule "x" (#1): unknown category "nope"`},
		{`{"version":1,"rules":[{"id":"x","category":"phone","weight":2,"terms":["a"],"match":["a"]}]}`, `rule "x" (#1): weight 2`},
		{`{"version":1,"rules":[{"id":"x","category":"phone","weight":0.5,"terms":["Phone_No"],"match":["a"]}]}`, `rule "x" (#1): term "Phone_No"`},
		{`{"version":1,"rules":[{"id":"x","category":"phone","wieght":0.5}]}`, `unknown field "wieght"`},
		{`{"version":2,"rules":[]}`, `version must be 1`},
		{`{"version":1,"rules":[{"id":"no-such-rule","disabled":true}]}`, `rule "no-such-rule" is disabled but no earlier rule has that id`},
		{"{\"version\":1,\n\"rules\":[}", `extra-1:2:`},
	})
}

// TestScoreConcurrently scores from many goroutines, as the scanner's
// workers do; run with -race.
func TestScoreConcurrently(t *testing.T) {
	e := mustDefault(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				r := scanner.Result{Status: scanner.StatusOpen, Containers: []scanner.Container{
					{Kind: "index", Name: fmt.Sprintf("chat-%d-%d", g, i), Fields: fieldsOf("from", "to", "body", "ts")},
				}}
				e.ScoreResult(&r)
				if r.Score.Severity != scanner.SeverityHigh {
					t.Errorf("goroutine %d: severity %s, want high", g, r.Score.Severity)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestWithinContainer checks that a field rule with within counts only in
// a container whose name one of its container rules matches: a bare token
// is a push token in push_tokens, and only a login token in user_tokens.
func TestWithinContainer(t *testing.T) {
	e := mustDefault(t)
	for _, c := range []struct {
		container string
		want      bool
	}{
		{"push_tokens", true},
		{"fcm_device_token", true},
		{"user_tokens", false},
		{"devices", false},
	} {
		ct := scanner.Container{Kind: "collection", Name: c.container, Fields: fieldsOf("token", "user_id")}
		s := e.ScoreContainer(&ct, scanner.StatusOpen)
		if got := slices.Contains(s.Categories, "push_token"); got != c.want {
			t.Errorf("token in %s: push_token %v, want %v (categories %v)", c.container, got, c.want, s.Categories)
		}
	}
	checkMatches(t, e, []ruleCase{
		{"push-token-bare", "web_push_subscriptions > key_auth", true},
		{"push-token-bare", "oauth_access_tokens > token", false},
		{"push-token-bare", "push_tokens > token_type", false},
	})
	wantLoadErrors(t, []badRules{
		{`{"version":1,"rules":[{"id":"x","category":"push_token","weight":0.5,"terms":["token"],"within":["no-such-rule"],"match":["token"]}]}`, `rule "x": within names "no-such-rule", which is no container rule`},
		{`{"version":1,"rules":[{"id":"x","category":"push_token","weight":0.5,"terms":["token"],"within":["push-token"],"match":["token"]}]}`, `rule "x": within names "push-token", which is no container rule`},
		{`{"version":1,"rules":[{"id":"x","category":"device_context","scope":"container","weight":0.5,"terms":["pushes"],"within":["push-container"],"match":["pushes"]}]}`, `within is for field rules`},
	})
}

// TestOutsideContainer checks that a field rule with outside does not count
// in a container whose name one of its container rules matches: a board's
// members are no room's, a notice's content is no message, an operation's
// message is a log line, while the same fields count elsewhere. On code
// without outside the rule file does not even load.
func TestOutsideContainer(t *testing.T) {
	e := mustDefault(t)
	for _, c := range []struct {
		container string
		fields    []string
		category  string
		want      bool
	}{
		{"boards", []string{"members.userId", "members.isAdmin"}, "membership", false},
		{"kanban_board", []string{"members.userId"}, "membership", false},
		{"channels", []string{"members.userId", "members.isAdmin"}, "membership", true},
		{"events", []string{"participants.email", "start", "end"}, "sender_recipient", false},
		{"conversations", []string{"participants.email"}, "sender_recipient", true},
		{"calendar_events", []string{"location", "userId"}, "geolocation", false},
		{"location_events", []string{"location", "userId"}, "geolocation", true},
		{"users", []string{"location", "userId"}, "geolocation", true},
		{"notifications", []string{"content", "read_at", "user_id"}, "message_body", false},
		{"notifications_log", []string{"content", "recipient_phone"}, "message_body", true},
		{"operations", []string{"message", "endUserId"}, "message_body", false},
		{"sms_jobs", []string{"message", "to"}, "message_body", true},
		{"comment_threads", []string{"body", "author_id"}, "message_body", false},
		{"ticket_comments", []string{"body", "author_id"}, "message_body", true},
		{"owntracks-steps", []string{"from", "to", "steps"}, "sender_recipient", false},
		{"messages", []string{"from", "to", "text"}, "sender_recipient", true},
	} {
		ct := scanner.Container{Kind: "collection", Name: c.container, Fields: fieldsOf(c.fields...)}
		s := e.ScoreContainer(&ct, scanner.StatusOpen)
		if got := slices.Contains(s.Categories, c.category); got != c.want {
			t.Errorf("%v in %s: %s %v, want %v (categories %v)", c.fields, c.container, c.category, got, c.want, s.Categories)
		}
	}
	checkMatches(t, e, []ruleCase{
		{"membership", "boards > members.userId", false},
		{"membership", "members.userId", true},
		{"message-body", "wazuh-alerts-4.x-* > message", false},
		{"message-body", "chats > message", true},
	})
	wantLoadErrors(t, []badRules{
		{`{"version":1,"rules":[{"id":"x","category":"push_token","weight":0.5,"terms":["token"],"outside":["no-such-rule"],"match":["token"]}]}`, `rule "x": outside names "no-such-rule", which is no container rule`},
		{`{"version":1,"rules":[{"id":"x","category":"device_context","scope":"container","weight":0.5,"terms":["pushes"],"outside":["push-container"],"match":["pushes"]}]}`, `outside is for field rules`},
		{`{"version":1,"rules":[{"id":"x","category":"push_token","weight":0.5,"terms":["token"],"within":["push-container"],"outside":["push-container"],"match":["push_tokens > token"]}]}`, `named both in within and in outside`},
		{`{"version":1,"rules":[{"id":"x","category":"push_token","weight":0.5,"terms":["token"],"outside":["push-container"],"match":["push_tokens > token"]}]}`, `example "push_tokens > token" must match but does not`},
	})
}

// TestPositionInPeopleContainer: a position kept in a container named for
// people (users, or a ride app's drivers and passengers) is that person's
// own, read as location_people, though no field names the person; in a
// container named for things it is not, and a database's drivers are no
// people.
func TestPositionInPeopleContainer(t *testing.T) {
	e := mustDefault(t)
	for _, c := range []struct {
		container string
		want      bool
	}{
		{"drivers", true},
		{"passengers", true},
		{"motoristas", true},
		{"users", true},
		{"parcels", false},
		{"jdbc_drivers", false},
	} {
		ct := scanner.Container{Kind: "collection", Name: c.container, Fields: fieldsOf("currentLocation.type", "currentLocation.coordinates", "created_at")}
		s := e.ScoreContainer(&ct, scanner.StatusOpen)
		if got := strings.Contains(s.Reason, " location_people"); got != c.want {
			t.Errorf("position in %s: location_people %v, want %v (%s)", c.container, got, c.want, s.Reason)
		}
	}
}

// TestKeySiblings checks that a Redis key pattern does not read its db's
// messaging keys through the free-signed sibling_messaging, as collections
// and indices do: a key beside a chat's messages is that chat server's key,
// and the context alone must not lower it.
func TestKeySiblings(t *testing.T) {
	e := mustDefault(t)
	sib := slices.Index(FeatureNames(), "sibling_messaging")
	if sib < 0 {
		t.Fatal("no sibling_messaging feature")
	}
	for _, c := range []struct {
		kind string
		want bool
	}{
		{"key-pattern", false},
		{"collection", true},
		{"index", true},
	} {
		r := scanner.Result{Status: scanner.StatusOpen, Containers: []scanner.Container{
			{Kind: c.kind, Name: "chat:<id>:messages", Database: "db0"},
			{Kind: c.kind, Name: "online:users", Database: "db0"},
		}}
		x := e.ContainerFeatures(&r)[1]
		if got := x[sib] > 0; got != c.want {
			t.Errorf("%s beside chat messages: sibling_messaging %.2f, want > 0: %v", c.kind, x[sib], c.want)
		}
	}
}
