package fingerprints

// Category is a kind of evidence a rule yields. The set is fixed in code
// because the scoring model (score.go) combines categories by role; rules
// choose among them.
type Category struct {
	Name        string
	Description string
	// PII marks categories that are personal data on their own; their
	// strongest weight is the container's PII level.
	PII bool
	// container marks categories that only container-name rules yield.
	container bool
}

// Category indices, in report order.
const (
	catMessageBody = iota
	catCallRecord
	catSenderRecipient
	catPhone
	catEmail
	catVirtualNumber
	catUserID
	catConversation
	catTimestamp
	catPersonName
	catContactList
	catGeolocation
	catDeviceID
	catPushToken
	catChild
	catAuthSecret
	catIPAddress
	catBirthdate
	catPostalAddress
	catPayment
	catNationalID
	catMessagingContext
	catTelephonyContext
	catContactContext
	catNonPIIContext
	numCategories
)

var categories = [numCategories]Category{
	catMessageBody:      {Name: "message_body", Description: "message text or content"},
	catCallRecord:       {Name: "call_record", Description: "call detail record fields: duration, billsec, disposition, caller/callee"},
	catSenderRecipient:  {Name: "sender_recipient", Description: "who sent or received: from/to, sender, recipient, peer, participants", PII: false},
	catPhone:            {Name: "phone", Description: "phone numbers, MSISDN", PII: true},
	catEmail:            {Name: "email", Description: "e-mail addresses", PII: true},
	catVirtualNumber:    {Name: "virtual_number", Description: "second, proxy or masked numbers linked to a real one", PII: true},
	catUserID:           {Name: "user_id", Description: "account and user identifiers, usernames"},
	catConversation:     {Name: "conversation", Description: "room, channel, thread, chat ids; delivery and read state"},
	catTimestamp:        {Name: "timestamp", Description: "when something was sent, created or happened"},
	catPersonName:       {Name: "person_name", Description: "people's names", PII: true},
	catContactList:      {Name: "contact_list", Description: "address books, rosters, friend lists", PII: true},
	catGeolocation:      {Name: "geolocation", Description: "coordinates, places, cell towers", PII: true},
	catDeviceID:         {Name: "device_id", Description: "IMEI, IMSI, advertising and hardware ids", PII: true},
	catPushToken:        {Name: "push_token", Description: "push notification tokens", PII: true},
	catChild:            {Name: "child", Description: "children and minors, parental consent", PII: true},
	catAuthSecret:       {Name: "auth_secret", Description: "password hashes, OTPs, tokens, keys", PII: true},
	catIPAddress:        {Name: "ip_address", Description: "client IP addresses", PII: true},
	catBirthdate:        {Name: "birthdate", Description: "dates of birth, age", PII: true},
	catPostalAddress:    {Name: "postal_address", Description: "street addresses, postcodes", PII: true},
	catPayment:          {Name: "payment", Description: "card and bank account data", PII: true},
	catNationalID:       {Name: "national_id", Description: "SSN, CPF, passport and ID card numbers", PII: true},
	catMessagingContext: {Name: "messaging_context", Description: "container named for messages, chats, SMS, inboxes", container: true},
	catTelephonyContext: {Name: "telephony_context", Description: "container named for calls and CDRs", container: true},
	catContactContext:   {Name: "contact_context", Description: "container named for contacts and address books", container: true},
	catNonPIIContext:    {Name: "nonpii_context", Description: "container named for logs, metrics, traces, queues (negative weight)", container: true},
}

var categoryIndex = func() map[string]int {
	m := make(map[string]int, numCategories)
	for i, c := range categories {
		m[c.Name] = i
	}
	return m
}()

// Categories lists every category in report order.
func Categories() []Category { return append([]Category(nil), categories[:]...) }
