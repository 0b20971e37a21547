package outbox

import (
	"errors"
	"net/url"
)

// unwrapURL describes a failed round trip without its URL (a receiver's URL may carry a token).
func unwrapURL(err error) string {
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return "timed out"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
