package scanner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// Status is what a probe found at a target. Every result has exactly one.
type Status string

// The statuses, from most to least exposed.
const (
	StatusOpen          Status = "open"           // reads work without credentials
	StatusPartial       Status = "partially-open" // some reads work, the listing does not
	StatusAuthRequired  Status = "auth-required"  // the service answers and asks for credentials
	StatusProtected     Status = "protected"      // Redis protected mode refused a remote client
	StatusTLSRequired   Status = "tls-required"   // the port needs TLS that could not be completed
	StatusProtocolError Status = "protocol-error" // something answered that is not this service
	StatusTimeout       Status = "timeout"        // no answer in time (filtered, or a stall)
	StatusClosed        Status = "closed"         // connection refused or unreachable
	StatusError         Status = "error"          // any other failure
)

// Exposed reports whether the status means data can be read without
// credentials.
func (s Status) Exposed() bool { return s == StatusOpen || s == StatusPartial }

// Assessed reports whether the status says something about the target:
// every status but timeout and error (no answer, or a failure that left
// nothing known). A CI gate must not pass on unassessed targets unseen.
func (s Status) Assessed() bool { return s != StatusTimeout && s != StatusError }

// Sentinel errors that probes wrap so that Classify can name the status.
var (
	ErrProtocol      = errors.New("not the expected protocol")
	ErrAuthRequired  = errors.New("authentication required")
	ErrTLSRequired   = errors.New("the server requires TLS")
	ErrOutOfScope    = errors.New("address is outside the scan scope")
	ErrBudget        = errors.New("per-target byte budget exceeded")
	ErrResponseLimit = errors.New("response larger than the size cap")
)

// ProtocolError returns an error wrapping ErrProtocol with a short reason,
// such as "HTTP server without a cluster banner".
func ProtocolError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))
}

// Classify maps an error from a probe to a status. A nil error is open; it
// is the one place where errors become statuses.
func Classify(err error) Status {
	// errors.Is first: it does not allocate, and closed ports, the most
	// common answer of a large scan, are settled here.
	switch {
	case err == nil:
		return StatusOpen
	case errors.Is(err, ErrAuthRequired):
		return StatusAuthRequired
	case errors.Is(err, ErrTLSRequired):
		return StatusTLSRequired
	case errors.Is(err, ErrProtocol), errors.Is(err, ErrResponseLimit), errors.Is(err, ErrBudget):
		return StatusProtocolError
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH):
		return StatusClosed
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return StatusTimeout
	}
	var (
		recErr  tls.RecordHeaderError
		certErr *tls.CertificateVerificationError
		unkErr  x509.UnknownAuthorityError
		ne      net.Error
	)
	switch {
	case errors.As(err, &recErr), errors.As(err, &certErr), errors.As(err, &unkErr):
		return StatusTLSRequired
	case errors.As(err, &ne) && ne.Timeout():
		return StatusTimeout
	}
	return StatusError
}
