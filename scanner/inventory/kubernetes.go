package inventory

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// kubeObject is one item of `kubectl get svc -A -o json` (a Service), or of
// `kubectl get svc,nodes -A -o json` (a Service or a Node), or the single
// Service `kubectl get svc NAME -o json` prints.
type kubeObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		Type           string   `json:"type"`
		ClusterIP      string   `json:"clusterIP"`
		ClusterIPs     []string `json:"clusterIPs"`
		ExternalIPs    []string `json:"externalIPs"`
		ExternalName   string   `json:"externalName"`
		LoadBalancerIP string   `json:"loadBalancerIP"`
		Ports          []struct {
			Name     string `json:"name"`
			Protocol string `json:"protocol"`
			Port     int    `json:"port"`
			NodePort int    `json:"nodePort"`
		} `json:"ports"`
	} `json:"spec"`
	Status struct {
		LoadBalancer struct {
			Ingress []struct {
				IP       string `json:"ip"`
				Hostname string `json:"hostname"`
			} `json:"ingress"`
		} `json:"loadBalancer"`
		Addresses []struct {
			Type    string `json:"type"`
			Address string `json:"address"`
		} `json:"addresses"`
	} `json:"status"`
}

// kubePortService says which store a service port belongs to: by its port
// number (9200, 27017-27019, 6379/6380), else by the port's or the
// service's name (elasticsearch, opensearch, mongo, redis, valkey). Ports
// named for metrics, exporters or the Elasticsearch transport are not
// stores.
func kubePortService(svcName, portName string, port int) (string, bool) {
	switch port {
	case 9200:
		return scanner.Elasticsearch, true
	case 27017, 27018, 27019:
		return scanner.MongoDB, true
	case 6379, 6380:
		return scanner.Redis, true
	}
	pn := strings.ToLower(portName)
	for _, no := range []string{"metric", "exporter", "transport", "monitor", "prometheus", "sentinel", "bus"} {
		if strings.Contains(pn, no) {
			return "", false
		}
	}
	for _, name := range []string{pn, strings.ToLower(svcName)} {
		switch {
		case strings.Contains(name, "elastic"), strings.Contains(name, "opensearch"):
			return scanner.Elasticsearch, true
		case strings.Contains(name, "mongo"):
			return scanner.MongoDB, true
		case strings.Contains(name, "redis"), strings.Contains(name, "valkey"):
			return scanner.Redis, true
		}
	}
	return "", false
}

// maxNodePortTargets bounds the node port x node address targets one list
// can plan.
const maxNodePortTargets = 100000

// nodePort is a store's node port waiting for node addresses.
type nodePort struct {
	port     int
	service  string
	path     string
	resource string
}

// kubeRoute walks a List to its items and decodes each; for a single
// object (`kubectl get svc NAME -o json`) it decodes the top-level members
// that make a kubeObject.
func kubeRoute(p jsonPath) step {
	switch {
	case len(p) == 0:
		return descend
	case len(p) == 1 && p[0].index < 0:
		switch p[0].key {
		case "items":
			return descend
		case "kind", "metadata", "spec", "status":
			return decodeValue
		}
	case len(p) == 2 && p[0].key == "items" && p[1].index >= 0:
		return decodeValue
	}
	return skipValue
}

// readKubernetes reads a Kubernetes List of Services (and Nodes), or a
// single Service object: for each port that belongs to a store, the cluster
// IPs (private), external IPs, load-balancer ingress addresses and external
// name on the service port. Node ports are reached on the nodes' addresses,
// which only a list that also holds Node objects gives; without them Stats
// warns. A single Service's paths start at its root ("spec.clusterIPs[0]").
func readKubernetes(ctx context.Context, r *bufio.Reader, s *sink) error {
	if c, err := firstByte(r); err != nil || c == '{' || c == '[' {
		return readKubernetesJSON(ctx, r, s)
	}
	// kubectl get -o yaml, or manifests: read whole (bounded), as JSON.
	docs, err := readYAMLDocs(r, s)
	if err != nil {
		return err
	}
	var doc any = map[string]any{"kind": "List", "items": docs}
	if len(docs) == 1 {
		doc = docs[0]
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return readKubernetesJSON(ctx, bufio.NewReader(bytes.NewReader(data)), s)
}

func readKubernetesJSON(ctx context.Context, r *bufio.Reader, s *sink) error {
	var nodePorts []nodePort
	type nodeAddr struct{ addr, exposure, path, name string }
	var nodes []nodeAddr
	var root kubeObject // the members of a single top-level object
	service := func(o *kubeObject, path string) {
		res := "service/" + o.Metadata.Namespace + "/" + o.Metadata.Name
		sp := &o.Spec
		for i, port := range sp.Ports {
			if port.Protocol != "" && port.Protocol != "TCP" {
				continue
			}
			svc, ok := kubePortService(o.Metadata.Name, port.Name, port.Port)
			if !ok {
				s.stats.Skipped++
				continue
			}
			add := func(host, exposure, field string) {
				if host != "" && host != "None" {
					s.add(endpoint{host: host, port: port.Port, service: svc, exposure: exposure, path: joinPath(path, field), resource: res})
				}
			}
			ips := sp.ClusterIPs
			if len(ips) == 0 {
				ips = []string{sp.ClusterIP}
			}
			for j, ip := range ips {
				add(ip, Private, "spec.clusterIPs["+strconv.Itoa(j)+"]")
			}
			for j, ip := range sp.ExternalIPs {
				add(ip, "", "spec.externalIPs["+strconv.Itoa(j)+"]")
			}
			add(sp.LoadBalancerIP, "", "spec.loadBalancerIP")
			add(sp.ExternalName, "", "spec.externalName")
			for j, in := range o.Status.LoadBalancer.Ingress {
				at := "status.loadBalancer.ingress[" + strconv.Itoa(j) + "]"
				add(in.IP, Public, at+".ip")
				add(in.Hostname, Public, at+".hostname")
			}
			if port.NodePort > 0 {
				nodePorts = append(nodePorts, nodePort{port.NodePort, svc, joinPath(path, "spec.ports["+strconv.Itoa(i)+"].nodePort"), res})
			}
		}
	}
	err := walkJSON(ctx, r, s.opts.maxLine(), kubeRoute, func(p jsonPath, dec *json.Decoder) error {
		if len(p) == 1 {
			switch p[0].key {
			case "kind":
				return dec.Decode(&root.Kind)
			case "metadata":
				return dec.Decode(&root.Metadata)
			case "spec":
				return dec.Decode(&root.Spec)
			}
			return dec.Decode(&root.Status)
		}
		var o kubeObject
		if err := dec.Decode(&o); err != nil {
			return err
		}
		if err := s.record(); err != nil {
			return err
		}
		path := p.String()
		if o.Kind == "Node" {
			for i, a := range o.Status.Addresses {
				exp := map[string]string{"InternalIP": Private, "ExternalIP": Public}[a.Type]
				if exp != "" {
					nodes = append(nodes, nodeAddr{a.Address, exp, path + ".status.addresses[" + strconv.Itoa(i) + "].address", "node/" + o.Metadata.Name})
				}
			}
			return nil
		}
		if o.Kind == "" || o.Kind == "Service" {
			service(&o, path)
		}
		return nil
	})
	if err == nil && root.Kind == "Service" {
		if err = s.record(); err == nil {
			service(&root, "")
		}
	}
	if err != nil {
		return err
	}
	if len(nodePorts) > 0 && len(nodes) == 0 {
		s.stats.warnf("%d node ports of stores found but no Node objects to reach them on; export with `kubectl get svc,nodes -A -o json` to include them", len(nodePorts))
	}
	if n := len(nodePorts) * len(nodes); n > maxNodePortTargets {
		s.stats.warnf("%d node ports on %d node addresses make %d targets; only the first %d are planned", len(nodePorts), len(nodes), n, maxNodePortTargets)
	}
	planned := 0
	for _, np := range nodePorts {
		for _, n := range nodes {
			if planned++; planned > maxNodePortTargets {
				return nil
			}
			s.add(endpoint{host: n.addr, port: np.port, service: np.service, exposure: n.exposure, path: np.path, resource: np.resource + " via " + n.name})
		}
	}
	return nil
}
