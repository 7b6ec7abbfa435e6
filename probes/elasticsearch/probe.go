package elasticsearch

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/spillcheck/spillcheck/scanner"
)

// New returns the Elasticsearch/OpenSearch probe.
func New() scanner.Probe { return probe{} }

type probe struct{}

// Name is scanner.Elasticsearch; the probe also recognises OpenSearch.
func (probe) Name() string { return scanner.Elasticsearch }

// DefaultPorts are the HTTP port and the port Elastic Cloud and many proxies
// serve HTTPS on.
func (probe) DefaultPorts() []int { return []int{9200, 9243} }

// Probe classifies the target and, when it is open, lists its indices and
// their mapped field names. See the package doc for what it sends.
func (probe) Probe(ctx context.Context, t scanner.Target, env *scanner.Env) (res scanner.Result, err error) {
	start := time.Now()
	res = scanner.Result{Target: t, Started: start}
	defer func() { res.Duration = scanner.Duration(time.Since(start)) }()

	tr, rep, err := connect(ctx, t, env, &res)
	if tr != nil {
		defer tr.close()
	}
	if err != nil {
		return res, err
	}
	b, ok, err := classify(rep, &res)
	if !ok || err != nil {
		return res, err
	}
	s := &session{tr: tr, env: env, res: &res, caps: capabilitiesOf(res.Product, b)}
	err = s.inventory(ctx) // fills res through s.res
	return res, err
}

// reply is one HTTP answer with its capped body read.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// request is what every esapi request type offers.
type request interface {
	Do(ctx context.Context, tr esapi.Transport) (*esapi.Response, error)
}

// do performs one esapi request over tr and reads its body.
func do(ctx context.Context, tr *transport, what string, req request) (reply, error) {
	resp, err := req.Do(ctx, tr)
	if err != nil {
		return reply{}, fmt.Errorf("%s: %w", what, err)
	}
	body, err := readBody(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s: %w", what, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// connect sends GET / over plain HTTP and, when the port turns out to speak
// TLS, once more over HTTPS (first, when the target asks for TLS). It
// records the TLS facts of the session it keeps.
func connect(ctx context.Context, t scanner.Target, env *scanner.Env, res *scanner.Result) (*transport, reply, error) {
	schemes := []string{"http", "https"}
	if t.TLS {
		schemes = schemes[1:]
	}
	// Dial before building an HTTP client: a closed or filtered port then
	// costs one dial, and the first request goes over this connection.
	raw, err := env.DialContext(ctx, "tcp", t.Addr())
	if err != nil {
		return nil, reply{}, fmt.Errorf("GET /: %w", err)
	}
	first := recordFirst(raw)
	var conn net.Conn = first
	var plainErr error
	for i, scheme := range schemes {
		tr := newTransport(t, env, scheme, conn)
		conn = nil // a retry dials afresh
		rep, err := do(ctx, tr, "GET /", esapi.InfoRequest{})
		if i == 0 {
			ferr := first.foreign()
			if ferr == nil && first.closedSilently(err) && scheme == "http" {
				ferr = askWithoutHost(ctx, t, env)
			}
			if ferr != nil {
				tr.close()
				return nil, reply{}, ferr
			}
		}
		if i+1 < len(schemes) && speaksTLS(rep, err) {
			tr.close()
			plainErr = err
			res.Notes = append(res.Notes, "plain HTTP was refused; retried over HTTPS")
			continue
		}
		if st := tr.tlsState(); st != nil {
			res.TLS = scanner.TLSFacts(*st)
		}
		if plainErr != nil && notTLS(err) {
			// Neither plain HTTP nor TLS: a broken or foreign service, not
			// a TLS port.
			err = scanner.ProtocolError("no HTTP answer over plain HTTP (%v) nor TLS (%v)", plainErr, err)
		}
		return tr, rep, err
	}
	panic("unreachable")
}

// notTLS reports whether a TLS attempt failed because the server does not
// speak TLS at all (as opposed to a failed handshake with a TLS server).
func notTLS(err error) bool {
	var rh tls.RecordHeaderError
	return errors.As(err, &rh) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) ||
		(err != nil && strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"))
}

// speaksTLS reports whether a plain-HTTP attempt failed the way TLS ports
// answer it: the connection dropped or a TLS record came back, or a 400
// that asks for HTTPS.
func speaksTLS(rep reply, err error) bool {
	if err == nil {
		low := bytes.ToLower(rep.body)
		return rep.status == http.StatusBadRequest &&
			(bytes.Contains(low, []byte("https")) || bytes.Contains(low, []byte("tls")) || bytes.Contains(low, []byte("ssl")))
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "malformed HTTP")
}

// classify reads the answer to GET / into res: status, product, version,
// facts and, for a 401, the challenge. ok is true when the cluster answered
// anonymously and the inventory can go on.
func classify(rep reply, res *scanner.Result) (banner, bool, error) {
	switch rep.status {
	case http.StatusOK:
		b, product, err := parseBanner(rep.header, rep.body)
		if err != nil {
			res.Status = scanner.StatusProtocolError
			return b, false, err
		}
		res.Product, res.Version, res.Facts = product, scanner.Shorten(b.Version.Number, scanner.MaxFactLen), b.facts()
		if product == ProductCompatible {
			res.Notes = append(res.Notes, "GET / looks like a search cluster but shows neither Elasticsearch's nor OpenSearch's marks")
		}
		return b, true, nil
	case http.StatusUnauthorized:
		schemes, realm, product := authChallenge(rep.header, rep.body)
		res.Status, res.Auth, res.Product = scanner.StatusAuthRequired, schemes, product
		if realm != "" {
			res.Facts = map[string]string{"auth_realm": scanner.Shorten(realm, scanner.MaxFactLen)}
		}
		if product == "" {
			res.Notes = append(res.Notes, "401 without Elasticsearch or OpenSearch marks; maybe a proxy in front")
		}
		return banner{}, false, nil
	case http.StatusForbidden:
		_, _, product := authChallenge(rep.header, rep.body)
		if product == "" && bytes.Contains(rep.body, []byte(`"security_exception"`)) {
			product = ProductElasticsearch
		}
		res.Status, res.Product = scanner.StatusAuthRequired, product
		res.Notes = append(res.Notes, "GET / answered 403: anonymous access is configured but may not read cluster info")
		return banner{}, false, nil
	}
	res.Status = scanner.StatusProtocolError
	return banner{}, false, scanner.ProtocolError("GET / answered HTTP %d, not a search cluster banner", rep.status)
}
