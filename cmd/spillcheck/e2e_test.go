package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/spillcheck/spillcheck/scanner/scantest"
)

const canary = "CANARY-7f3e9d1c-chat-body"

// startRedis runs a real redis-server on a free loopback port and seeds a
// chat keyspace whose every value holds the canary.
func startRedis(t *testing.T) int {
	t.Helper()
	port := scantest.FreePort(t)
	srv := scantest.RunRedis(t, port, "--port", strconv.Itoa(port))
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	send := func(args ...string) {
		var b bytes.Buffer
		fmt.Fprintf(&b, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
		}
		if _, err := c.Write(b.Bytes()); err != nil {
			t.Fatal(err)
		}
		if line, err := r.ReadString('\n'); err != nil || strings.HasPrefix(line, "-") {
			t.Fatalf("seeding %v: %q %v", args, line, err)
		}
	}
	for i := range 20 {
		send("HSET", fmt.Sprintf("chat:+1555000%04d:msg:%d", i, i), "sender", canary, "recipient", canary, "body", canary, "sent_at", canary)
	}
	send("SET", "session:6f1c2b3a4d5e6f708192a3b4c5d6e7f8", canary)
	return port
}

// TestScanRealRedis runs the whole command against a real redis-server: the
// store is found open, its chat keys score high, the canary value appears
// nowhere in the output, and every line validates against the documented
// result schema.
func TestScanRealRedis(t *testing.T) {
	port := startRedis(t)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"scan", "--jsonl", "--rate", "0", "--per-host-rate", "0", fmt.Sprintf("redis://127.0.0.1:%d", port)},
		&cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
	if code != exitFindings {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if strings.Contains(out.String()+errb.String(), canary) || strings.Contains(out.String(), "+1555000") {
		t.Fatal("a value or a raw key name leaked into the output")
	}
	for _, want := range []string{`"status":"open"`, `"name":"chat:<phone>:msg:<int>"`, `"path":"body"`, `"severity":"high"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
	sch, err := jsonschema.NewCompiler().Compile("../../docs/result.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the result does not match docs/result.schema.json: %v", err)
	}
}
