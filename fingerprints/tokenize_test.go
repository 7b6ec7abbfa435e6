package fingerprints

import (
	"slices"
	"testing"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"sender.phoneNumber", []string{"sender", "phone", "number"}},
		{"phone_number", []string{"phone", "number"}},
		{"HTMLBody", []string{"html", "body"}},
		{"fromJIDResource", []string{"from", "jid", "resource"}},
		{"MSISDN", []string{"msisdn"}},
		{"address2", []string{"address", "2"}},
		{"F2B_BLACKLIST", []string{"f2b", "blacklist"}}, // one letter, one digit, one letter: one word
		{"k8s.pod", []string{"k8s", "pod"}},
		{"f2bList", []string{"f2b", "list"}},
		{"b2b_entities", []string{"b2b", "entities"}},
		{"p256dh", []string{"p", "256", "dh"}}, // two digits: split as before
		{"address2b", []string{"address", "2", "b"}},
		{"a2bc", []string{"a", "2", "bc"}},
		{"F2b", []string{"f", "2", "b"}}, // letters of two cases
		{"x2", []string{"x", "2"}},
		{"billing.address_1", []string{"billing", "address", "1"}},
		{"@timestamp", []string{"timestamp"}},
		{"message-timestamp", []string{"message", "timestamp"}},
		{"u._id", []string{"u", "id"}},
		{"entry.changes.value.messages.text.body", []string{"entry", "changes", "value", "messages", "text", "body"}},
		{"chat:<phone>:inbox", []string{"chat", "<phone>", "inbox"}},
		{"user:<INT>", []string{"user", "<int>"}},
		{"a.$[].b", []string{"a", "b"}},
		{"<unclosed", []string{"unclosed"}},
		{"xiaoxi_neirong", []string{"xiaoxi", "neirong"}},
		{"名字", []string{"名", "字"}},
		{"teléfonoMóvil", []string{"telefono", "movil"}},
		{"сообщение.Текст", []string{"сообщение", "текст"}},
		{"userИмя", []string{"user", "имя"}},
		{"Số_điện_thoại", []string{"so", "dien", "thoai"}},
		{"メッセージ", []string{"メ", "ッ", "セ", "ー", "ジ"}},
		{"संदेश_पाठ", []string{"संदेश", "पाठ"}},
		{"", []string{}},
		{"...", []string{}},
	}
	for _, tt := range tests {
		if got := Tokenize(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTokenizerSegments checks the segment bookkeeping that positions use.
func TestTokenizerSegments(t *testing.T) {
	var tk tokenizer
	n := tk.split("sender.phoneNumber.e164")
	if n != 5 {
		t.Fatalf("split: %d words, want 5", n)
	}
	if got := string(tk.segWhole(1)); got != "phonenumber" {
		t.Errorf("segWhole(1) = %q, want phonenumber", got)
	}
	if !slices.Equal(tk.segs, []int{0, 1, 1, 2, 2}) {
		t.Errorf("segs = %v, want [0 1 1 2 2]", tk.segs)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"sender.phoneNumber", "chat:<phone>:inbox", "<<<>>>", "a\x00b", "ÀÉ.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := Tokenize(s)
		for _, w := range words {
			if w == "" {
				t.Fatalf("Tokenize(%q) returned an empty word", s)
			}
		}
	})
}

// TestCompounds: words written together split into vocabulary words, and
// only then.
func TestCompounds(t *testing.T) {
	checkMatches(t, mustDefault(t), []ruleCase{
		{"child", "ertongxingming", true},          // ertong + xingming
		{"chat-room-container", "chatrooms", true}, // chat + rooms
		{"push-token", "pushdevicetoken", true},    // push + device token
		{"device-container", "zerver_pushdevicetoken", true},
		{"geolocation", "allocation", false}, // no split into al + location
		{"phone", "microphones", false},
		{"message-body", "description", false},
		{"timestamp-start-end", "backend", false},                 // no back + end
		{"content-container", "rpush:apns:feedback:<int>", false}, // APNs feedback, no feed + back
		{"content-container", "POSTFIX_MAILLOG", false},           // no post + fix
		{"user-id", "id_publicacion", false},                      // a Spanish noun, no public + aci + on
		{"user-id", "ID_TipoRelacionFamilair", false},             // no rel + aci + on
		{"user-id", "aci", true},                                  // Signal's account identity
		// an unless word stays whole, so it vetoes its rule: a widget's
		// placeholder text is no message, nor "place holder"
		{"message-body", "new_message_placeholder", false},
		{"message-body", "new_message", true},
	})
}

// FuzzMatch runs the matchers, compound splitting included, on arbitrary
// names: no panic, and every hit names a rule.
func FuzzMatch(f *testing.F) {
	e, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"chatrooms", "ertongxingming", "user:<int>:rooms", "ТекстСообщения", "消息内容", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "<phone><phone>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tk tokenizer
		for _, m := range []*matcher{e.field, e.container} {
			for _, h := range m.match(&tk, s, nil) {
				if int(h.rule) >= len(m.rules) {
					t.Fatalf("match(%q): rule index %d out of range", s, h.rule)
				}
			}
		}
	})
}
