package scanner

import (
	"errors"
	"fmt"

	"github.com/spillcheck/spillcheck/scanner/wire"
)

// ForeignError says that a probe reached a server speaking another
// protocol, named from the server's first bytes by wire.Identify. It wraps
// ErrProtocol, so the target's status is protocol-error, and the runner
// records the protocol seen as the fact "protocol".
type ForeignError struct {
	Seen wire.Match
	// Want names what the probe expected: "Redis", "MongoDB", "HTTP".
	Want string
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("%v: %v answered, not %s", ErrProtocol, e.Seen, e.Want)
}

func (e *ForeignError) Unwrap() error { return ErrProtocol }

// Foreign returns a *ForeignError for a server whose first bytes matched
// seen where want was expected.
func Foreign(seen wire.Match, want string) error {
	return &ForeignError{Seen: seen, Want: want}
}

// Speaker is an optional ability of a Probe, found by type assertion: the
// wire protocol it speaks, and the first request it would send to a
// target. The scanner uses them to tell which service answers on a port
// that has neither a scheme nor a default service (see Identify).
type Speaker interface {
	Protocol() wire.Protocol
	// Opening returns the probe's first request to t, checked against the
	// probe's allowlist, and the protocols whose answer to it
	// wire.Identify recognizes (its own among them). The scanner sends the
	// opening with the most such answers first.
	Opening(t Target) (req []byte, answeredBy []wire.Protocol)
}

// recordProtocol sets the "protocol" fact of a result whose error names a
// foreign protocol.
func recordProtocol(res *Result, err error) {
	if err == nil || !errors.Is(err, ErrProtocol) { // no allocation: the common case
		return
	}
	var fe *ForeignError
	if !errors.As(err, &fe) || fe.Seen.Protocol == wire.Unknown {
		return
	}
	if res.Facts == nil {
		res.Facts = map[string]string{}
	}
	res.Facts["protocol"] = string(fe.Seen.Protocol)
}
