package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/netguard"
)

// token makes an API token; the token is the last line of stdout, shown this once.
func (e env) token(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
		args = []string{"add", "--help"}
	}
	if len(args) == 0 || args[0] != "add" {
		return usagef("token: say what to do: boothlead token add --name N --role recruiter|admin (see boothlead token add --help)")
	}
	fs := newFlags("token add")
	name := fs.String("name", "", "what the token is for (shown in the list and the audit log)")
	role := fs.String("role", "", "recruiter (reads events and leads) or admin (also the webhooks)")
	if err := e.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(*name) == "":
		return usagef("token add: --name is required")
	case *role != models.RoleRecruiter && *role != models.RoleAdmin:
		return usagef("token add: --role must be recruiter or admin")
	}
	return e.withStore(ctx, func(_ config, _ *sql.DB, store *models.Store) error {
		t, token, err := store.CreateAPIToken(ctx, 0, *name, *role)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			return validationLine("token add", ve, map[string]string{"name": "--name", "role": "--role"})
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s API token %q (id %d); it is shown only now:\n", t.Role, t.Name, t.ID)
		fmt.Fprintln(e.stdout, token)
		return nil
	})
}

// webhook registers a webhook for every event type.
func (e env) webhook(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
		args = []string{"add", "--help"}
	}
	if len(args) == 0 || args[0] != "add" {
		return usagef("webhook: say what to do: boothlead webhook add --url U --secret S (see boothlead webhook add --help)")
	}
	fs := newFlags("webhook add")
	rawURL := fs.String("url", "", "where deliveries are posted (https://…)")
	secret := fs.String("secret", "", "the secret every body is signed with (HMAC-SHA256), at least 12 characters")
	if err := e.parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if strings.TrimSpace(*rawURL) == "" {
		return usagef("webhook add: --url is required")
	}
	if len(strings.TrimSpace(*secret)) < 12 {
		return usagef("webhook add: --secret must be at least 12 characters (better 32 or more, e.g. openssl rand -hex 32)")
	}
	return e.withStore(ctx, func(cfg config, _ *sql.DB, store *models.Store) error {
		u, err := netguard.Policy{AllowPrivate: cfg.AllowPrivateHooks}.CheckURL(*rawURL)
		if err != nil {
			return usagef("webhook add: --url: %v", err)
		}
		stored, err := cfg.Secrets.Keep("webhook", *secret)
		if err != nil {
			return err
		}
		events, _ := models.CheckHookEvents(nil)
		h, err := store.CreateWebhook(ctx, 0, u.String(), stored, events)
		var ve *models.ValidationError
		if errors.As(err, &ve) {
			return validationLine("webhook add", ve, map[string]string{"url": "--url"})
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added webhook %d: every event (%s) is posted to %s, signed with the secret\n",
			h.ID, strings.Join(h.Events, ", "), h.URL)
		return nil
	})
}
