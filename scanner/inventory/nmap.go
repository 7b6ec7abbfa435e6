package inventory

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// nmapHost is one <host> of nmap -oX output.
type nmapHost struct {
	Status struct {
		State string `xml:"state,attr"`
	} `xml:"status"`
	Addresses []struct {
		Addr     string `xml:"addr,attr"`
		AddrType string `xml:"addrtype,attr"`
	} `xml:"address"`
	Hostnames []struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
	} `xml:"hostnames>hostname"`
	Ports []struct {
		Protocol string `xml:"protocol,attr"`
		PortID   int    `xml:"portid,attr"`
		State    struct {
			State string `xml:"state,attr"`
		} `xml:"state"`
		Service struct {
			Name    string `xml:"name,attr"`
			Product string `xml:"product,attr"`
			Tunnel  string `xml:"tunnel,attr"`
		} `xml:"service"`
	} `xml:"ports>port"`
}

// readNmap reads nmap -oX output as a token stream, decoding one <host> at a
// time: each open TCP port on the host's IPv4 or IPv6 address, with the
// service nmap named (TLS when nmap saw an SSL tunnel). The user-supplied
// or PTR host name goes into the origin. Output cut short by an interrupted
// scan keeps its whole hosts: a warning says where it ends, and a <host> cut
// in two is reported as a problem.
func readNmap(ctx context.Context, r *bufio.Reader, s *sink) error {
	in := &hostBound{r: r, max: int64(s.opts.maxLine()), start: -1}
	d := xml.NewDecoder(in)
	in.dec = d
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			line, _ := d.InputPos()
			if cutShort(err) {
				// nmap writes -oX as it goes: a scan stopped early (Ctrl-C,
				// a killed job, `-oX -` piped to a closed reader) leaves
				// every finished <host> whole and no </nmaprun>.
				s.stats.warnf("%s ends at line %d before </nmaprun> (an interrupted scan?): the %d hosts before it were read", s.file, line, s.stats.Records)
				return nil
			}
			return atLine(line, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "host" {
			continue
		}
		line, _ := d.InputPos()
		var h nmapHost
		in.start = d.InputOffset()
		if err := d.DecodeElement(&h, &se); err != nil {
			l, _ := d.InputPos()
			if cutShort(err) {
				s.problemAt(line, "", fmt.Sprintf("the file ends at line %d inside this <host> (an interrupted scan?): it was not read; the %d hosts before it were", l, s.stats.Records))
				return nil
			}
			return atLine(l, err)
		}
		in.start = -1
		if err := s.record(); err != nil {
			return err
		}
		nmapAdd(s, &h, line)
	}
}

func nmapAdd(s *sink, h *nmapHost, line int) {
	if h.Status.State != "" && h.Status.State != "up" {
		s.stats.Skipped++
		return
	}
	var addr string
	for _, a := range h.Addresses {
		if a.AddrType == "ipv4" || a.AddrType == "ipv6" {
			addr = a.Addr
			break
		}
	}
	var names []string
	for _, n := range h.Hostnames {
		if n.Name != "" && !slices.Contains(names, n.Name) { // the user's name is often the PTR's too
			names = append(names, n.Name)
		}
	}
	res := strings.Join(names, " ")
	for _, p := range h.Ports {
		if p.Protocol != "tcp" || p.State.State != "open" {
			s.stats.Skipped++
			continue
		}
		svc := firstNonEmpty(serviceFromName(p.Service.Name, p.Service.Product), wellKnown(p.PortID))
		s.add(endpoint{host: addr, port: p.PortID, service: svc, tls: p.Service.Tunnel == "ssl",
			line: line, path: "host/ports/port[@portid=" + strconv.Itoa(p.PortID) + "]", resource: res})
	}
}

// hostBound fails reads once the <host> element being decoded is longer
// than max bytes, so that one hostile host cannot fill memory.
type hostBound struct {
	r     io.Reader
	dec   *xml.Decoder
	max   int64
	start int64 // offset of the <host> being decoded, -1 between hosts
}

func (h *hostBound) Read(p []byte) (int, error) {
	if h.start >= 0 && h.dec.InputOffset()-h.start > h.max {
		return 0, fmt.Errorf("a <host> element longer than %d bytes", h.max)
	}
	return h.r.Read(p)
}

// cutShort reports whether an XML error is the input ending inside an
// element, as an interrupted nmap run leaves it.
func cutShort(err error) bool {
	var se *xml.SyntaxError
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) && se.Msg == "unexpected EOF"
}
