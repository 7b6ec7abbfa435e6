package redis

import (
	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/wire"
)

// identify waits for the server's first bytes and names them with
// wire.Identify before any reply is parsed: a server speaking another
// protocol (its banner, or its answer to the first write) ends the probe
// with a *scanner.ForeignError. RESP, a TLS record (the caller retries over
// TLS) and bytes nobody recognizes go on to the RESP reader. A read error
// is returned as the RESP reader would have returned it (a second read
// would wait the timeout again).
func (c *client) identify() error {
	if _, err := c.rd.br.Peek(1); err != nil {
		return err
	}
	b, _ := c.rd.br.Peek(min(c.rd.br.Buffered(), identifyBytes))
	switch m := wire.Identify(b); m.Protocol {
	case wire.RESP, wire.TLS, wire.Unknown:
		return nil
	default:
		return scanner.Foreign(m, "Redis")
	}
}

// identifyBytes bounds what identify looks at: a banner's first line.
const identifyBytes = 256

// Protocol is RESP.
func (probe) Protocol() wire.Protocol { return wire.RESP }

// Opening is INFO server replication keyspace, the probe's first command. Redis answers it with
// a bulk string or an error; an HTTP server with a 400 for the request
// line "*2"; a MongoDB server closes the connection without a word.
func (probe) Opening(scanner.Target) ([]byte, []wire.Protocol) {
	cmd := firstInfo
	if checkAllowed(cmd) != nil {
		return nil, nil
	}
	return appendCommand(nil, cmd), []wire.Protocol{wire.RESP, wire.HTTP}
}
