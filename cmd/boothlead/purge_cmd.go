package main

import (
	"context"
	"errors"
)

func (e env) purge(ctx context.Context, args []string) error {
	return errors.New("purge: not built yet")
}
