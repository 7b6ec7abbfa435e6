package inventory

import (
	"bufio"
	"context"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/spillcheck/spillcheck/scanner"
)

// ec2Instance is the part of one instance of `aws ec2 describe-instances`
// that carries addresses.
type ec2Instance struct {
	InstanceID        string `json:"InstanceId"`
	PrivateIPAddress  string `json:"PrivateIpAddress"`
	PublicIPAddress   string `json:"PublicIpAddress"`
	Ipv6Address       string
	Tags              []struct{ Key, Value string }
	NetworkInterfaces []struct {
		Association        *ec2Association
		PrivateIPAddresses []struct {
			PrivateIPAddress string `json:"PrivateIpAddress"`
			Association      *ec2Association
		} `json:"PrivateIpAddresses"`
		Ipv6Addresses []struct{ Ipv6Address string }
	}
}

type ec2Association struct {
	PublicIP string `json:"PublicIp"`
}

// readEC2 reads `aws ec2 describe-instances`: every private and public
// address of every network interface, with the instance id and Name tag.
func readEC2(ctx context.Context, r *bufio.Reader, s *sink) error {
	route := routeTo([]string{"Reservations", "[]", "Instances", "[]"})
	return walkJSON(ctx, r, s.opts.maxLine(), route, func(p jsonPath, dec *json.Decoder) error {
		var in ec2Instance
		if err := dec.Decode(&in); err != nil {
			return err
		}
		if err := s.record(); err != nil {
			return err
		}
		res := in.InstanceID
		for _, t := range in.Tags {
			if t.Key == "Name" && t.Value != "" {
				res += " (" + t.Value + ")"
			}
		}
		path := p.String()
		add := func(host, exposure, field string) {
			if host != "" {
				s.add(endpoint{host: host, exposure: exposure, path: path + "." + field, resource: res})
			}
		}
		for i, ni := range in.NetworkInterfaces {
			nic := "NetworkInterfaces[" + strconv.Itoa(i) + "]"
			for j, pa := range ni.PrivateIPAddresses {
				pip := nic + ".PrivateIpAddresses[" + strconv.Itoa(j) + "]"
				add(pa.PrivateIPAddress, Private, pip+".PrivateIpAddress")
				if pa.Association != nil {
					add(pa.Association.PublicIP, Public, pip+".Association.PublicIp")
				}
			}
			if ni.Association != nil {
				add(ni.Association.PublicIP, Public, nic+".Association.PublicIp")
			}
			for j, v6 := range ni.Ipv6Addresses {
				add(v6.Ipv6Address, "", nic+".Ipv6Addresses["+strconv.Itoa(j)+"].Ipv6Address")
			}
		}
		add(in.PrivateIPAddress, Private, "PrivateIpAddress")
		add(in.PublicIPAddress, Public, "PublicIpAddress")
		add(in.Ipv6Address, "", "Ipv6Address")
		return nil
	})
}

// searchDomain is one domain of `aws opensearch describe-domains` or `aws
// es describe-elasticsearch-domains`.
type searchDomain struct {
	DomainName            string
	ARN                   string
	Deleted               bool
	Endpoint              string
	EndpointV2            string
	Endpoints             map[string]string
	DomainEndpointOptions struct {
		CustomEndpointEnabled bool
		CustomEndpoint        string
	}
}

// readOpenSearch reads OpenSearch / Elasticsearch Service domains. Their
// endpoints are HTTPS on 443: the public Endpoint, the VPC Endpoints map
// and an enabled custom endpoint.
func readOpenSearch(ctx context.Context, r *bufio.Reader, s *sink) error {
	route := routeTo([]string{"DomainStatusList", "[]"}, []string{"DomainStatus"})
	return walkJSON(ctx, r, s.opts.maxLine(), route, func(p jsonPath, dec *json.Decoder) error {
		var d searchDomain
		if err := dec.Decode(&d); err != nil {
			return err
		}
		if err := s.record(); err != nil {
			return err
		}
		if d.Deleted {
			s.stats.Skipped++
			return nil
		}
		res := d.DomainName
		if d.ARN != "" {
			res = d.ARN
		}
		path := p.String()
		add := func(host, exposure, field string) {
			if host != "" {
				s.add(endpoint{host: host, port: 443, service: scanner.Elasticsearch, tls: true,
					exposure: exposure, path: path + "." + field, resource: res})
			}
		}
		add(d.Endpoint, Public, "Endpoint")
		add(d.EndpointV2, Public, "EndpointV2")
		keys := make([]string, 0, len(d.Endpoints))
		for k := range d.Endpoints {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(d.Endpoints[k], Private, "Endpoints."+k)
		}
		if d.DomainEndpointOptions.CustomEndpointEnabled {
			exp := Public
			if len(d.Endpoints) > 0 {
				exp = Private
			}
			add(d.DomainEndpointOptions.CustomEndpoint, exp, "DomainEndpointOptions.CustomEndpoint")
		}
		return nil
	})
}
