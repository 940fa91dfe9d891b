package skyvern_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
)

// TestREADMECodeIsCompiled keeps README.md honest: every Go block in it
// must appear, line for line (indentation aside), in a .go file of the
// repository, where it is compiled and, in an Example or test, run.
func TestREADMECodeIsCompiled(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := goBlocks(string(readme))
	require.NotEmpty(t, blocks)

	var sources [][]string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		b, err := os.ReadFile(path)
		sources = append(sources, codeLines(string(b)))
		return err
	})
	require.NoError(t, err)

	for _, block := range blocks {
		want := codeLines(block.code)
		found := false
		for _, src := range sources {
			if containsRun(src, want) {
				found = true
				break
			}
		}
		require.True(t, found, "the README block at line %d is not in any .go file; put it in an Example or test:\n%s", block.line, block.code)
	}
}

// TestREADMEBlocksComposeIntoOneProgram checks that the README's Go blocks,
// pasted in order as a reader would, make one program that compiles and
// passes go vet. The assembly rule:
//
//   - A block whose first line of code (after any leading // comments)
//     starts a function, method or type declaration ("func Name",
//     "func (r T) Name", "type ...") is a top-level declaration: it goes, as it is, after main, in README order.
//     The webhook receiver (func newWebhookServer) and the test against the
//     fake (func TestCheckout) are such blocks.
//   - Every other block is a run of statements: it goes, as it is, into one
//     func main, in README order, so a later block may use what an earlier
//     one declared (ctx, client, run, ...) and must not redeclare it.
//   - Nothing else is added but the package clause and the imports, which
//     are those of the packages the blocks name (a goimports, for the
//     packages the README uses).
//
// The program is written to a directory inside the module, named with a
// leading "_" so that ./... patterns skip it, and checked with go vet.
func TestREADMEBlocksComposeIntoOneProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command")
	}
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "this test runs the go command")
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)

	src, err := assembleREADME(goBlocks(string(readme)))
	require.NoError(t, err)

	dir, err := os.MkdirTemp(".", "_readme")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644))

	cmd := exec.Command(goTool, "vet", "./"+filepath.ToSlash(dir))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "the README's Go blocks, pasted in order, do not compile "+
		"(for an undefined package, add it to readmeImports):\n%s\nthe program:\n%s", out, numbered(src))
}

// TestREADMEAssemblyRule checks the rule itself on a small README, so that
// a broken classifier cannot make the test above pass by accident.
func TestREADMEAssemblyRule(t *testing.T) {
	md := "Text.\n\n```go\nctx := context.Background()\n```\n\n" +
		"```go\n// serve serves.\nfunc serve(addr string) *http.Server {\n\treturn &http.Server{Addr: addr}\n}\n```\n\n" +
		"```sh\ngo run .\n```\n\n" +
		"```go\n_ = serve(\":0\")\n<-ctx.Done()\n```\n" +
		"```go\nfunc (h hook) ServeHTTP(http.ResponseWriter, *http.Request) {}\n```\n" +
		"```go\nfunc() {\n\t_ = hook{}\n}()\n```\n" +
		"```go\ntype hook struct{}\n```\n"
	blocks := goBlocks(md)
	require.Len(t, blocks, 6)
	var lines []int
	var top []bool
	for _, b := range blocks {
		lines, top = append(lines, b.line), append(top, b.topLevel())
	}
	require.Equal(t, []int{4, 8, 19, 23, 26, 31}, lines)
	require.Equal(t, []bool{false, true, false, true, false, true}, top)

	src, err := assembleREADME(blocks)
	require.NoError(t, err)
	text := string(src)
	require.Contains(t, text, "import (\n\t\"context\"\n\t\"net/http\"\n)")
	main := text[strings.Index(text, "func main() {"):strings.Index(text, "func serve(")]
	require.Contains(t, main, "ctx := context.Background()")
	require.Less(t, strings.Index(main, "ctx :="), strings.Index(main, "_ = serve"), "statements keep README order")
}

// TestREADMEQuickstart runs the README's quickstart blocks, as they are,
// against the fake server, which NewClient finds through the environment.
func TestREADMEQuickstart(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("Find the top post on Hacker News and return its title", skyverntest.Outcome{
		Output: map[string]any{"title": "Show HN: skyvern-go"},
	})
	t.Setenv("SKYVERN_API_KEY", srv.APIKey)
	t.Setenv("SKYVERN_BASE_URL", srv.URL)

	// A run takes minutes: bound the whole program's wait.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	client, err := skyvern.NewClient() // SKYVERN_API_KEY; SKYVERN_BASE_URL, else Skyvern Cloud
	if err != nil {
		log.Fatal(err)
	}

	started, err := client.RunTask(ctx, skyvern.TaskRunRequest{
		Prompt:   "Find the top post on Hacker News and return its title",
		URL:      "https://news.ycombinator.com",
		MaxSteps: skyvern.Ptr(10),
	})
	switch {
	case errors.Is(err, skyvern.ErrOutcomeUnknown):
		log.Fatalf("the run may have started: look for it before starting it again: %v", err)
	case err != nil:
		log.Fatal(err)
	}

	srv.Advance(time.Minute) // the run finishes

	run, err := client.WaitForRun(ctx, started.RunID)
	if err != nil {
		log.Fatal(err)
	}
	if run.Status != skyvern.RunStatusCompleted {
		log.Fatalf("run %s %s: %s", run.RunID, run.Status, run.FailureReason)
	}
	var out struct {
		Title string `json:"title"`
	}
	if err := run.DecodeOutput(&out); err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Title)

	assert.Equal(t, "Show HN: skyvern-go", out.Title)
}

// TestCheckout is the README's test against the fake server, as it is.
func TestCheckout(t *testing.T) {
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	srv.OnPrompt("Buy the mango", skyverntest.Outcome{
		Status:        skyvern.RunStatusFailed,
		FailureReason: "out of stock",
	})

	// Point the code under test at srv.URL with srv.APIKey, or use:
	client := srv.Client()
	run, err := client.RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "Buy the mango"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(time.Second) // the run finishes, on the fake's clock
	run, err = client.GetRun(context.Background(), run.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != skyvern.RunStatusFailed || run.FailureReason != "out of stock" {
		t.Errorf("run %s %q, want failed with \"out of stock\"", run.Status, run.FailureReason)
	}
}

// readmeBlock is one ```go fence of a markdown file.
type readmeBlock struct {
	line int // of its first line of code
	code string
}

// topLevel reports whether the block is a declaration that belongs at the
// top level of a file rather than inside main; see
// TestREADMEBlocksComposeIntoOneProgram.
func (b readmeBlock) topLevel() bool {
	for _, l := range strings.Split(b.code, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		// "func Name(" and "func (r T) Name(" declare; "func() {...}()" is a
		// statement.
		return strings.HasPrefix(l, "func ") || strings.HasPrefix(l, "type ")
	}
	return false
}

// readmeImports maps the package names the README's code may use to their
// import paths.
var readmeImports = map[string]string{
	"bytes":       "bytes",
	"context":     "context",
	"errors":      "errors",
	"fmt":         "fmt",
	"http":        "net/http",
	"httptest":    "net/http/httptest",
	"io":          "io",
	"json":        "encoding/json",
	"log":         "log",
	"net":         "net",
	"os":          "os",
	"slog":        "log/slog",
	"strings":     "strings",
	"sync":        "sync",
	"testing":     "testing",
	"time":        "time",
	"url":         "net/url",
	"skyvern":     "github.com/skyvern-go/skyvern",
	"skyverntest": "github.com/skyvern-go/skyvern/skyverntest",
	"webhooks":    "github.com/skyvern-go/skyvern/webhooks",
}

// assembleREADME makes one Go source file of blocks by the rule of
// TestREADMEBlocksComposeIntoOneProgram. Each block is marked with a
// comment naming its README line, for the error messages.
func assembleREADME(blocks []readmeBlock) ([]byte, error) {
	var mainBody, decls strings.Builder
	for _, b := range blocks {
		w := &mainBody
		if b.topLevel() {
			w = &decls
		}
		fmt.Fprintf(w, "\n// README.md line %d\n%s", b.line, b.code)
	}
	body := "func main() {" + mainBody.String() + "}\n" + decls.String()
	imports, err := packagesUsed("package main\n\n" + body)
	if err != nil {
		return nil, err
	}
	var src bytes.Buffer
	src.WriteString("package main\n\nimport (\n")
	for _, p := range imports {
		fmt.Fprintf(&src, "\t%q\n", p)
	}
	src.WriteString(")\n\n")
	src.WriteString(body)
	return src.Bytes(), nil
}

// packagesUsed returns the sorted import paths of the packages that src,
// a file without imports, refers to: the names of readmeImports it uses as
// pkg.Name without declaring them. Other undeclared names are left for the
// compiler to report.
func packagesUsed(src string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0)
	if err != nil {
		return nil, fmt.Errorf("the README's blocks do not parse as one file: %w\n%s", err, numbered([]byte(src)))
	}
	unresolved := make(map[*ast.Ident]bool, len(f.Unresolved))
	for _, id := range f.Unresolved {
		unresolved[id] = true
	}
	var paths []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		id, ok := sel.X.(*ast.Ident)
		if !ok || !unresolved[id] {
			return true
		}
		if p, ok := readmeImports[id.Name]; ok && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
		return true
	})
	slices.Sort(paths)
	return paths, nil
}

// goBlocks returns the ```go fences of markdown, in order.
func goBlocks(md string) []readmeBlock {
	var blocks []readmeBlock
	var cur *strings.Builder
	start := 0
	sc := bufio.NewScanner(strings.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur, start = new(strings.Builder), n+1
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, readmeBlock{line: start, code: cur.String()})
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

// numbered returns src with line numbers, for a failure message.
func numbered(src []byte) string {
	var b strings.Builder
	for i, l := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// codeLines returns the non-blank lines of code, trimmed.
func codeLines(code string) []string {
	var lines []string
	for _, l := range strings.Split(code, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func containsRun(haystack, needle []string) bool {
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if slices.Equal(haystack[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}
