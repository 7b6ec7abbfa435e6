package inventory

import (
	"bufio"
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

type awsEndpoint struct {
	Address string
	Port    int
}

// cacheCluster is one element of CacheClusters, ReplicationGroups or
// ServerlessCaches in `aws elasticache describe-*` output.
type cacheCluster struct {
	CacheClusterID           string `json:"CacheClusterId"`
	ReplicationGroupID       string `json:"ReplicationGroupId"`
	ServerlessCacheName      string
	ARN                      string
	Engine                   string
	TransitEncryptionEnabled bool
	ConfigurationEndpoint    *awsEndpoint
	Endpoint                 *awsEndpoint // serverless caches
	ReaderEndpoint           *awsEndpoint // serverless caches
	CacheNodes               []struct {
		CacheNodeID string `json:"CacheNodeId"`
		Endpoint    *awsEndpoint
	}
	NodeGroups []struct {
		PrimaryEndpoint  *awsEndpoint
		ReaderEndpoint   *awsEndpoint
		NodeGroupMembers []struct {
			ReadEndpoint *awsEndpoint
		}
	}
}

// readElastiCache reads describe-cache-clusters (with
// --show-cache-node-info for node endpoints), describe-replication-groups and
// describe-serverless-caches: node, primary, reader and configuration
// endpoints with their ports, Redis and Valkey only (memcached is skipped).
// Endpoints are VPC-only, so private; TLS where in-transit encryption is on
// (always for serverless caches).
func readElastiCache(ctx context.Context, r *bufio.Reader, s *sink) error {
	route := routeTo([]string{"CacheClusters", "[]"}, []string{"ReplicationGroups", "[]"}, []string{"ServerlessCaches", "[]"})
	return walkJSON(ctx, r, s.opts.maxLine(), route, func(p jsonPath, dec *json.Decoder) error {
		var c cacheCluster
		if err := dec.Decode(&c); err != nil {
			return err
		}
		if err := s.record(); err != nil {
			return err
		}
		engine := strings.ToLower(c.Engine)
		if engine == "" && p[0].key == "ReplicationGroups" {
			engine = "redis" // replication groups are Redis or Valkey only
		}
		if engine != "redis" && engine != "valkey" {
			s.stats.Skipped++
			return nil
		}
		serverless := p[0].key == "ServerlessCaches"
		res := firstNonEmpty(c.ARN, c.CacheClusterID, c.ReplicationGroupID, c.ServerlessCacheName)
		path := p.String()
		add := func(e *awsEndpoint, field string) {
			if e != nil && e.Address != "" {
				s.add(endpoint{host: e.Address, port: e.Port, service: scanner.Redis,
					tls: c.TransitEncryptionEnabled || serverless, exposure: Private,
					path: path + "." + field, resource: res})
			}
		}
		if c.ConfigurationEndpoint == nil && c.Endpoint == nil && len(c.CacheNodes) == 0 && len(c.NodeGroups) == 0 {
			s.stats.warnf("%s %s lists no endpoints: export it with --show-cache-node-info", path, res)
		}
		add(c.ConfigurationEndpoint, "ConfigurationEndpoint")
		add(c.Endpoint, "Endpoint")
		add(c.ReaderEndpoint, "ReaderEndpoint")
		for i, n := range c.CacheNodes {
			add(n.Endpoint, "CacheNodes["+strconv.Itoa(i)+"].Endpoint")
		}
		for i, g := range c.NodeGroups {
			ng := "NodeGroups[" + strconv.Itoa(i) + "]"
			add(g.PrimaryEndpoint, ng+".PrimaryEndpoint")
			add(g.ReaderEndpoint, ng+".ReaderEndpoint")
			for j, m := range g.NodeGroupMembers {
				add(m.ReadEndpoint, ng+".NodeGroupMembers["+strconv.Itoa(j)+"].ReadEndpoint")
			}
		}
		return nil
	})
}

// docDBCluster is one element of DBClusters or DBInstances in `aws docdb
// describe-db-clusters` / `describe-db-instances` output. RDS prints the
// same shape for other engines; those are skipped.
type docDBCluster struct {
	DBClusterIdentifier  string
	DBInstanceIdentifier string
	DBClusterArn         string
	DBInstanceArn        string
	Engine               string
	Endpoint             json.RawMessage // a name (clusters) or {Address, Port} (instances)
	ReaderEndpoint       string
	CustomEndpoints      []string
	Port                 int
}

// readDocDB reads DocumentDB clusters and instances: MongoDB-compatible
// endpoints, VPC-only (private), with TLS, which DocumentDB enables by
// default.
func readDocDB(ctx context.Context, r *bufio.Reader, s *sink) error {
	route := routeTo([]string{"DBClusters", "[]"}, []string{"DBInstances", "[]"})
	return walkJSON(ctx, r, s.opts.maxLine(), route, func(p jsonPath, dec *json.Decoder) error {
		var c docDBCluster
		if err := dec.Decode(&c); err != nil {
			return err
		}
		if err := s.record(); err != nil {
			return err
		}
		if !strings.EqualFold(c.Engine, "docdb") {
			s.stats.Skipped++
			return nil
		}
		res := firstNonEmpty(c.DBClusterArn, c.DBInstanceArn, c.DBClusterIdentifier, c.DBInstanceIdentifier)
		path := p.String()
		add := func(host string, port int, field string) {
			if host != "" {
				s.add(endpoint{host: host, port: port, service: scanner.MongoDB, tls: true,
					exposure: Private, path: path + "." + field, resource: res})
			}
		}
		var name string
		var ep awsEndpoint
		if json.Unmarshal(c.Endpoint, &name) == nil {
			add(name, c.Port, "Endpoint")
		} else if json.Unmarshal(c.Endpoint, &ep) == nil {
			add(ep.Address, ep.Port, "Endpoint")
		}
		add(c.ReaderEndpoint, c.Port, "ReaderEndpoint")
		for i, e := range c.CustomEndpoints {
			add(e, c.Port, "CustomEndpoints["+strconv.Itoa(i)+"]")
		}
		return nil
	})
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
