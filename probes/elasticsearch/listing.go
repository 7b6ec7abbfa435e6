package elasticsearch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// A listing's reader returns errStopListing to stop early on purpose; the
// allowance reader returns errListingCut when the listing reaches its share
// of the target's byte budget. Neither is a failure: what was read stands.
var (
	errStopListing = errors.New("listing stopped")
	errListingCut  = errors.New("listing cut at its byte allowance")
)

func isStop(err error) bool {
	return errors.Is(err, errListingCut) || errors.Is(err, errStopListing)
}

// errBodyDrain bounds what is read of a non-200 answer, so that the
// connection can be kept for the next request.
const errBodyDrain = 64 << 10

// allowance counts the bytes read through it and stops at limit.
type allowance struct {
	r    io.Reader
	left int64
	n    int64
}

func (a *allowance) Read(p []byte) (int, error) {
	if a.left <= 0 {
		// At the allowance: the body may end exactly here.
		var one [1]byte
		if n, err := a.r.Read(one[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, errListingCut
	}
	if int64(len(p)) > a.left {
		p = p[:a.left]
	}
	n, err := a.r.Read(p)
	a.n += int64(n)
	a.left -= int64(n)
	return n, err
}

// streamed is how one streamed request ended.
type streamed struct {
	status int   // HTTP status; read was called only for 200
	bytes  int64 // body bytes read
	cut    bool  // the body was longer than the allowance
}

// stream sends req and, on a 200, hands its body to read, allowing at most
// limit bytes of it. A body cut at limit is not an error (streamed.cut),
// nor is a read that stops with errStopListing. The bytes read are added to
// the session's spent.
func (s *session) stream(ctx context.Context, what string, req request, limit int64, read func(io.Reader) error) (streamed, error) {
	resp, err := req.Do(ctx, s.tr)
	if err != nil {
		return streamed{}, fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	a := &allowance{r: resp.Body, left: limit}
	if resp.StatusCode != http.StatusOK {
		a.left = errBodyDrain
		io.Copy(io.Discard, a)
		s.spent += a.n
		return streamed{status: resp.StatusCode, bytes: a.n}, nil
	}
	err = read(a)
	s.spent += a.n
	st := streamed{status: resp.StatusCode, bytes: a.n, cut: errors.Is(err, errListingCut)}
	if isStop(err) {
		err = nil
	}
	if err != nil {
		return st, fmt.Errorf("%s: %w", what, err)
	}
	return st, nil
}

// budgetLeft is what the target's byte budget has left for the session,
// as far as the session counts (headers are not counted; the connection
// enforces the exact budget).
func (s *session) budgetLeft() int64 {
	return s.env.Limits.MaxTargetBytes - s.spent
}
