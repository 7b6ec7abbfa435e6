package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"

	"github.com/spillcheck/spillcheck/scanner"
)

// driverRunner runs commands through the official driver for wire version
// 6 and later: a direct connection to the target alone (never the members
// a replica set names), through the probe's dialer, without retries,
// compression, app name or credentials, with one pooled connection and a
// single heartbeat.
type driverRunner struct {
	client  *mongo.Client
	timeout time.Duration
}

func newDriverRunner(ctx context.Context, d *dialer, env *scanner.Env) (*driverRunner, error) {
	opts := options.Client().
		SetHosts([]string{env.Target().Addr()}).
		SetDirect(true).
		SetDialer(d).
		SetRetryReads(false).
		SetRetryWrites(false).
		SetMaxPoolSize(1).
		SetMinPoolSize(0).
		SetMaxConnecting(1).
		SetCompressors([]string{}).
		SetServerSelectionTimeout(env.Timeout).
		SetConnectTimeout(env.Timeout).
		SetHeartbeatInterval(time.Hour).
		SetServerMonitoringMode(options.ServerMonitoringModePoll).
		SetReadPreference(readpref.PrimaryPreferred())
	client, err := mongo.Connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &driverRunner{client: client, timeout: env.Timeout}, nil
}

func (r *driverRunner) run(ctx context.Context, db string, cmd bsoncore.Document) (bsoncore.Document, error) {
	raw, err := r.client.Database(db).RunCommand(ctx, bson.Raw(cmd)).Raw()
	// The driver reports network errors and timeouts as CommandErrors too;
	// only a server's answer becomes a *cmdError.
	var ce mongo.CommandError
	if errors.As(err, &ce) && !mongo.IsNetworkError(err) && (ce.Code != 0 || len(ce.Raw) > 0) {
		if len(ce.Raw) > 0 && bsoncore.Document(ce.Raw).Validate() == nil {
			if e := replyError(bsoncore.Document(ce.Raw)); e != nil {
				return nil, e
			}
		}
		return nil, &cmdError{Code: ce.Code, Name: ce.Name, Msg: shorten(ce.Message, maxServerMsg)}
	}
	if err != nil {
		return nil, err
	}
	return bsoncore.Document(raw), nil
}

func (r *driverRunner) close() {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	_ = r.client.Disconnect(ctx)
}
