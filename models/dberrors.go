package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsUnavailable reports whether err means the database could not be reached or went away (as
// opposed to a query it refused): the request may work again in a moment.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P01–57P05: the server is shutting down, starting or gone;
		// 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ce), errors.As(err, &oe):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true // our own time limits on the database
	}
	// database/sql and pgx say "conn closed" or "closed pool" in plain errors
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "closed pool") ||
		strings.Contains(msg, "sql: database is closed")
}

// SafeErrorText is err's text for a log line, without any value the database echoed. Postgres
// errors quote data in their messages ("invalid byte sequence … 0xe9 0x20", "invalid input
// syntax for type uuid: …") and details (the whole failing row), so a *pgconn.PgError is written
// as its SQLSTATE and the names of the constraint, table and column involved only; the text
// our own layers wrapped around it stays.
func SafeErrorText(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return msg
	}
	safe := "postgres error SQLSTATE " + pe.Code
	for _, f := range []struct{ k, v string }{{"constraint", pe.ConstraintName}, {"table", pe.TableName},
		{"column", pe.ColumnName}, {"routine", pe.Routine}} {
		if f.v != "" {
			safe += " " + f.k + "=" + f.v
		}
	}
	if i := strings.Index(msg, pe.Error()); i >= 0 {
		return msg[:i] + safe
	}
	// the error text does not hold the Postgres one verbatim: keep only what comes before its
	// first colon (our operation prefix), never the rest
	if i := strings.Index(msg, ":"); i >= 0 {
		return msg[:i] + ": " + safe
	}
	return safe
}
