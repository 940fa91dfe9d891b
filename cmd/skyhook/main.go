// Command skyhook develops a Skyvern webhook receiver on your own machine,
// without a tunnel: Skyvern delivers webhooks only to public URLs, so
// skyhook finds the runs that finish, writes each webhook as Skyvern would
// (the same bytes, signature and headers) and delivers it to a local URL.
//
// Usage:
//
//	skyhook listen  --forward-to URL [flags]   forward the runs that finish from now on
//	skyhook trigger --forward-to URL [flags]   deliver a synthetic run, offline
//	skyhook replay  RUN_ID --to URL [flags]    deliver one run's webhook again
//	skyhook verify  --body FILE --signature SIG [--key KEY]...  check a signature
//
// Each subcommand has -help with an example, exits 2 with a one-line reason
// on bad input, and writes JSON lines with -json. The API key comes from
// SKYVERN_API_KEY (and the API from SKYVERN_BASE_URL); it is never printed.
//
// The name is not skyvern because Skyvern's Python package installs a
// command of that name.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usage = `skyhook: develop a Skyvern webhook receiver locally, without a tunnel.

Usage:
  skyhook listen  --forward-to URL [flags]    forward every run that finishes from now on
  skyhook trigger --forward-to URL [flags]    deliver a signed synthetic run (offline)
  skyhook replay  RUN_ID --to URL [flags]     Get Run, then sign and deliver it
  skyhook verify  --body FILE --signature SIG check a signature and explain a mismatch

Run "skyhook COMMAND -help" for a command's flags and an example.
The API key is read from SKYVERN_API_KEY; it is never printed.
`

// env reads an environment variable; tests pass their own.
type env func(string) string

// run is the whole command: it returns the exit code (0 success, 1 a
// delivery or check failed, 2 bad input).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "listen":
		return listenCmd(ctx, args[1:], stdout, stderr, getenv)
	case "trigger":
		return triggerCmd(ctx, args[1:], stdout, stderr, getenv)
	case "replay":
		return replayCmd(ctx, args[1:], stdout, stderr, getenv)
	case "verify":
		return verifyCmd(args[1:], stdin, stdout, stderr, getenv)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "skyhook: unknown command %q (want listen, trigger, replay or verify)\n", args[0])
	return 2
}
