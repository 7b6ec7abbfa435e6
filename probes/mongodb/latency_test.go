package mongodb

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/spillcheck/spillcheck/scanner"
)

// BenchmarkProbeFerretDBRTT is BenchmarkProbeFerretDB through a loopback
// proxy that delays every chunk by 500µs each way: a 1 ms round trip, as
// on a near network, where the probe's cost is mostly its round trips.
func BenchmarkProbeFerretDBRTT(b *testing.B) {
	addr := startFerret(b)
	seed(b, addr)
	benchProbe(b, delayProxy(b, addr, 500*time.Microsecond), scanner.StatusOpen)
}

// delayProxy forwards connections to addr, each chunk of bytes delivered
// d after it arrived, in order.
func delayProxy(tb testing.TB, addr string, d time.Duration) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			go delayCopy(s, c, d)
			go delayCopy(c, s, d)
		}
	}()
	return l.Addr().String()
}

type chunk struct {
	at time.Time
	b  []byte
}

func delayCopy(dst, src net.Conn, d time.Duration) {
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 64<<10)
			n, err := src.Read(buf)
			if n > 0 {
				q <- chunk{time.Now().Add(d), buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.at))
		if _, err := dst.Write(c.b); err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
	io.Copy(io.Discard, src)
}
