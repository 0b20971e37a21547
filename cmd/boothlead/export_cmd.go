package main

import (
	"context"
	"errors"
)

func (e env) export(ctx context.Context, args []string) error {
	return errors.New("export: not built yet")
}
