package inventory

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/spillcheck/spillcheck/scanner"
)

// genReader streams a generated inventory without holding it in memory:
// head, then item(0), sep, item(1), ... until about size bytes, then tail.
type genReader struct {
	head, sep, tail string
	item            func(i int) string
	size            int
	n, i            int
	buf             []byte
	started, done   bool
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		switch {
		case g.done:
			return 0, io.EOF
		case !g.started:
			g.buf, g.started = append(g.buf, g.head...), true
		case g.n >= g.size:
			g.buf, g.done = append(g.buf, g.tail...), true
		default:
			if g.i > 0 {
				g.buf = append(g.buf, g.sep...)
			}
			g.buf = append(g.buf, g.item(g.i)...)
			g.i++
		}
		g.n += len(g.buf)
	}
	k := copy(p, g.buf)
	g.buf = g.buf[k:]
	return k, nil
}

// ec2Instance returns one reservation shaped like real describe-instances
// output (about 3 KB), with unique private and public addresses.
func ec2Reservation(i int) string {
	a, b, c := i>>16&255, i>>8&255, i&255
	return fmt.Sprintf(`{"Groups": [], "Instances": [{"AmiLaunchIndex": 0, "ImageId": "ami-0abcdef1234567890",
 "InstanceId": "i-%017[1]x", "InstanceType": "t3.nano", "KeyName": "my-key-pair", "LaunchTime": "2022-11-15T10:48:59+00:00",
 "Monitoring": {"State": "disabled"}, "Placement": {"AvailabilityZone": "us-east-2a", "GroupName": "", "Tenancy": "default"},
 "PrivateDnsName": "ip-10-%[2]d-%[3]d-%[4]d.us-east-2.compute.internal", "PrivateIpAddress": "10.%[2]d.%[3]d.%[4]d", "ProductCodes": [],
 "PublicDnsName": "ec2-100-%[2]d-%[3]d-%[4]d.us-east-2.compute.example.com", "PublicIpAddress": "100.%[2]d.%[3]d.%[4]d",
 "State": {"Code": 16, "Name": "running"}, "StateTransitionReason": "", "SubnetId": "subnet-04a636d18e83cfacb", "VpcId": "vpc-1234567890abcdef0",
 "Architecture": "x86_64", "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"AttachTime": "2022-11-15T10:49:00+00:00",
 "DeleteOnTermination": true, "Status": "attached", "VolumeId": "vol-02e6ccdca7de29cf2"}}], "ClientToken": "1234abcd-1234-abcd-1234-d46a8903e9bc",
 "EbsOptimized": true, "EnaSupport": true, "Hypervisor": "xen", "IamInstanceProfile": {"Arn": "arn:aws:iam::111111111111:instance-profile/AmazonSSMRoleForInstancesQuickSetup", "Id": "111111111111111111111"},
 "NetworkInterfaces": [{"Association": {"IpOwnerId": "amazon", "PublicDnsName": "ec2-100-%[2]d-%[3]d-%[4]d.us-east-2.compute.example.com", "PublicIp": "100.%[2]d.%[3]d.%[4]d"},
 "Attachment": {"AttachTime": "2022-11-15T10:48:59+00:00", "AttachmentId": "eni-attach-1234567890abcdefg", "DeleteOnTermination": true, "DeviceIndex": 0, "Status": "attached", "NetworkCardIndex": 0},
 "Description": "", "Groups": [{"GroupName": "launch-wizard-146", "GroupId": "sg-1234567890abcdefg"}], "Ipv6Addresses": [], "MacAddress": "00:11:22:33:44:55",
 "NetworkInterfaceId": "eni-1234567890abcdefg", "OwnerId": "104024344472", "PrivateDnsName": "ip-10-%[2]d-%[3]d-%[4]d.us-east-2.compute.internal", "PrivateIpAddress": "10.%[2]d.%[3]d.%[4]d",
 "PrivateIpAddresses": [{"Association": {"IpOwnerId": "amazon", "PublicDnsName": "ec2-100-%[2]d-%[3]d-%[4]d.us-east-2.compute.example.com", "PublicIp": "100.%[2]d.%[3]d.%[4]d"},
 "Primary": true, "PrivateDnsName": "ip-10-%[2]d-%[3]d-%[4]d.us-east-2.compute.internal", "PrivateIpAddress": "10.%[2]d.%[3]d.%[4]d"}],
 "SourceDestCheck": true, "Status": "in-use", "SubnetId": "subnet-1234567890abcdefg", "VpcId": "vpc-1234567890abcdefg", "InterfaceType": "interface"}],
 "RootDeviceName": "/dev/xvda", "RootDeviceType": "ebs", "SecurityGroups": [{"GroupName": "launch-wizard-146", "GroupId": "sg-1234567890abcdefg"}],
 "SourceDestCheck": true, "Tags": [{"Key": "Name", "Value": "web-%[1]d"}, {"Key": "team", "Value": "payments"}], "VirtualizationType": "hvm",
 "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2}, "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
 "HibernationOptions": {"Configured": false}, "MetadataOptions": {"State": "applied", "HttpTokens": "optional", "HttpPutResponseHopLimit": 1,
 "HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "enabled"}, "EnclaveOptions": {"Enabled": false},
 "PlatformDetails": "Linux/UNIX", "UsageOperation": "RunInstances", "UsageOperationUpdateTime": "2022-11-15T10:48:59+00:00",
 "PrivateDnsNameOptions": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": true, "EnableResourceNameDnsAAAARecord": false},
 "MaintenanceOptions": {"AutoRecovery": "default"}, "CurrentInstanceBootMode": "legacy-bios"}], "OwnerId": "111111111111", "ReservationId": "r-%017[1]x"}`,
		i, a, b, c)
}

func newEC2Gen(size int) *genReader {
	return &genReader{head: `{"Reservations": [`, sep: ",\n", tail: "]}\n", item: ec2Reservation, size: size}
}

// cloudlistLine returns one cloudlist JSON line (about 190 bytes) with a
// unique public and private address.
func cloudlistLine(i int) string {
	a, b, c := i>>16&255, i>>8&255, i&255
	return fmt.Sprintf(`{"public":true,"provider":"aws","service":"ec2","id":"prod-%d","public_ipv4":"100.%d.%d.%d","private_ipv4":"10.%d.%d.%d","dns_name":"host-%d.example.com"}`,
		i, a, b, c, a, b, c, i)
}

func newCloudlistGen(size int) *genReader {
	return &genReader{sep: "\n", tail: "\n", item: cloudlistLine, size: size}
}

// naabuLine repeats 65536 endpoints over and over, as a scan of the same
// range several times would.
func naabuLine(i int) string {
	return fmt.Sprintf(`{"host":"192.0.2.1","ip":"10.%d.%d.%d","port":%d,"protocol":"tcp","tls":false,"timestamp":"2024-05-01T10:00:00.000Z"}`,
		i>>8&255, i&255, 1, 6379+i>>16%3)
}

func newNaabuGen(size int) *genReader {
	return &genReader{sep: "\n", tail: "\n", item: func(i int) string { return naabuLine(i % (1 << 18)) }, size: size}
}

const benchSize = 100 << 20

// benchRead writes a generated ~100 MB inventory to a temporary file, then
// times reading it back (the generator's cost is not in the timing). It
// reports throughput, records, targets and the live heap per target, taken
// once the whole file is read and de-duplicated (at the first emit).
func benchRead(b *testing.B, format string, gen func(int) *genReader) {
	path := filepath.Join(b.TempDir(), "inventory")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	size, err := io.Copy(f, gen(benchSize))
	if err != nil || f.Close() != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		targets := 0
		var live uint64
		st, err := Read(context.Background(), in, "bench", format, Options{}, func(scanner.Target) error {
			if targets == 0 {
				b.StopTimer()
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				live = ms.HeapAlloc
				b.StartTimer()
			}
			targets++
			return nil
		})
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Records), "records")
		b.ReportMetric(float64(targets), "targets")
		b.ReportMetric(float64(live)/float64(targets), "live-B/target")
	}
}

// BenchmarkReadEC2_100MB parses a generated 100 MB describe-instances
// document (about 31,500 instances, 63,000 targets), detected from its content.
func BenchmarkReadEC2_100MB(b *testing.B) { benchRead(b, "", newEC2Gen) }

// BenchmarkReadCloudlist_100MB parses 100 MB of cloudlist JSON lines, every
// line a new resource (about 3.4 million unique targets: public, private and DNS name per line).
func BenchmarkReadCloudlist_100MB(b *testing.B) { benchRead(b, "", newCloudlistGen) }

// BenchmarkReadNaabuRepeats_100MB parses 100 MB of naabu JSON lines that
// repeat 262,144 endpoints, exercising de-duplication and the origin cap.
func BenchmarkReadNaabuRepeats_100MB(b *testing.B) { benchRead(b, "naabu", newNaabuGen) }

// TestGeneratedInventoriesParse keeps the generators honest with a small
// size: detected format, one target per address, origins intact.
func TestGeneratedInventoriesParse(t *testing.T) {
	tests := []struct {
		gen     *genReader
		format  string
		records int
		targets int
	}{
		{newEC2Gen(1 << 20), "aws-ec2", 307, 614},
		{newCloudlistGen(1 << 20), "cloudlist", 6678, 20034},
	}
	for _, tt := range tests {
		var got []scanner.Target
		st, err := Read(context.Background(), tt.gen, "gen", "", Options{}, func(tg scanner.Target) error { got = append(got, tg); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if st.Format != tt.format || st.Records != tt.records || len(got) != tt.targets {
			t.Errorf("%s: format %s, %d records, %d targets", tt.format, st.Format, st.Records, len(got))
		}
		if got[0].Origins[0].File != "gen" || got[0].Port != 0 {
			t.Errorf("first target %+v", got[0])
		}
	}
}

// shodanLine returns one Shodan banner line (about 330 bytes) of a unique
// Redis endpoint, as `shodan download` writes them (gunzipped).
func shodanLine(i int) string {
	return fmt.Sprintf(`{"ip_str":"100.%d.%d.%d","ip":%d,"port":6379,"transport":"tcp","product":"Redis key-value store","version":"7.2.4",`+
		`"hostnames":["cache-%d.example.com"],"org":"Example","timestamp":"2024-05-01T10:00:00.000000","_shodan":{"module":"redis","crawler":"x","id":"%d"},"data":"# Server\r\nredis_version:7.2.4\r\n"}`,
		i>>16&255, i>>8&255, i&255, 1677721600+i, i, i)
}

// BenchmarkReadShodan_100MB parses 100 MB of Shodan banner lines, every line
// a new endpoint.
func BenchmarkReadShodan_100MB(b *testing.B) {
	benchRead(b, "", func(size int) *genReader { return &genReader{sep: "\n", tail: "\n", item: shodanLine, size: size} })
}
