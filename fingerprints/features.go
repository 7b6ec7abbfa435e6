package fingerprints

import "math"

// Feature is one input of the fitted model: a number in [0, 1] computed
// from a container's evidence, its name and its siblings. docs/scoring.md
// lists them; model.json holds one weight per feature, in this order.
type Feature struct {
	Name        string
	Description string
	// Sign constrains the fitted weight: +1 at least 0 (more evidence never
	// lowers a score), -1 at most 0 (a log, statistics, content or commerce
	// name), 0 free.
	Sign int
	// Category marks the eight category features, one per category of
	// the definition, in the order of definitions: the fit keeps the
	// log-odds at each category's point (CategoryPoints) at or above the
	// log-odds of HighProbability plus CategoryMargin, so firm evidence of
	// any one category makes an open store high on its own.
	Category bool
}

// Feature indices. The first numDefinitions are the category features, in
// the order of definitions.
const (
	fMessages = iota
	fCallRecords
	fMembershipContacts
	fLocation
	fChildren
	fPhoneNumbers
	fDeviceTokens
	fCommProfiles
	fMessageBody
	fMessageInNamed
	fMessageUser
	fMessageMeta
	fConversationUser
	fDeviceAccount
	fNamedParty
	fPeoplePresence
	fChildBirth
	fTokenInDeviceName
	fPresenceUser
	fLocationPeople
	fKeyNamed
	fKeyContact
	fParty
	fTimestamp
	fConversation
	fPhone
	fEmail
	fPersonName
	fPresence
	fGeolocation
	fOtherPII
	fAuthSecret
	fBreadth
	fEvidenceCount
	fCounterShare
	fMessagingName
	fTelephonyName
	fContactName
	fPeopleName
	fLocationName
	fDeviceName
	fChildName
	fNonPIIName
	fLogName
	fConfigName
	fStatsName
	fContentName
	fCommerceName
	fKeyPattern
	fKeyOnly
	fSiblings
	fSiblingPeople
	fSiblingShop
	numFeatures
)

var features = [numFeatures]Feature{
	fMessages:           {"messages", "message body × a sender or recipient, or × a user id and a conversation id (the poster of a message in a room or channel)", +1, true},
	fCallRecords:        {"call_records", "call-record fields × a party (sender, recipient, user id, phone, e-mail) or a time", +1, true},
	fMembershipContacts: {"membership_contacts", "contact list or room membership × a person (user id, party, phone, e-mail, device) or a users container name", +1, true},
	fLocation:           {"location", "coordinates or positions × a user, party or device id", +1, true},
	fChildren:           {"children", "children, minors, guardians, parental consent; or a container named for children whose records are persons (a birth date or age, an account): child profiles", +1, true},
	fPhoneNumbers:       {"phone_numbers", "a virtual number, or a phone number × a messaging or telephony name (own or a sibling's) or × a messenger id", +1, true},
	fDeviceTokens:       {"device_tokens", "a push token", +1, true},
	fCommProfiles:       {"comm_profiles", "a phone number or e-mail × presence, status, last seen or messaging settings", +1, true},
	fMessageBody:        {"message_body", "message text or content, alone", +1, false},
	fMessageInNamed:     {"message_in_named_container", "message body × a messaging container name", +1, false},
	fMessageUser:        {"message_user", "message body × a user id, phone or e-mail", +1, false},
	fMessageMeta:        {"message_metadata", "sender/recipient × conversation or delivery state", +1, false},
	fConversationUser:   {"conversation_user", "conversation id × user id: who is in which room", +1, false},
	fDeviceAccount:      {"device_account", "a device id or a device container name × an account id: registered devices", +1, false},
	fNamedParty:         {"named_party", "a messaging or telephony container name × a party", +1, false},
	fPeoplePresence:     {"people_presence", "a users/profiles container name × presence or messaging settings", +1, false},
	fChildBirth:         {"child_birth", "children or pupils × a birth date or age", +1, false},
	fTokenInDeviceName:  {"token_in_device_container", "a token or secret in a container named for devices or push", +1, false},
	fPresenceUser:       {"presence_user", "presence or messaging settings × a user id", +1, false},
	fLocationPeople:     {"location_people", "coordinates or positions × a container named for people (users, drivers, passengers): a person's own position", +1, false},
	fKeyNamed:           {"key_named", "a Redis key pattern named for messages, calls, contacts, locations, devices or children", +1, false},
	fKeyContact:         {"key_contact", "a Redis key pattern keyed by a phone number or e-mail address (<phone>, <email>)", +1, false},
	fParty:              {"party", "sender, recipient, user id, phone or e-mail", +1, false},
	fTimestamp:          {"timestamp", "a time", +1, false},
	fConversation:       {"conversation", "room, channel, thread ids; delivery and read state", +1, false},
	fPhone:              {"phone", "a phone number or messenger id", +1, false},
	fEmail:              {"email", "an e-mail address", +1, false},
	fPersonName:         {"person_name", "a person's name", 0, false},
	fPresence:           {"presence", "presence, status, last seen, messaging settings", +1, false},
	fGeolocation:        {"geolocation", "coordinates or positions, alone", 0, false},
	fOtherPII:           {"other_pii", "birth date, postal address, payment or national id (shop and CRM data), unless in a child's profile", 0, false},
	fAuthSecret:         {"auth_secret", "passwords, tokens, keys", 0, false},
	fBreadth:            {"breadth", "how many messaging evidence categories appear, of 6", +1, false},
	fEvidenceCount:      {"evidence_count", "how many fields carry messaging evidence, log scale to 32", +1, false},
	fCounterShare:       {"counter_share", "the share of fields that are counters or aggregates (totals, counts, averages)", 0, false},
	fMessagingName:      {"messaging_name", "container named for messages, chats, SMS, rooms", +1, false},
	fTelephonyName:      {"telephony_name", "container named for calls, CDRs, voicemail", +1, false},
	fContactName:        {"contact_name", "container named for contacts, rosters, memberships", 0, false},
	fPeopleName:         {"people_name", "container named for users, profiles, accounts", 0, false},
	fLocationName:       {"location_name", "container named for locations, tracks, check-ins", +1, false},
	fDeviceName:         {"device_name", "container named for devices, installations, push", +1, false},
	fChildName:          {"child_name", "container named for children, kids, parental links", +1, false},
	fNonPIIName:         {"nonpii_name", "container named for metrics, traces, queues, brokers, caches, jobs", -1, false},
	fLogName:            {"log_name", "container named for logs, unless also named for messaging, calls, contacts, locations, devices or children (call_logs is no log)", -1, false},
	fConfigName:         {"config_name", "container named for settings, configuration, templates", -1, false},
	fStatsName:          {"stats_name", "container named for statistics, counters, analytics", -1, false},
	fContentName:        {"content_name", "container named for articles, blog posts, pages, reviews, unless it holds a person's messages in a conversation (Mattermost's posts: message, user_id, channel_id)", -1, false},
	fCommerceName:       {"commerce_name", "container named for orders, products, customers, invoices, unless it holds a person's position (location: a ride booking) or a child's profile", -1, false},
	fKeyPattern:         {"key_pattern", "a Redis key pattern: its name's evidence counts, being a key does not, so the weight can only be negative", -1, false},
	fKeyOnly:            {"key_pattern_only", "a Redis key pattern with no fields seen", -1, false},
	fSiblings:           {"sibling_messaging", "store context: the strongest messaging, telephony or membership signal among sibling containers", 0, false},
	fSiblingPeople:      {"sibling_messaging_people", "store context × people's data here (phone, e-mail, user id, name, presence, tokens, contacts, location)", +1, false},
	fSiblingShop:        {"sibling_shop_people", "store context: the strongest shop or CRM name among sibling containers (orders, products, leads) × people's data here", 0, false},
}

// Features lists the model's features in model.json order.
func Features() []Feature { return append([]Feature(nil), features[:]...) }

// FeatureNames lists the features' names in model.json order.
func FeatureNames() []string {
	out := make([]string, numFeatures)
	for i, f := range features {
		out[i] = f.Name
	}
	return out
}

// Firm is the rule weight from which evidence counts fully: a category's
// strength is its strongest rule weight divided by Firm, capped at 1. Rules
// of weight 0.8 and above name a category unambiguously (rules.json).
const Firm = 0.8

// vector is one container's feature values.
type vector [numFeatures]float64

// s is a category's strength in [0, 1]: its strongest weight over Firm.
func (a *assessment) s(cat int) float64 {
	return math.Min(1, math.Abs(a.cats[cat].w)/Firm)
}

// storeSignal is what a container tells its siblings, and what its
// siblings tell it: how clearly they belong to a messaging or telephony
// product, and to a shop or CRM. It reads only evidence, never a score.
type storeSignal struct{ messaging, shop float64 }

// signal is this container's signal to its siblings.
func (a *assessment) signal(x *vector) storeSignal {
	return storeSignal{
		messaging: max(x[fMessagingName], x[fTelephonyName], x[fMessages], x[fCallRecords], x[fMembershipContacts]),
		shop:      x[fCommerceName],
	}
}

// features computes a container's features; ctx is the strongest signal of
// its siblings (zero when scored alone), keyPattern and fields say what
// kind of container it is.
func (a *assessment) features(x *vector, ctx storeSignal, keyPattern bool, fields int) {
	sib := ctx.messaging
	s := a.s
	// A messenger id (messenger-handle) is read as a phone number is,
	// except in phone_numbers, where a phone beside it says the account
	// is a messaging account.
	phone := max(s(catPhone), s(catMessengerID))
	party := max(s(catSenderRecipient), s(catUserID), phone, s(catEmail))
	account := party
	who := max(party, s(catDeviceID))
	msgName, telName := s(catMessagingContext), s(catTelephonyContext)
	positiveName := max(msgName, telName, s(catContactContext), s(catLocationContext), s(catDeviceContext), s(catChildContext))
	convUser := s(catConversation) * s(catUserID) // who is in which room

	// The sender of a chat message is often named only as a user id
	// beside the room or channel it was posted in (Mattermost's posts,
	// Overleaf's messages: message, user_id, channel_id/room_id): a body,
	// a user id and a conversation id are a person's message in a
	// conversation. A body and a user id alone are not (a blog post's
	// author, an audit log's actor).
	x[fMessages] = s(catMessageBody) * max(s(catSenderRecipient), convUser)
	x[fCallRecords] = s(catCallRecord) * max(party, s(catTimestamp))
	x[fMembershipContacts] = max(s(catContactList), s(catMembership)) * max(who, s(catPeopleContext))
	x[fLocation] = s(catGeolocation) * max(s(catUserID), s(catSenderRecipient), s(catDeviceID))
	// A container named for children (children, kids, alunos, cocuk)
	// whose records are persons, with a birth date or age or an account
	// (the child's own, or the parent's it hangs from), is a table of
	// child profiles: the definition's children's accounts, whether or
	// not a field names a parent. A container so named with neither
	// (a school's class list: name, teacher, room) is not.
	childRecord := s(catChildContext) * max(s(catBirthdate), account)
	x[fChildren] = max(s(catChild), childRecord)
	x[fPhoneNumbers] = max(s(catVirtualNumber), phone*max(msgName, telName, sib))
	// A phone number beside a messenger id in a record of people (a
	// Telegram bot's users: telegram_id or chat_id, phone; a chatbot's
	// contacts: phone, nameWhatsapp) is the phone of a messaging account.
	// In a record of something else (a shop branch's or an ad's contact
	// ways: phone, whatsapp, telegram) both are that thing's public
	// contacts. A messenger id alone counts as a phone does.
	if max(s(catPeopleContext), s(catContactContext)) > 0 {
		x[fPhoneNumbers] = max(x[fPhoneNumbers], s(catPhone)*s(catMessengerID))
	}
	x[fDeviceTokens] = s(catPushToken)
	x[fCommProfiles] = max(phone, s(catEmail)) * s(catPresence)

	x[fMessageBody] = s(catMessageBody)
	x[fMessageInNamed] = s(catMessageBody) * msgName
	x[fMessageUser] = s(catMessageBody) * max(s(catUserID), phone, s(catEmail))
	x[fMessageMeta] = s(catSenderRecipient) * s(catConversation)
	x[fDeviceAccount] = max(s(catDeviceID), s(catDeviceContext)) * account
	x[fNamedParty] = max(msgName, telName) * party
	x[fPeoplePresence] = s(catPeopleContext) * s(catPresence)
	x[fChildBirth] = max(s(catChild), s(catChildContext)) * s(catBirthdate)
	x[fTokenInDeviceName] = s(catDeviceContext) * s(catAuthSecret)
	x[fPresenceUser] = s(catPresence) * s(catUserID)
	x[fLocationPeople] = s(catGeolocation) * s(catPeopleContext)
	x[fKeyNamed], x[fKeyContact] = 0, 0
	if keyPattern {
		x[fKeyContact] = max(phone, s(catEmail))
		x[fKeyNamed] = max(msgName, telName, s(catContactContext), s(catLocationContext), s(catDeviceContext), s(catChildContext))
	}
	x[fConversationUser] = convUser
	x[fParty] = party
	x[fTimestamp] = s(catTimestamp)
	x[fConversation] = s(catConversation)
	x[fPhone] = phone
	x[fEmail] = s(catEmail)
	x[fPersonName] = s(catPersonName)
	x[fPresence] = s(catPresence)
	x[fGeolocation] = s(catGeolocation)
	// Birth dates, addresses, payment and national ids say a shop or a
	// CRM; in a child's profile (childRecord) they are the child's own,
	// so they give way to it, as a log name gives way to a messaging name.
	// Beside coordinates they still count: a position next to a postal
	// address is mostly that address's geocode (a branch, a partner, a
	// saved address), not a person's trace.
	x[fOtherPII] = max(s(catBirthdate), s(catPostalAddress), s(catPayment), s(catNationalID)) * (1 - childRecord)
	x[fAuthSecret] = s(catAuthSecret)
	n, fieldsHit := 0, 0
	for _, c := range breadthCategories {
		if a.cats[c].w > 0 {
			n++
			fieldsHit += a.cats[c].n
		}
	}
	x[fBreadth] = math.Min(1, float64(n)/6)
	x[fEvidenceCount] = math.Min(1, math.Log2(1+float64(fieldsHit))/5)
	// A key pattern's own name counts as one of its fields.
	x[fCounterShare] = math.Min(1, float64(a.cats[catCounter].n)/float64(max(fields, 1)))

	x[fMessagingName] = msgName
	x[fTelephonyName] = telName
	x[fContactName] = s(catContactContext)
	x[fPeopleName] = s(catPeopleContext)
	x[fLocationName] = s(catLocationContext)
	x[fDeviceName] = s(catDeviceContext)
	x[fChildName] = s(catChildContext)
	x[fNonPIIName] = s(catNonPIIContext)
	x[fLogName] = s(catLogContext) * (1 - positiveName)
	x[fConfigName] = s(catConfigContext)
	x[fStatsName] = s(catStatsContext)
	// A chat product may call its messages posts (Mattermost's posts_*
	// index: message, user_id, channel_id): a body, a user id and a room
	// or channel id outweigh the published-content name, as messaging
	// names outweigh a log name.
	x[fContentName] = s(catContentContext) * (1 - s(catMessageBody)*convUser)
	// A commerce name (bookings, deliveries, pedidos) gives way to a
	// person's own position (a ride's pickup by a passenger and a driver,
	// a courier's route) and to a child's profile: a ride booking is a
	// user's trace, though booked. A shop's own places (stores, branches)
	// have no person's id, so location is 0 there and the name counts.
	x[fCommerceName] = s(catCommerceContext) * (1 - max(x[fLocation], childRecord))

	x[fKeyPattern], x[fKeyOnly] = 0, 0
	if keyPattern {
		x[fKeyPattern] = 1
		if fields == 0 {
			x[fKeyOnly] = 1
		}
	}
	people := max(party, s(catPersonName), s(catPresence), s(catPushToken), s(catDeviceID),
		s(catContactList), s(catMembership), s(catGeolocation), s(catPeopleContext))
	// sibling_messaging is free-signed: beside a messaging product's
	// messages, its collections and indices of configuration, statistics
	// and jobs are no messaging PII, and the fit reads the context alone
	// against a container. A Redis db's key patterns are one keyspace
	// scored as its highest key: a key beside a chat's messages is that
	// chat server's key, and the context alone must not lower it (a key
	// pattern with sibling_messaging fitted at -0.59 and a raising-only
	// twin of it, tried in round 9, fitted at 0). Keys read their
	// siblings only through sibling_messaging_people and phone_numbers.
	x[fSiblings] = sib
	if keyPattern {
		x[fSiblings] = 0
	}
	x[fSiblingPeople] = sib * people
	x[fSiblingShop] = ctx.shop * people
}

// breadthCategories are the evidence categories of messaging data whose
// number in one container is the breadth feature.
var breadthCategories = [...]int{
	catMessageBody, catCallRecord, catSenderRecipient, catConversation, catMembership,
	catContactList, catPresence, catPushToken, catChild, catVirtualNumber,
}

// categoryEvidence lists, per category of the definition, the evidence
// categories whose firm evidence alone makes that category: a message body
// and a party, a call record and a party, a contact list and a user id, a
// position and a user id, a child, a virtual number beside a phone number,
// a push token and a user id, a phone number beside presence.
var categoryEvidence = [numDefinitions][]int{
	defMessages:           {catMessageBody, catSenderRecipient},
	defCallRecords:        {catCallRecord, catSenderRecipient},
	defMembershipContacts: {catContactList, catUserID},
	defLocation:           {catGeolocation, catUserID},
	defChildren:           {catChild},
	defPhoneNumbers:       {catVirtualNumber, catPhone},
	defDeviceTokens:       {catPushToken, catUserID},
	defCommProfiles:       {catPhone, catPresence},
}

// CategoryPoints returns, per category of the definition in order, the
// feature values of a container holding firm evidence of that category and
// nothing else (categoryEvidence, each at weight Firm in one field). The
// fit keeps the model's log-odds at each point at or above the high
// threshold plus CategoryMargin; ParseModel checks it.
func CategoryPoints() [][]float64 {
	out := make([][]float64, numDefinitions)
	for d, cats := range categoryEvidence {
		var a assessment
		for _, c := range cats {
			a.cats[c] = catAcc{w: Firm, n: 1}
		}
		a.features(&a.x, storeSignal{}, false, len(cats))
		out[d] = append([]float64(nil), a.x[:]...)
	}
	return out
}
