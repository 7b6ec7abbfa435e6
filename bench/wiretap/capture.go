package main

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// event is one packet of interest: a connection attempt (SYN) or a request
// segment (PSH) from a client to a service port.
type event struct {
	at    time.Time
	dst   netip.Addr
	port  uint16 // destination port
	sport uint16 // source port
	syn   bool
}

// filter accepts IPv4 TCP packets on Ethernet framing (loopback and veth use
// it) that are either a SYN without ACK, or carry PSH to one of ports, so
// that nothing else is copied to user space.
func filter(ports []uint16) ([]bpf.RawInstruction, error) {
	const reject, accept = 0, 128 // accept copies the first 128 bytes: the headers
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: 12, Size: 2},                          // 0: ethertype
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x0800, SkipFalse: 0},  // 1: patched below
		bpf.LoadAbsolute{Off: 23, Size: 1},                          // 2: IP protocol
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 6, SkipFalse: 0},       // 3: patched
		bpf.LoadAbsolute{Off: 20, Size: 2},                          // 4: fragment offset
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: 0}, // 5: patched
		bpf.LoadMemShift{Off: 14},                                   // 6: X = IP header length
		bpf.LoadIndirect{Off: 27, Size: 1},                          // 7: TCP flags
		bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 0x12},              // 8: SYN|ACK
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x02, SkipTrue: 0},     // 9: patched: SYN alone
		bpf.LoadIndirect{Off: 27, Size: 1},                          // 10
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x08, SkipFalse: 0},  // 11: patched: PSH
		bpf.LoadIndirect{Off: 16, Size: 2},                          // 12: TCP destination port
	}
	for _, p := range ports {
		prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(p), SkipTrue: 0})
	}
	prog = append(prog, bpf.RetConstant{Val: reject}, bpf.RetConstant{Val: accept})
	rej, acc := len(prog)-2, len(prog)-1
	to := func(from, target int) uint8 { return uint8(target - from - 1) }
	prog[1] = bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x0800, SkipFalse: to(1, rej)}
	prog[3] = bpf.JumpIf{Cond: bpf.JumpEqual, Val: 6, SkipFalse: to(3, rej)}
	prog[5] = bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: to(5, rej)}
	prog[9] = bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x02, SkipTrue: to(9, acc)}
	prog[11] = bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x08, SkipFalse: to(11, rej)}
	for i := 13; i < rej; i++ {
		j := prog[i].(bpf.JumpIf)
		j.SkipTrue = to(i, acc)
		prog[i] = j
	}
	return bpf.Assemble(prog)
}

// tap is a packet socket on every interface with the filter attached.
type tap struct{ fd int }

func openTap(ports []uint16) (*tap, error) {
	// Only ETH_P_ALL taps see outgoing packets.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, int(htons(unix.ETH_P_ALL)))
	if err != nil {
		return nil, fmt.Errorf("packet socket (needs root): %w", err)
	}
	raw, err := filter(ports)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	f := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		f[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER,
		&unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("attaching the filter: %w", err)
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 32<<20)
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("kernel timestamps: %w", err)
	}
	tv := unix.Timeval{Usec: 100000}
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	return &tap{fd: fd}, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// next reads one packet and returns its event; ok is false on a read timeout
// or a packet that is not outgoing. On loopback every packet is seen twice,
// outgoing and incoming; only the outgoing copy counts. The time is the
// kernel's (SO_TIMESTAMPNS), taken as the packet was sent, so a busy machine
// delaying this reader does not bunch the packets up.
func (t *tap) next(buf, oob []byte) (ev event, ok bool, err error) {
	n, oobn, _, from, err := unix.Recvmsg(t.fd, buf, oob, 0)
	if err != nil {
		if err == unix.EAGAIN || err == unix.EINTR {
			return event{}, false, nil
		}
		return event{}, false, err
	}
	ll, isLL := from.(*unix.SockaddrLinklayer)
	if !isLL || ll.Pkttype != unix.PACKET_OUTGOING {
		return event{}, false, nil
	}
	return parse(buf[:n], kernelTime(oob[:oobn]))
}

// kernelTime finds the SCM_TIMESTAMPNS message, or falls back to now.
func kernelTime(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
				ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
				return time.Unix(ts.Unix())
			}
		}
	}
	return time.Now()
}

// parse reads an Ethernet, IPv4, TCP frame the filter accepted.
func parse(b []byte, at time.Time) (event, bool, error) {
	if len(b) < 14+20 {
		return event{}, false, nil
	}
	ip := b[14:]
	ihl := int(ip[0]&0x0f) * 4
	if ihl < 20 || len(ip) < ihl+14 {
		return event{}, false, nil
	}
	tcp := ip[ihl:]
	flags := tcp[13]
	return event{
		at:    at,
		dst:   netip.AddrFrom4([4]byte(ip[16:20])),
		port:  binary.BigEndian.Uint16(tcp[2:4]),
		sport: binary.BigEndian.Uint16(tcp[0:2]),
		syn:   flags&0x12 == 0x02,
	}, true, nil
}

// drops returns how many packets the kernel dropped for want of buffer.
func (t *tap) drops() uint32 {
	st, err := unix.GetsockoptTpacketStats(t.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return 0
	}
	return st.Drops
}

func (t *tap) close() error { return unix.Close(t.fd) }
