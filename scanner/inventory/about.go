package inventory

// about says, for each format, which command produces it: the help text of
// --input-format.
var about = map[string]string{
	"aws-ec2":         "aws ec2 describe-instances",
	"aws-opensearch":  "aws opensearch describe-domains / aws es describe-elasticsearch-domains (HTTPS on 443)",
	"aws-elasticache": "aws elasticache describe-cache-clusters --show-cache-node-info / describe-replication-groups / describe-serverless-caches (Redis, Valkey)",
	"aws-docdb":       "aws docdb describe-db-clusters / describe-db-instances (MongoDB-compatible, TLS)",
	"gcp-compute":     "gcloud compute instances list --format=json (or describe)",
	"gcp-asset":       "gcloud asset export (JSON lines) / search-all-resources --format=json",
	"azure-vm":        "az vm list -d",
	"azure-vm-ip":     "az vm list-ip-addresses",
	"azure-redis":     "az redis list",
	"terraform":       "terraform show -json (state or plan), or the raw terraform.tfstate (format version 4 or 3)",
	"kubernetes":      "kubectl get svc -A -o json (add nodes: kubectl get svc,nodes -A -o json), or kubectl get svc NAME -o json; -o yaml and YAML manifests too",
	"cloudlist":       "cloudlist -json",
	"nmap-xml":        "nmap -oX",
	"masscan-json":    "masscan -oJ",
	"masscan-list":    "masscan -oL",
	"naabu":           "naabu -json",
	"csv":             "CSV with a header naming host/IP and port columns (CMDB exports, NetBox IP address export)",
	"ansible":         "Ansible inventory: INI, YAML, or ansible-inventory --list (ansible_host; ansible_port is SSH's and is not used)",
	"docker-ps":       "docker ps --format json, docker compose ps --format json (published ports)",
	"docker-inspect":  "docker inspect CONTAINER... (published ports, and exposed ports on container addresses)",
	"docker-compose":  "docker compose config (YAML or --format json) or a compose file (published ports)",
	"consul":          "Consul /v1/catalog/service/NAME, /v1/health/service/NAME or /v1/catalog/nodes JSON",
	"shodan":          "Shodan JSON of your own assets: shodan download (.json.gz, or gunzipped) / parse lines, search or host results",
	"censys":          "Censys JSON of your own assets: censys search -o, search or host view results, Platform hosts",
}

// Describe returns the command that produces format, for help text; "" for
// an unknown format.
func Describe(format string) string { return about[format] }
