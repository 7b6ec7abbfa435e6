package inventory

import (
	"bufio"
	"context"
	"strconv"
	"strings"

	"github.com/spillcheck/spillcheck/scanner"
)

// readAzureVM reads `az vm list -d` (--show-details): the comma-separated
// privateIps, publicIps and fqdns of each VM.
func readAzureVM(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var vm struct {
			ID         string `json:"id"`
			Name       string `json:"name"`
			PrivateIps string `json:"privateIps"`
			PublicIps  string `json:"publicIps"`
			Fqdns      string `json:"fqdns"`
		}
		if err := decode(&vm); err != nil {
			return err
		}
		res := firstNonEmpty(vm.ID, vm.Name)
		for _, f := range []struct{ value, exposure, field string }{
			{vm.PrivateIps, Private, "privateIps"}, {vm.PublicIps, Public, "publicIps"}, {vm.Fqdns, Public, "fqdns"},
		} {
			for _, h := range strings.Split(f.value, ",") {
				if h = strings.TrimSpace(h); h != "" {
					s.add(endpoint{host: h, exposure: f.exposure, line: line, path: joinPath(path, f.field), resource: res})
				}
			}
		}
		return nil
	})
}

// readAzureVMIP reads `az vm list-ip-addresses`: the private and public
// addresses of each VM's network.
func readAzureVMIP(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var rec struct {
			VirtualMachine struct {
				Name          string `json:"name"`
				ResourceGroup string `json:"resourceGroup"`
				Network       struct {
					PrivateIPAddresses []string `json:"privateIpAddresses"`
					PublicIPAddresses  []struct {
						ID        string `json:"id"`
						IPAddress string `json:"ipAddress"`
					} `json:"publicIpAddresses"`
				} `json:"network"`
			} `json:"virtualMachine"`
		}
		if err := decode(&rec); err != nil {
			return err
		}
		vm := rec.VirtualMachine
		res := vm.Name
		if vm.ResourceGroup != "" {
			res = vm.ResourceGroup + "/" + vm.Name
		}
		net := joinPath(path, "virtualMachine.network")
		for i, ip := range vm.Network.PrivateIPAddresses {
			s.add(endpoint{host: ip, exposure: Private, line: line, path: net + ".privateIpAddresses[" + strconv.Itoa(i) + "]", resource: res})
		}
		for i, p := range vm.Network.PublicIPAddresses {
			s.add(endpoint{host: p.IPAddress, exposure: Public, line: line, path: net + ".publicIpAddresses[" + strconv.Itoa(i) + "].ipAddress", resource: res})
		}
		return nil
	})
}

// readAzureRedis reads `az redis list`: hostName on sslPort with TLS, and
// on the plain port unless enableNonSslPort is false. A cache with public
// network access disabled or injected into a subnet is private.
func readAzureRedis(ctx context.Context, r *bufio.Reader, s *sink) error {
	return eachRecord(ctx, r, s, func(line int, path string, decode func(any) error) error {
		var c struct {
			ID                  string `json:"id"`
			Name                string `json:"name"`
			HostName            string `json:"hostName"`
			Port                int    `json:"port"`
			SSLPort             int    `json:"sslPort"`
			EnableNonSSLPort    *bool  `json:"enableNonSslPort"`
			PublicNetworkAccess string `json:"publicNetworkAccess"`
			SubnetID            string `json:"subnetId"`
			StaticIP            string `json:"staticIp"`
		}
		if err := decode(&c); err != nil {
			return err
		}
		exposure := Public
		if strings.EqualFold(c.PublicNetworkAccess, "Disabled") || c.SubnetID != "" {
			exposure = Private
		}
		res := firstNonEmpty(c.ID, c.Name)
		at := joinPath(path, "hostName")
		if c.SSLPort > 0 || c.Port == 0 {
			port := c.SSLPort
			if port == 0 {
				port = 6380
			}
			s.add(endpoint{host: c.HostName, port: port, service: scanner.Redis, tls: true, exposure: exposure, line: line, path: at, resource: res})
		}
		if c.Port > 0 && (c.EnableNonSSLPort == nil || *c.EnableNonSSLPort) {
			s.add(endpoint{host: c.HostName, port: c.Port, service: scanner.Redis, exposure: exposure, line: line, path: at, resource: res})
		} else if c.Port > 0 {
			s.stats.Skipped++
		}
		if c.StaticIP != "" {
			s.add(endpoint{host: c.StaticIP, port: c.SSLPort, service: scanner.Redis, tls: true, line: line, path: joinPath(path, "staticIp"), resource: res})
		}
		return nil
	})
}
