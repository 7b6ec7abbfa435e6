package mongodb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/spillcheck/spillcheck/internal/ferrettest"
	"github.com/spillcheck/spillcheck/scanner"
	"github.com/spillcheck/spillcheck/scanner/scantest"
)

// TestFerretDBWithPostgreSQLAuth is the one real way to make FerretDB 1.24
// require authentication from Go: its PostgreSQL handler passes each
// client's credentials to PostgreSQL and uses its base URL's only for
// clients that sent none. With a base URL without a password and a
// PostgreSQL that demands scram-sha-256, an unauthenticated listDatabases
// fails in PostgreSQL's login, while an authenticated client (here, the
// seeding one) reads and writes. (FerretDB's own user store,
// EnableNewAuth, is not reachable through the embeddable package.)
func TestFerretDBWithPostgreSQLAuth(t *testing.T) {
	pgPort, password := startPostgres(t)
	s, err := ferrettest.Start(ferrettest.Options{PostgreSQLURL: fmt.Sprintf("postgres://ferret@127.0.0.1:%d/postgres?sslmode=disable", pgPort)})
	if err != nil {
		t.Fatalf("FerretDB: %v", err)
	}
	t.Cleanup(func() { s.Stop() })

	// A client with PostgreSQL's credentials can write: auth is real.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	uri := fmt.Sprintf("mongodb://ferret:%s@%s/?authMechanism=PLAIN&directConnection=true", password, s.Addr)
	c, err := mongo.Connect(ctx, options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)
	if _, err := c.Database("messaging").Collection("messages").InsertOne(ctx, bson.M{"body": canary}); err != nil {
		t.Fatalf("authenticated insert: %v", err)
	}

	res, rec, err := runProbe(t, s.Addr, 3*time.Second, scanner.Limits{})
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if res.Status != scanner.StatusAuthRequired || res.Product != "ferretdb" || len(res.Containers) != 0 {
		t.Fatalf("status %q product %q containers %d; notes %q", res.Status, res.Product, len(res.Containers), res.Notes)
	}
	if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, "password authentication failed") }) {
		t.Errorf("notes %q", res.Notes)
	}
	assertAllowed(t, rec)
}

// startPostgres runs a throwaway PostgreSQL on a free loopback port with
// scram-sha-256 for every connection, and returns its port and the
// password of its superuser "ferret".
func startPostgres(t *testing.T) (int, string) {
	bin := postgresBin(t)
	dir, err := os.MkdirTemp("", "spillcheck-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			scantest.Missing(t, "no postgres user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	const password = "pg-secret-for-tests"
	pwfile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if out, err := asPostgres(filepath.Join(bin, "initdb"), "-D", data, "-U", "ferret", "--pwfile", pwfile,
		"-A", "scram-sha-256", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	port := scantest.FreePort(t)
	cmd := asPostgres(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGINT is PostgreSQL's fast shutdown; the group reaches it
		// through runuser. Kill the group if it lingers.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	ready := func() bool {
		return exec.Command(filepath.Join(bin, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(port)).Run() == nil
	}
	for i := 0; i < 200 && !ready(); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if !ready() {
		t.Fatal("PostgreSQL did not start within 10s")
	}
	return port, password
}

// asPostgres runs a PostgreSQL program, as the postgres user when root
// (PostgreSQL refuses to run as root).
func asPostgres(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// postgresBin finds Debian's PostgreSQL server programs.
func postgresBin(t *testing.T) string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Sort(dirs)
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i]
		}
	}
	scantest.Missing(t, "PostgreSQL server (Debian package postgresql) is not installed")
	return ""
}
