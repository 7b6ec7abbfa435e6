package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

// New returns the MongoDB probe.
func New() scanner.Probe { return probe{} }

type probe struct{}

func (probe) Name() string        { return scanner.MongoDB }
func (probe) DefaultPorts() []int { return []int{27017, 27018, 27019} }

// Probe handshakes, reads the version, classifies the target with an
// unauthenticated listDatabases and, when it is open, takes the inventory
// within env's limits and ctx's deadline. See the package comment for every
// command it may send.
func (probe) Probe(ctx context.Context, t scanner.Target, env *scanner.Env) (res scanner.Result, err error) {
	res = scanner.Result{
		Target:  t,
		Product: "mongodb",
		Facts:   map[string]string{},
		Skipped: map[string]int{},
		Started: time.Now(),
	}
	defer func() { res.Duration = scanner.Duration(time.Since(res.Started)) }()

	d := &dialer{env: env, host: t.Host, useTLS: t.TLS}
	w, info, err := handshake(ctx, d)
	res.TLS = d.tlsInfo()
	if err != nil {
		// Nothing answered as MongoDB: the result names no product.
		res.Product = ""
		return res, fmt.Errorf("handshake: %w", err)
	}
	info.facts(res.Facts)
	if d.useTLS && !t.TLS {
		res.Notes = append(res.Notes, "plaintext connection closed by the server: answered over TLS")
	}
	var r runner = w
	if info.maxWire >= 6 {
		r = newOpConn(w.conn, t.Addr(), info)
	} else {
		res.Notes = append(res.Notes, fmt.Sprintf("wire version %d (MongoDB 3.4 or older): commands sent as OP_QUERY", info.maxWire))
	}
	defer r.close()
	// buildInfo and listDatabases go out together where the connection
	// can pipeline (wire version 6 and later): one round trip, not two.
	calls := []*call{{db: "admin", cmd: command("buildInfo")}, {db: "admin", cmd: listDatabasesCmd()}}
	if b, ok := r.(batcher); ok {
		b.runBatch(ctx, calls)
	} else {
		calls = []*call{nil, nil}
	}
	buildInfo(ctx, r, calls[0], &res)
	if info.documentDB != "" && res.Product == "mongodb" {
		res.Product = "documentdb"
	}

	listing, err := classify(ctx, r, calls[1], &res)
	if err != nil || res.Status != scanner.StatusOpen {
		return res, err
	}
	inv := &inventory{r: r, limits: env.Limits, res: &res, timeout: env.Timeout, sample: true, rank: env.RankName}
	inv.run(ctx, listing)
	return res, nil
}

// runOr returns c's reply when c was sent already (a batch), or runs cmd.
func runOr(ctx context.Context, r runner, c *call, db string, cmd bsoncore.Document) (bsoncore.Document, error) {
	if c != nil {
		return c.reply, c.err
	}
	return r.run(ctx, db, cmd)
}

func listDatabasesCmd() bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendInt32("listDatabases", 1).AppendBoolean("nameOnly", false).Build()
}

// buildInfo records the version and recognizes FerretDB, from pre when it
// was sent in a batch. A refusal is a note, not a failure: the handshake
// already proved a MongoDB-wire server.
func buildInfo(ctx context.Context, r runner, pre *call, res *scanner.Result) {
	doc, err := runOr(ctx, r, pre, "admin", command("buildInfo"))
	if err != nil {
		res.Notes = append(res.Notes, "buildInfo failed: "+err.Error())
		return
	}
	if v, ok := doc.Lookup("version").StringValueOK(); ok {
		res.Version = shorten(v, scanner.MaxFactLen)
		res.Facts["version"] = res.Version
	}
	if v, ok := doc.Lookup("ferretdbVersion").StringValueOK(); ok {
		res.Product = "ferretdb"
		res.Facts["ferretdb_version"] = shorten(v, scanner.MaxFactLen)
	}
}

// classify sends listDatabases {nameOnly: false}, whose sizes the
// inventory uses to choose databases. A refusal for lack of credentials is
// auth-required. Since MongoDB 4.0.6 a server with auth on answers an
// unauthenticated listDatabases with ok: 1 and no databases, so an empty
// list is confirmed with listCollections on admin, which such a server
// refuses. It returns the listing when the target is open and has
// databases.
func classify(ctx context.Context, r runner, pre *call, res *scanner.Result) (bsoncore.Document, error) {
	doc, err := runOr(ctx, r, pre, "admin", listDatabasesCmd())
	if unauthorized(err) {
		res.Status = scanner.StatusAuthRequired
		res.Notes = append(res.Notes, "listDatabases refused: "+err.Error())
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listDatabases: %w", err)
	}
	if _, n, _ := pickDatabases(doc, 0, true, noRank); n > 0 {
		res.Status = scanner.StatusOpen
		res.Facts["databases"] = strconv.Itoa(n)
		if total := doc.Lookup("totalSize"); total.Type != 0 {
			res.Facts["total_size"] = strconv.FormatInt(numberOf(total), 10)
		}
		return doc, nil
	}
	confirm := bsoncore.NewDocumentBuilder().AppendInt32("listCollections", 1).AppendBoolean("nameOnly", true).Build()
	_, err = r.run(ctx, "admin", confirm)
	switch {
	case unauthorized(err):
		res.Status = scanner.StatusAuthRequired
		res.Notes = append(res.Notes, "listDatabases returned an empty list with ok: 1, but listCollections was refused: auth is on")
		return nil, nil
	case err != nil:
		var ce *cmdError
		if !errors.As(err, &ce) {
			return nil, fmt.Errorf("listCollections: %w", err)
		}
		res.Notes = append(res.Notes, "listCollections on admin failed: "+err.Error())
	}
	res.Status = scanner.StatusOpen
	res.Facts["empty"] = "true"
	res.Facts["databases"] = "0"
	res.Notes = append(res.Notes, "listDatabases returned no databases and listCollections on admin was allowed: open, but empty")
	return nil, nil
}

// database is one listDatabases entry.
type database struct {
	name string
	size int64 // sizeOnDisk, 0 when the server did not say
	rank int   // name evidence (Env.RankName)
}

func noRank(string) int { return 0 }
