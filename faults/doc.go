// Package faults holds the fault tests of `make test-faults`: the real boothlead binary under a
// check-in load while Postgres stops and starts again, while it gets SIGTERM, and two instances
// on one database (sessions, the live board, the purge, the outbox). They start what they need:
// the binary (built once), a PostgreSQL cluster of their own where one must be stopped
// (modelstest.NewCluster), an SMTP server in the test process.
package faults
