package fingerprints

// Category is a kind of evidence a rule yields, or one of the eight kinds of
// messaging PII of the definition (docs/scoring.md) that the model's
// category features stand for. The set is fixed in code because the
// features (features.go) read categories by role; rules choose among the
// evidence categories.
type Category struct {
	Name        string
	Description string
	// PII marks categories that are personal data on their own; their
	// strongest weight is the container's PII level.
	PII bool
	// Definition marks the eight categories of messaging PII; no rule
	// yields them, the model's category features do.
	Definition bool
	// container marks categories that only container-name rules yield;
	// negative ones count against messaging PII, and their rules have
	// negative weights.
	container, negative bool
}

// Evidence category indices, in report order.
const (
	catMessageBody = iota
	catCallRecord
	catSenderRecipient
	catPhone
	catEmail
	catVirtualNumber
	catMessengerID
	catUserID
	catConversation
	catMembership
	catTimestamp
	catPersonName
	catContactList
	catGeolocation
	catPresence
	catDeviceID
	catPushToken
	catChild
	catAuthSecret
	catIPAddress
	catBirthdate
	catPostalAddress
	catPayment
	catNationalID
	catCounter
	catMessagingContext
	catTelephonyContext
	catContactContext
	catPeopleContext
	catLocationContext
	catDeviceContext
	catChildContext
	catNonPIIContext
	catLogContext
	catConfigContext
	catStatsContext
	catContentContext
	catCommerceContext
	catOtherContext
	numCategories
)

var categories = [numCategories]Category{
	catMessageBody:      {Name: "message_body", Description: "message text or content"},
	catCallRecord:       {Name: "call_record", Description: "call detail record fields: duration, billsec, disposition, answered/missed, call start and end"},
	catSenderRecipient:  {Name: "sender_recipient", Description: "who sent or received: from/to, sender, recipient, caller/callee, peer, participants"},
	catPhone:            {Name: "phone", Description: "phone numbers, MSISDN", PII: true},
	catEmail:            {Name: "email", Description: "e-mail addresses", PII: true},
	catVirtualNumber:    {Name: "virtual_number", Description: "second, proxy or masked numbers linked to a real one", PII: true},
	catMessengerID:      {Name: "messenger_id", Description: "the id or handle of an account on a messenger, other than a plain phone field: a WhatsApp, Telegram, Viber, WeChat, QQ or LINE id, a bot user's chat id", PII: true},
	catUserID:           {Name: "user_id", Description: "account and user identifiers, usernames, JIDs"},
	catConversation:     {Name: "conversation", Description: "room, channel, thread, chat ids; delivery and read state"},
	catMembership:       {Name: "membership", Description: "room, channel and group membership: members, subscriptions, joined rooms, roles in a room"},
	catTimestamp:        {Name: "timestamp", Description: "when something was sent, created or happened"},
	catPersonName:       {Name: "person_name", Description: "people's names", PII: true},
	catContactList:      {Name: "contact_list", Description: "address books, rosters, friend and block lists, followers", PII: true},
	catGeolocation:      {Name: "geolocation", Description: "coordinates, positions, location history, check-ins, cell towers", PII: true},
	catPresence:         {Name: "presence", Description: "presence, status, last seen, typing, and an account's messaging settings"},
	catDeviceID:         {Name: "device_id", Description: "IMEI, IMSI, device and installation ids, advertising and hardware ids", PII: true},
	catPushToken:        {Name: "push_token", Description: "push notification tokens (APNs, FCM, web push)", PII: true},
	catChild:            {Name: "child", Description: "children and minors, child profiles, parents and guardians, parental consent", PII: true},
	catAuthSecret:       {Name: "auth_secret", Description: "password hashes, OTPs, tokens, keys", PII: true},
	catIPAddress:        {Name: "ip_address", Description: "client IP addresses", PII: true},
	catBirthdate:        {Name: "birthdate", Description: "dates of birth, age", PII: true},
	catPostalAddress:    {Name: "postal_address", Description: "street addresses, postcodes", PII: true},
	catPayment:          {Name: "payment", Description: "card and bank account data", PII: true},
	catNationalID:       {Name: "national_id", Description: "SSN, CPF, passport and ID card numbers", PII: true},
	catCounter:          {Name: "counter", Description: "counters and aggregates: totals, counts, averages, rates (statistics tables)"},
	catMessagingContext: {Name: "messaging_context", Description: "container named for messages, chats, SMS, inboxes, rooms", container: true},
	catTelephonyContext: {Name: "telephony_context", Description: "container named for calls, CDRs, voicemail, numbers", container: true},
	catContactContext:   {Name: "contact_context", Description: "container named for contacts, rosters, friends, memberships", container: true},
	catPeopleContext:    {Name: "people_context", Description: "container named for users, profiles, accounts, subscribers", container: true},
	catLocationContext:  {Name: "location_context", Description: "container named for locations, positions, tracks, check-ins", container: true},
	catDeviceContext:    {Name: "device_context", Description: "container named for devices, installations, push registrations", container: true},
	catChildContext:     {Name: "child_context", Description: "container named for children, kids, parental links", container: true},
	catNonPIIContext:    {Name: "nonpii_context", Description: "container named for metrics, traces, queues, brokers, caches, jobs (negative weight)", container: true, negative: true},
	catLogContext:       {Name: "log_context", Description: "container named for logs (negative weight, except beside a messaging or telephony name: call_logs)", container: true, negative: true},
	catConfigContext:    {Name: "config_context", Description: "container named for settings, configuration, templates, migrations (negative weight)", container: true, negative: true},
	catStatsContext:     {Name: "stats_context", Description: "container named for statistics, counters, analytics, reports (negative weight)", container: true, negative: true},
	catContentContext:   {Name: "content_context", Description: "container named for published content: articles, blog posts, pages, reviews (negative weight)", container: true, negative: true},
	catCommerceContext:  {Name: "commerce_context", Description: "container named for shop and CRM records: orders, products, customers, invoices (negative weight)", container: true, negative: true},
	catOtherContext:     {Name: "other_context", Description: "container named for something else whose fields read like messaging: calendar events, project boards and tasks, an application's notifications, jobs, operations, audit trails and alerts, forum threads and comments, steps and schedules (no feature reads it; field rules name its rules in outside)", container: true},
}

// The eight categories of messaging PII (docs/scoring.md, "What counts as
// messaging PII"), in report order. Each is one category feature of the
// model (features.go).
const (
	defMessages = iota
	defCallRecords
	defMembershipContacts
	defLocation
	defChildren
	defPhoneNumbers
	defDeviceTokens
	defCommProfiles
	numDefinitions
)

var definitions = [numDefinitions]Category{
	defMessages:           {Name: "messages", Description: "message or call content tied to people; per-message sender/recipient identifiers", Definition: true},
	defCallRecords:        {Name: "call_records", Description: "call records and call logs: who called whom, when, for how long", Definition: true},
	defMembershipContacts: {Name: "membership_contacts", Description: "room membership linking users; contact lists, rosters, friend lists", Definition: true},
	defLocation:           {Name: "location", Description: "precise location traces or check-ins of users", Definition: true},
	defChildren:           {Name: "children", Description: "children's accounts and profiles, parental links, children's chats", Definition: true},
	defPhoneNumbers:       {Name: "phone_numbers", Description: "phone numbers of messaging accounts; virtual numbers linked to real ones", Definition: true},
	defDeviceTokens:       {Name: "device_tokens", Description: "device and push tokens tied to user accounts", Definition: true},
	defCommProfiles:       {Name: "comm_profiles", Description: "a communication product's user profiles: phone or e-mail beside presence, status or messaging settings", Definition: true},
}

var categoryIndex = func() map[string]int {
	m := make(map[string]int, numCategories)
	for i, c := range categories {
		m[c.Name] = i
	}
	return m
}()

// DefinitionCategories lists the eight categories of messaging PII, the ids
// corpus labels use.
func DefinitionCategories() []Category { return append([]Category(nil), definitions[:]...) }

// Categories lists the messaging PII categories of the definition, then
// every evidence category, in report order.
func Categories() []Category {
	return append(DefinitionCategories(), categories[:]...)
}
