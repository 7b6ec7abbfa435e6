package report

import "github.com/spillcheck/spillcheck/scanner"

// FixStep is one thing an operator does to close an exposure.
type FixStep struct {
	Title  string // "Enable authentication"
	Detail string // what to change, in the store's own terms
}

// Fix lists the steps that close an exposed store of the given service, in
// the order to take them: enable auth, bind, TLS, network policy. All
// reports (SARIF help and messages, Markdown, HTML) take their fix text from
// here.
func Fix(service string) []FixStep {
	steps, ok := fixes[service]
	if !ok {
		steps = fixes[""]
	}
	return steps
}

var networkStep = FixStep{
	Title:  "Restrict the network",
	Detail: "Allow the port only from the application hosts that need it: a security group, firewall rule or Kubernetes NetworkPolicy; never 0.0.0.0/0.",
}

var fixes = map[string][]FixStep{
	scanner.Redis: {
		{"Enable authentication", "Set `requirepass`, or better ACL users with `user default off` and one user per application (`aclfile`); restart and rotate the clients' credentials."},
		{"Bind to private interfaces", "Set `bind 127.0.0.1 <private address>` and keep `protected-mode yes`; never bind to 0.0.0.0 on a host with a public address."},
		{"Turn on TLS", "Set `tls-port 6379`, `port 0`, `tls-cert-file`, `tls-key-file` and `tls-auth-clients optional` (or `yes` for mutual TLS)."},
		networkStep,
	},
	scanner.MongoDB: {
		{"Enable authentication", "Create an admin user, then set `security.authorization: enabled` in mongod.conf (or start mongod with `--auth`) and restart; give each application its own least-privilege user."},
		{"Bind to private interfaces", "Set `net.bindIp: 127.0.0.1,<private address>` instead of `0.0.0.0` or `--bind_ip_all`."},
		{"Turn on TLS", "Set `net.tls.mode: requireTLS` with `net.tls.certificateKeyFile`."},
		networkStep,
	},
	scanner.Elasticsearch: {
		{"Enable authentication", "Set `xpack.security.enabled: true` (OpenSearch: enable the security plugin and remove `plugins.security.disabled: true`), set the built-in users' passwords and give each application a role limited to its indices."},
		{"Bind to private interfaces", "Set `network.host` (or `http.host`) to a private address instead of `0.0.0.0`, or put the cluster behind an authenticating proxy."},
		{"Turn on TLS", "Set `xpack.security.http.ssl.enabled: true` with a keystore (OpenSearch: `plugins.security.ssl.http.enabled: true`)."},
		networkStep,
	},
	"": {
		{"Enable authentication", "Require credentials for every client; create one least-privilege user per application."},
		{"Bind to private interfaces", "Listen only on loopback and private addresses, never on 0.0.0.0."},
		{"Turn on TLS", "Serve the port with TLS only."},
		networkStep,
	},
}
