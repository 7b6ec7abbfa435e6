package inventory

import "testing"

func TestReadAWS(t *testing.T) {
	tests := []struct {
		name, format, input string
		want                []string
		skipped             int
	}{
		{"ec2 every interface and address", "aws-ec2", `{"Reservations":[{"Instances":[{"InstanceId":"i-1",
			"Tags":[{"Key":"Name","Value":"web"}],"PrivateIpAddress":"10.0.0.5","PublicIpAddress":"203.0.113.5",
			"NetworkInterfaces":[
			 {"PrivateIpAddresses":[{"PrivateIpAddress":"10.0.0.5","Association":{"PublicIp":"203.0.113.5"}},{"PrivateIpAddress":"10.0.0.6"}],
			  "Ipv6Addresses":[{"Ipv6Address":"2001:db8::5"}]},
			 {"PrivateIpAddresses":[{"PrivateIpAddress":"10.0.1.7"}],"Association":{"PublicIp":"198.51.100.7"}}]}]},
			 {"Instances":[{"InstanceId":"i-2","State":{"Name":"terminated"}}]}]}`,
			[]string{"- 10.0.0.5:0 private", "- 203.0.113.5:0 public", "- 10.0.0.6:0 private", "- 2001:db8::5:0 public", "- 10.0.1.7:0 private", "- 198.51.100.7:0 public"}, 0},
		{"opensearch public, VPC map and custom endpoint", "aws-opensearch", `{"DomainStatusList":[
			{"DomainName":"pub","ARN":"arn:1","Endpoint":"search-pub.example.com"},
			{"DomainName":"vpc","Endpoints":{"vpcv2":"vpc-b.example.com","vpc":"vpc-a.example.com"},
			 "DomainEndpointOptions":{"CustomEndpointEnabled":true,"CustomEndpoint":"search.example.net"}},
			{"DomainName":"gone","Deleted":true,"Endpoint":"search-gone.example.com"}]}`,
			[]string{"elasticsearch search-pub.example.com:443 tls public", "elasticsearch vpc-a.example.com:443 tls private",
				"elasticsearch vpc-b.example.com:443 tls private", "elasticsearch search.example.net:443 tls private"}, 1},
		{"elasticache engines and TLS", "aws-elasticache", `{"CacheClusters":[
			{"CacheClusterId":"v","Engine":"valkey","TransitEncryptionEnabled":true,"CacheNodes":[{"Endpoint":{"Address":"v.example.com","Port":6380}}]},
			{"CacheClusterId":"m","Engine":"memcached","ConfigurationEndpoint":{"Address":"m.example.com","Port":11211}},
			{"CacheClusterId":"r","Engine":"Redis","CacheNodes":[{"Endpoint":{"Address":"r.example.com","Port":6379}}]}]}`,
			[]string{"redis v.example.com:6380 tls private", "redis r.example.com:6379 private"}, 1},
		{"serverless caches are TLS", "aws-elasticache", `{"ServerlessCaches":[{"ServerlessCacheName":"s","Engine":"valkey",
			"Endpoint":{"Address":"s.serverless.example.com","Port":6379},"ReaderEndpoint":{"Address":"s.serverless.example.com","Port":6380}},
			{"ServerlessCacheName":"mc","Engine":"memcached","Endpoint":{"Address":"mc.example.com","Port":11211}}]}`,
			[]string{"redis s.serverless.example.com:6379 tls private", "redis s.serverless.example.com:6380 tls private"}, 1},
		{"docdb only, TLS, default port", "aws-docdb", `{"DBClusters":[
			{"DBClusterIdentifier":"d","Engine":"docdb","Endpoint":"d.example.com","CustomEndpoints":["c.example.com"]},
			{"DBClusterIdentifier":"a","Engine":"aurora-mysql","Endpoint":"a.example.com","Port":3306}]}`,
			[]string{"mongodb d.example.com:0 tls private", "mongodb c.example.com:0 tls private"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, err := readAll(t, tt.format, tt.input, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantTargets(t, got, tt.want...)
			if st.Skipped != tt.skipped {
				t.Errorf("skipped %d, want %d", st.Skipped, tt.skipped)
			}
		})
	}
}

// TestEC2OriginNamesInstance checks the origin of an EC2 address: the
// resource is the instance id with its Name tag, and one instance seen
// through three fields is one origin.
func TestEC2OriginNamesInstance(t *testing.T) {
	got, _, err := readAll(t, "aws-ec2", `{"Reservations":[{"Instances":[{"InstanceId":"i-9","Tags":[{"Key":"Name","Value":"db"}],
		"PublicIpAddress":"203.0.113.9","NetworkInterfaces":[{"Association":{"PublicIp":"203.0.113.9"},
		"PrivateIpAddresses":[{"Association":{"PublicIp":"203.0.113.9"}}]}]}]}]}`, Options{})
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	o := got[0].Origins
	if len(o) != 1 || o[0].Resource != "i-9 (db)" || o[0].Format != "aws-ec2" || o[0].File != "in" ||
		o[0].Path != "Reservations[0].Instances[0].NetworkInterfaces[0].PrivateIpAddresses[0].Association.PublicIp" {
		t.Errorf("origins = %+v", o)
	}
}
