package inventory

import (
	"strings"
	"testing"
)

const kubeServices = `{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"redis-master","namespace":"cache"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.1.10","clusterIPs":["10.96.1.10"],"ports":[{"name":"tcp-redis","port":6379,"protocol":"TCP","targetPort":"redis"}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"redis-headless","namespace":"cache"},
  "spec":{"clusterIP":"None","clusterIPs":["None"],"ports":[{"name":"tcp-redis","port":6379}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"search","namespace":"logs"},
  "spec":{"type":"LoadBalancer","clusterIP":"10.96.2.20","ports":[{"name":"http","port":9200,"nodePort":30920},{"name":"transport","port":9300}]},
  "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.20"},{"hostname":"lb-1.example.com"}]}}},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"mongodb","namespace":"app"},
  "spec":{"type":"NodePort","clusterIP":"10.96.3.30","externalIPs":["198.51.100.30"],"ports":[{"name":"mongo","port":8080,"nodePort":31017},{"name":"metrics","port":9216}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"app"},
  "spec":{"clusterIP":"10.96.4.40","ports":[{"port":80},{"port":6379,"protocol":"UDP"}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"ext-redis","namespace":"app"},
  "spec":{"type":"ExternalName","externalName":"cache.example.com","ports":[{"port":6380}]}}%s]}`

const kubeNodes = `,
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1"},"status":{"addresses":[
  {"type":"InternalIP","address":"10.0.0.11"},{"type":"ExternalIP","address":"203.0.113.111"},{"type":"Hostname","address":"node-1"}]}}`

func TestReadKubernetes(t *testing.T) {
	got, st, err := readAll(t, "", strings.Replace(kubeServices, "%s", "", 1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTargets(t, got,
		"redis 10.96.1.10:6379 private",
		"elasticsearch 10.96.2.20:9200 private", "elasticsearch 203.0.113.20:9200 public", "elasticsearch lb-1.example.com:9200 public",
		"mongodb 10.96.3.30:8080 private", "mongodb 198.51.100.30:8080 public",
		"redis cache.example.com:6380")
	// transport, metrics, port 80 and the UDP port are not stores.
	if st.Records != 6 || st.Skipped != 3 {
		t.Errorf("stats = %+v", st)
	}
	if !strings.Contains(strings.Join(st.Warnings, ";"), "2 node ports of stores found but no Node objects") {
		t.Errorf("warnings = %q", st.Warnings)
	}
	if o := got[0].Origins[0]; o.Resource != "service/cache/redis-master" || o.Path != "items[0].spec.clusterIPs[0]" {
		t.Errorf("origin = %+v", o)
	}
}

// TestReadKubernetesNodePorts: with Node objects in the same list, each
// store's node port is planned on each node address.
func TestReadKubernetesNodePorts(t *testing.T) {
	got, st, err := readAll(t, "kubernetes", strings.Replace(kubeServices, "%s", kubeNodes, 1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := briefs(got)
	tail := strings.Join(b[len(b)-4:], "|")
	want := "elasticsearch 10.0.0.11:30920 private|elasticsearch 203.0.113.111:30920 public|mongodb 10.0.0.11:31017 private|mongodb 203.0.113.111:31017 public"
	if tail != want {
		t.Errorf("node port targets:\n got %s\nwant %s", tail, want)
	}
	if len(st.Warnings) != 0 {
		t.Errorf("warnings = %q", st.Warnings)
	}
	if o := got[len(got)-1].Origins[0]; o.Resource != "service/app/mongodb via node/node-1" || o.Path != "items[3].spec.ports[0].nodePort" {
		t.Errorf("origin = %+v", o)
	}
}

func TestKubePortService(t *testing.T) {
	tests := []struct {
		svc, port string
		num       int
		want      string
	}{
		{"anything", "", 27017, "mongodb"},
		{"anything", "", 6380, "redis"},
		{"my-valkey", "client", 7000, "redis"},
		{"opensearch-cluster", "http", 8080, "elasticsearch"},
		{"x", "elastic-http", 8080, "elasticsearch"},
		{"redis", "metrics", 9121, ""},
		{"elasticsearch", "transport", 9300, ""},
		{"redis", "tcp-sentinel", 26379, ""},
		{"web", "http", 80, ""},
	}
	for _, tt := range tests {
		got, ok := kubePortService(tt.svc, tt.port, tt.num)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("kubePortService(%q, %q, %d) = %q, %v", tt.svc, tt.port, tt.num, got, ok)
		}
	}
}

// TestReadKubernetesSingleService: `kubectl get svc NAME -o json` prints
// one Service, read like an item of a List, with paths from its root.
func TestReadKubernetesSingleService(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
		paths       []string
		skipped     int
		warn        string
	}{
		{"cluster IP", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"redis-master","namespace":"cache"},
			"spec":{"type":"ClusterIP","clusterIP":"10.96.1.10","clusterIPs":["10.96.1.10"],"ports":[{"name":"tcp-redis","port":6379,"protocol":"TCP"},{"name":"metrics","port":9121}]}}`,
			[]string{"redis 10.96.1.10:6379 private"}, []string{"spec.clusterIPs[0]"}, 1, ""},
		{"load balancer, status before spec", `{"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.20"}]}},"kind":"Service","apiVersion":"v1",
			"spec":{"type":"LoadBalancer","clusterIP":"10.96.2.20","ports":[{"name":"http","port":9200,"nodePort":30920}]},"metadata":{"name":"search","namespace":"logs"}}`,
			[]string{"elasticsearch 10.96.2.20:9200 private", "elasticsearch 203.0.113.20:9200 public"},
			[]string{"spec.clusterIPs[0]", "status.loadBalancer.ingress[0].ip"}, 0, "1 node ports of stores found but no Node objects"},
		{"no store", `{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","namespace":"app"},"spec":{"clusterIP":"10.96.4.40","ports":[{"port":80}]}}`,
			nil, nil, 1, "held no store endpoints"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f, _ := Detect([]byte(tt.input)); f != "kubernetes" {
				t.Errorf("Detect = %q", f)
			}
			got, st, err := readAll(t, "", tt.input, Options{})
			if err != nil {
				t.Fatal(err)
			}
			wantTargets(t, got, tt.want...)
			for i, p := range tt.paths {
				if o := got[i].Origins[0]; o.Path != p || !strings.HasPrefix(o.Resource, "service/") {
					t.Errorf("origin %d = %+v, want path %q", i, o, p)
				}
			}
			if st.Records != 1 || st.Skipped != tt.skipped {
				t.Errorf("stats = %+v", st)
			}
			if w := strings.Join(st.Warnings, ";"); !strings.Contains(w, tt.warn) || (tt.warn == "") != (w == "") {
				t.Errorf("warnings = %q, want %q", st.Warnings, tt.warn)
			}
		})
	}
}

// TestReadKubernetesListEnvelope: a List's own kind and metadata are not
// read as a Service.
func TestReadKubernetesListEnvelope(t *testing.T) {
	got, st, err := readAll(t, "kubernetes", `{"kind":"List","apiVersion":"v1","metadata":{"name":"redis"},"spec":{"clusterIP":"10.0.0.1","ports":[{"port":6379}]},"items":[]}`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 || st.Records != 0 {
		t.Errorf("got %q, stats %+v", briefs(got), st)
	}
}
