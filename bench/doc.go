// Package bench holds Boothlead's end-to-end benchmarks against a real PostgreSQL (the private
// cluster of `make db`). They are Go benchmarks, so `make test` never runs them; see README.md
// for how to run them and the figures measured.
package bench
