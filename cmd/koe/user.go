package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/koe-project/koe/internal/auth"
)

func userCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("user: expected add")
	}
	fs, dbURL := e.flags("user add")
	email := fs.String("email", "", "the staff member's e-mail address")
	role := fs.String("role", auth.RoleStaff, "admin or staff")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("user add: --email ADDR is required")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("user add: give the password on standard input")
	}
	password := strings.TrimRight(line, "\r\n")
	db, err := openDB(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	created, err := auth.NewStore(db).AddUser(ctx, *email, password, *role)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	if created {
		fmt.Fprintf(e.stdout, "created %s (%s)\n", strings.ToLower(*email), *role)
	} else {
		fmt.Fprintf(e.stdout, "password updated for %s (%s); its sessions are ended\n", strings.ToLower(*email), *role)
	}
	return nil
}
