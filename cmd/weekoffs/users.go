package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

func createUserCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("createuser", e)
	email := fs.String("email", "", "the user's email (required)")
	name := fs.String("name", "", "the user's full name (required)")
	role := fs.String("role", "employee", "admin or employee")
	password := fs.String("password", "", "the password; read from the first line of stdin when not given")
	weekoffs := fs.String("weekoffs", "", "comma-separated week-off days, such as sat,sun")
	cfg, log, err := setup(e, fs, args, config.LoadDatabaseTool)
	if err != nil {
		return err
	}
	if *password == "" {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("createuser: give --password or the password on stdin")
		}
		*password = strings.TrimRight(line, "\r\n")
	}
	in := models.UserInput{Email: email, FullName: name, Role: role, Password: password}
	if *weekoffs != "" {
		days := strings.Split(*weekoffs, ",")
		in.Weekoffs = &days
	}
	return withStore(ctx, cfg, log, false, func(store *models.Store) error {
		u, err := store.CreateUser(ctx, in)
		if fe, ok := errors.AsType[models.FieldErrors](err); ok {
			return fmt.Errorf("createuser: %s", strings.TrimPrefix(fe.Error(), "invalid input: "))
		}
		if err != nil {
			return fmt.Errorf("createuser: %w", err)
		}
		fmt.Fprintf(e.stdout, "created %s %s (id %d)\n", u.Role, u.Email, u.ID)
		return nil
	})
}

func seedCommand(ctx context.Context, e env, args []string) error {
	fs := newFlags("seed", e)
	users := fs.Int("users", 1000, "how many users to create: admin@example.com and user1… employees")
	password := fs.String("password", "", "the password of every seeded user (required)")
	cfg, log, err := setup(e, fs, args, config.LoadDatabaseTool)
	if err != nil {
		return err
	}
	if *password == "" {
		return errors.New("seed: --password is required")
	}
	return withStore(ctx, cfg, log, false, func(store *models.Store) error {
		start := time.Now()
		n, err := store.Seed(ctx, *users, *password, progressPrinter(e))
		if errors.Is(err, models.ErrAlreadySeeded) {
			fmt.Fprintln(e.stdout, "already seeded: added no users ("+models.SeedAdminEmail+" exists)")
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "seeded %d users in %s\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

// progressPrinter shows a progress line when stderr is a terminal, and nothing otherwise.
func progressPrinter(e env) func(done, total int) {
	f := terminal(e.stderr)
	if f == nil {
		return nil
	}
	return func(done, total int) {
		fmt.Fprintf(f, "\rseeding %d/%d users (%d%%)", done, total, done*100/total)
		if done == total {
			fmt.Fprintln(f)
		}
	}
}
