package modelstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Cluster is a PostgreSQL server of one test's own (initdb into a temporary folder, a free port
// on 127.0.0.1, trust auth, fsync off) that the test can stop and start again: a database that
// goes away and comes back, as a restart or a crash of the real one does. Run as root, the server
// runs as the postgres OS user, as scripts/db.sh does. It is stopped when the test ends.
type Cluster struct {
	t    testing.TB
	bin  string // the PostgreSQL server binaries
	dir  string
	port int
}

// pgBin finds the newest /usr/lib/postgresql/*/bin with initdb and pg_ctl, else PATH's.
func pgBin() (string, bool) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, true
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), true
	}
	return "", false
}

// NewCluster creates and starts a cluster; the test is skipped when no PostgreSQL server
// binaries are installed (make db installs them).
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	skipShort(t)
	bin, ok := pgBin()
	if !ok {
		t.Skip("no PostgreSQL server binaries (initdb, pg_ctl): make db installs them")
	}
	dir, err := os.MkdirTemp("", "boothlead-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	c := &Cluster{t: t, bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("run as root, the server needs the postgres OS user (apt-get install postgresql makes it)")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	c.port = freePort(t)
	c.run("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
	c.Start()
	t.Cleanup(c.stopQuietly)
	return c
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// run runs one of the server's tools, as the postgres OS user when this process is root.
func (c *Cluster) run(tool string, args ...string) {
	c.t.Helper()
	if out, err := c.command(tool, args...).CombinedOutput(); err != nil {
		c.t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
}

func (c *Cluster) command(tool string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, tool)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/" // the postgres user may not enter the test's folder
	return cmd
}

// Start starts the server (again) on its port and waits until it accepts connections.
func (c *Cluster) Start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "+
		"-c synchronous_commit=on -c full_page_writes=off -c max_connections=200", c.port)
	c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-o", opts, "-w", "-t", "60", "start")
}

// Stop stops the server (fast shutdown: open connections are ended, as in a restart).
func (c *Cluster) Stop() {
	c.t.Helper()
	c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "60", "stop")
}

func (c *Cluster) stopQuietly() {
	_ = c.command("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "-t", "30", "stop").Run()
}

// AdminURL is a superuser connection to the cluster's postgres database.
func (c *Cluster) AdminURL() string { return c.URL("postgres") }

// URL is a superuser connection to one of the cluster's databases.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// CreateDB creates a database and returns its URL.
func (c *Cluster) CreateDB(name string) string {
	c.t.Helper()
	c.run("createdb", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", "postgres", name)
	return c.URL(name)
}

// Log returns the server's log so far (for a failing test's output).
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	return string(b)
}
