package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
)

// command holds what every subcommand shares: its flags, -json, and where
// it writes.
type command struct {
	name   string
	fs     *flag.FlagSet
	json   bool
	help   string // the text of -help, after the flags
	stdout io.Writer
	stderr io.Writer
	mu     sync.Mutex // serialises output lines
}

func newCommand(name, help string, stdout, stderr io.Writer) *command {
	c := &command{name: name, help: help, stdout: stdout, stderr: stderr}
	c.fs = flag.NewFlagSet(name, flag.ContinueOnError)
	c.fs.SetOutput(io.Discard)
	c.fs.BoolVar(&c.json, "json", false, "write JSON lines, for scripts")
	return c
}

// parse parses args; done is true when the command must return code at
// once (-help, or bad input reported in one line).
func (c *command) parse(args []string) (code int, done bool) {
	err := c.fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(c.stdout, "Usage: skyhook %s\n\nFlags:\n", c.help)
		c.fs.SetOutput(c.stdout)
		c.fs.PrintDefaults()
		return 0, true
	}
	if err != nil {
		return c.fail("%s", err.Error()), true
	}
	return 0, false
}

// fail reports bad input in one line and returns exit code 2.
func (c *command) fail(format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	if c.json {
		c.emit(map[string]any{"error": msg})
	}
	fmt.Fprintf(c.stderr, "skyhook %s: %s\n", c.name, msg)
	return 2
}

// emit writes one JSON line to stdout.
func (c *command) emit(v any) {
	b, _ := json.Marshal(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stdout.Write(append(b, '\n'))
}

// printf writes one line for people to stdout, unless -json is set.
func (c *command) printf(format string, args ...any) {
	if c.json {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.stdout, format, args...)
}

// checkURL accepts an absolute http or https URL.
func checkURL(flagName, raw string) error {
	if raw == "" {
		return fmt.Errorf("--%s URL is required", flagName)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--%s %q is not an http(s) URL", flagName, raw)
	}
	return nil
}

// positional takes a leading argument that is not a flag, so that
// "replay RUN_ID --to URL" parses as well as "replay --to URL RUN_ID".
func positional(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}
