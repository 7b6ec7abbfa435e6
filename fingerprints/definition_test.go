package fingerprints

import (
	"slices"
	"strings"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// TestEachCategoryAlone: firm evidence of any one category of the
// definition, in a container with a neutral name and nothing else, makes an
// open store high. The fit guarantees it at each category's point; this
// checks it through real rules and field names.
func TestEachCategoryAlone(t *testing.T) {
	e := mustDefault(t)
	for cat, fields := range map[string][]string{
		"messages":            {"body", "sender_id"},
		"call_records":        {"billsec", "caller_id_number"},
		"membership_contacts": {"contacts", "user_id"},
		"location":            {"latitude", "longitude", "user_id"},
		"children":            {"is_minor"},
		"phone_numbers":       {"proxy_number", "phone_number"},
		"device_tokens":       {"fcm_token", "user_id"},
		"comm_profiles":       {"phone_number", "presence"},
	} {
		c := scanner.Container{Kind: "collection", Name: "records", Fields: fieldsOf(fields...)}
		s := e.ScoreContainer(&c, scanner.StatusOpen)
		if s.Severity != scanner.SeverityHigh || !strings.Contains(strings.Join(s.Categories, " "), cat) {
			t.Errorf("%s alone %v: likelihood %d, %s, categories %v; want high with %s (%s)", cat, fields, s.Likelihood, s.Severity, s.Categories, cat, s.Reason)
		}
	}
	// And at the model's own points, exactly.
	floor := logit(HighProbability) + CategoryMargin
	for d, x := range CategoryPoints() {
		var v vector
		copy(v[:], x)
		var contrib vector
		if z := e.logOdds(&v, &contrib); z < floor-1e-6 {
			t.Errorf("category %s at its point: log-odds %.3f, want >= %.3f", definitions[d].Name, z, floor)
		}
	}
}

// TestMessagePosterInConversation: a message body beside a user id and a
// room or channel id is a person's message in a conversation (Mattermost's
// posts, Overleaf's messages), so the messages category reads it; a body
// and a user id without a conversation (a blog post's author) do not.
func TestMessagePosterInConversation(t *testing.T) {
	e := mustDefault(t)
	has := func(s *scanner.Score) bool { return slices.Contains(s.Categories, "messages") }
	for _, fields := range [][]string{
		{"message", "user_id", "channel_id", "create_at"},
		{"content", "user_id", "room_id"},
		{"text", "userId", "thread_id"},
	} {
		c := scanner.Container{Kind: "index", Name: "records", Fields: fieldsOf(fields...)}
		if s := e.ScoreContainer(&c, scanner.StatusOpen); !has(s) {
			t.Errorf("%v: categories %v, want messages (%s)", fields, s.Categories, s.Reason)
		}
	}
	// A chat product's posts (Mattermost) are no published content: the
	// content name's penalty gives way to a poster in a channel.
	posts := scanner.Container{Kind: "index", Name: "posts_1", Fields: fieldsOf("message", "user_id", "channel_id", "create_at")}
	ps := e.ScoreContainer(&posts, scanner.StatusOpen)
	for _, ev := range ps.Evidence {
		if strings.HasPrefix(ev.Field, "content_name=") && ev.Weight < -0.5 {
			t.Errorf("posts_1 with a poster in a channel: content_name contributes %.2f, want at most 0.5 (%s)", ev.Weight, ps.Reason)
		}
	}
	for _, fields := range [][]string{
		{"body", "user_id", "published_at"},
		{"user_id", "channel_id", "created_at"},
	} {
		c := scanner.Container{Kind: "index", Name: "records", Fields: fieldsOf(fields...)}
		if s := e.ScoreContainer(&c, scanner.StatusOpen); has(s) {
			t.Errorf("%v: categories %v, want no messages (%s)", fields, s.Categories, s.Reason)
		}
	}
}

// TestIssue17Cases are the failure classes issue 17 names, in general
// form: they must hold for any refit.
func TestIssue17Cases(t *testing.T) {
	e := mustDefault(t)
	score := func(name string, fields ...string) *scanner.Score {
		c := scanner.Container{Kind: "collection", Name: name, Fields: fieldsOf(fields...)}
		return e.ScoreContainer(&c, scanner.StatusOpen)
	}
	// A message body alone, in a container named for messages, is high.
	for _, f := range []string{"body", "text", "content"} {
		if s := score("messages", f); s.Severity != scanner.SeverityHigh {
			t.Errorf("messages{%s}: %d %s, want high (%s)", f, s.Likelihood, s.Severity, s.Reason)
		}
	}
	// Call logs named *_logs are no logs.
	s := score("call_logs", "caller", "callee", "duration", "started_at")
	if s.Severity != scanner.SeverityHigh || strings.Contains(s.Reason, "nonpii_name") {
		t.Errorf("call_logs: %d %s, want high without the log penalty (%s)", s.Likelihood, s.Severity, s.Reason)
	}
	// Statistics about chats, blog posts and comments stay below high.
	for _, c := range []struct {
		name   string
		fields []string
	}{
		{"chat_statistics", []string{"room_id", "total_messages", "active_users", "date"}},
		{"blog_comments", []string{"post_id", "author_name", "author_email", "content", "created_at"}},
		{"posts", []string{"title", "body", "author_id", "published_at"}},
	} {
		if s := score(c.name, c.fields...); s.Severity >= scanner.SeverityHigh {
			t.Errorf("%s%v: %d %s, want below high (%s)", c.name, c.fields, s.Likelihood, s.Severity, s.Reason)
		}
	}
	// A Redis keyspace with key patterns only scores from the key names.
	r := scanner.Result{Status: scanner.StatusOpen, Containers: []scanner.Container{
		{Kind: "key-pattern", Name: "chat:<int>:messages", Database: "db0"},
		{Kind: "key-pattern", Name: "user:<phone>:contacts", Database: "db0"},
		{Kind: "key-pattern", Name: "bull:<name>:wait", Database: "db0"},
	}}
	e.ScoreResult(&r)
	if r.Score.Severity != scanner.SeverityHigh || r.Containers[2].Score.Severity >= scanner.SeverityHigh {
		t.Errorf("redis key names: target %s, queue key %s; want high, and the queue key below high", r.Score.Severity, r.Containers[2].Score.Severity)
	}
}

// TestStoreContext: a users collection beside messages, rooms and
// subscriptions scores higher than alone, and its evidence says why.
func TestStoreContext(t *testing.T) {
	e := mustDefault(t)
	users := scanner.Container{Kind: "collection", Name: "users", Database: "chat", Fields: fieldsOf("username", "email", "phone")}
	alone := e.ScoreContainer(&users, scanner.StatusOpen)
	r := scanner.Result{Status: scanner.StatusOpen, Containers: []scanner.Container{
		users,
		{Kind: "collection", Name: "messages", Database: "chat", Fields: fieldsOf("rid", "msg", "u._id", "ts")},
		{Kind: "collection", Name: "rooms", Database: "chat", Fields: fieldsOf("name", "t", "usernames")},
		{Kind: "collection", Name: "subscriptions", Database: "chat", Fields: fieldsOf("rid", "u._id", "open")},
		{Kind: "collection", Name: "orders", Database: "shop", Fields: fieldsOf("sku", "total")},
	}}
	e.ScoreResult(&r)
	got := r.Containers[0].Score
	if got.Likelihood <= alone.Likelihood {
		t.Errorf("users beside a chat's collections: likelihood %d, alone %d; want higher", got.Likelihood, alone.Likelihood)
	}
	const want = "context: sibling containers messages"
	if !strings.Contains(got.Reason, want) {
		t.Errorf("reason %q lacks %q", got.Reason, want)
	}
	found := false
	for _, ev := range got.Evidence {
		if ev.Category == EvidenceContext && strings.HasPrefix(ev.Field, want) && !strings.Contains(ev.Field, "orders") {
			found = true
		}
	}
	if !found {
		t.Errorf("evidence %+v lacks a %s line naming the chat's siblings only", got.Evidence, EvidenceContext)
	}
}

// TestExplainAddsUp: the reason's contributions and the evidence's feature
// lines add up to the likelihood.
func TestExplainAddsUp(t *testing.T) {
	e := mustDefault(t)
	c := scanner.Container{Kind: "index", Name: "chat-messages", Fields: fieldsOf("sender.phone", "recipient_id", "body", "sent_at")}
	s := e.ScoreContainer(&c, scanner.StatusOpen)
	z := 0.0
	for _, ev := range s.Evidence {
		if ev.Category == EvidenceFeature {
			z += ev.Weight
		}
	}
	if got := clamp100(sigmoid(z)); got < s.Likelihood-1 || got > s.Likelihood+1 {
		t.Errorf("feature lines add up to log-odds %.2f, likelihood %d; the score says %d", z, got, s.Likelihood)
	}
	if !strings.Contains(s.Reason, "intercept") || !strings.Contains(s.Reason, "messages") {
		t.Errorf("reason %q does not show the contributions", s.Reason)
	}
}

// TestPhoneBesideMessengerID: a phone number beside a messenger id (a
// Telegram id, WhatsApp name, a bot user's chat id) in a record of people
// is the phone of a messaging account (phone_numbers), whatever the
// container is called; a lone phone in a users or customers table is not,
// and neither are a shop branch's or an ad's contact ways (phone and
// WhatsApp of a thing, not of a person). A chat_id in a chat's own
// membership table stays a room id.
func TestPhoneBesideMessengerID(t *testing.T) {
	e := mustDefault(t)
	for _, c := range []struct {
		container string
		fields    []string
		want      bool
	}{
		{"users", []string{"telegram_id", "phone", "first_name"}, true},
		{"users", []string{"chat_id", "phone_number", "first_name", "username"}, true},
		{"usuarios", []string{"telefono", "nombre_whatsapp", "email"}, true},
		{"contatos", []string{"phone", "nameWhatsapp"}, true},
		{"users", []string{"phone", "first_name", "email"}, false},
		{"customers", []string{"phone", "first_name", "address"}, false},
		{"branches", []string{"phone", "contact.whatsapp", "address"}, false},
		{"ads", []string{"contactWay.phone", "contactWay.telegram"}, false},
	} {
		ct := scanner.Container{Kind: "collection", Name: c.container, Fields: fieldsOf(c.fields...)}
		a := e.assessAll([]scanner.Container{ct})[0]
		if got := a.x[fPhoneNumbers] >= 0.99; got != c.want {
			t.Errorf("%s %v: phone_numbers %.2f, want firm %v", c.container, c.fields, a.x[fPhoneNumbers], c.want)
		}
	}
	checkMatches(t, e, []ruleCase{
		{"bot-user-chat-id", "users > chat_id", true},
		{"bot-user-chat-id", "chats_users > chat_id", false},
		{"bot-user-chat-id", "chat_participants > chat_id", false},
		{"messenger-handle", "contacts.wa_id", true},
	})
}

// TestChildProfilesAndTraces: a container named for children whose records
// are persons (a birth date or age, an account) is a table of child
// profiles, the definition's children's accounts, with no parent link
// field; its birth date is the child's own, no shop's other PII. A ride
// booking's coordinates beside a passenger and a driver are a person's
// trace: the commerce name gives way. A class list and a shop's stores
// stay out.
func TestChildProfilesAndTraces(t *testing.T) {
	e := mustDefault(t)
	score := func(name string, fields ...string) *scanner.Score {
		c := scanner.Container{Kind: "collection", Name: name, Fields: fieldsOf(fields...)}
		return e.ScoreContainer(&c, scanner.StatusOpen)
	}
	contrib := func(s *scanner.Score, feature string) float64 {
		for _, ev := range s.Evidence {
			if strings.HasPrefix(ev.Field, feature+"=") {
				return ev.Weight
			}
		}
		return 0
	}
	for _, c := range []struct {
		name   string
		fields []string
	}{
		{"children", []string{"user_id", "nome", "idade", "foto_perfil"}},
		{"alunos", []string{"nome", "data_nascimento", "telefone", "endereco", "cpf"}},
		{"kids", []string{"first_name", "last_name", "birth_date", "allergies", "class"}},
	} {
		s := score(c.name, c.fields...)
		if s.Severity != scanner.SeverityHigh || !slices.Contains(s.Categories, "children") {
			t.Errorf("%s %v: likelihood %d, %s, categories %v; want high with children (%s)", c.name, c.fields, s.Likelihood, s.Severity, s.Categories, s.Reason)
		}
		if w := contrib(s, "other_pii"); w < 0 {
			t.Errorf("%s %v: other_pii contributes %.2f, want nothing negative in a child's profile (%s)", c.name, c.fields, w, s.Reason)
		}
	}
	ride := score("bookings", "passenger_id", "driver_id", "pickup.latitude", "pickup.longitude", "dropoff.latitude", "dropoff.longitude")
	if !slices.Contains(ride.Categories, "location") {
		t.Errorf("ride bookings: categories %v, want location (%s)", ride.Categories, ride.Reason)
	}
	if w := contrib(ride, "commerce_name"); w < 0 {
		t.Errorf("ride bookings: commerce_name contributes %.2f, want none beside a person's trace (%s)", w, ride.Reason)
	}
	for _, c := range []struct {
		name   string
		fields []string
	}{
		{"children", []string{"title", "slug", "sort_order"}},
		{"classes", []string{"name", "room", "schedule", "capacity"}},
		{"stores", []string{"name", "latitude", "longitude", "phone", "address"}},
	} {
		s := score(c.name, c.fields...)
		if s.Severity == scanner.SeverityHigh || slices.Contains(s.Categories, "children") || slices.Contains(s.Categories, "location") {
			t.Errorf("%s %v: likelihood %d, %s, categories %v; want neither high nor children nor location (%s)", c.name, c.fields, s.Likelihood, s.Severity, s.Categories, s.Reason)
		}
	}
}
