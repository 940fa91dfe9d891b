package browser_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestREADMEBlocksAreCompiled keeps the README's "Driving a browser"
// section honest. Its Go blocks are fenced "```go browser", since the
// root module, which compiles the README's "```go" blocks, cannot import
// this module; each must appear, line for line (indentation aside), in a
// .go file of this module, where it is compiled (ExampleUse holds it).
func TestREADMEBlocksAreCompiled(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks [][]string
	var cur []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(string(readme)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case !in && line == "```go browser":
			in, cur = true, nil
		case in && line == "```":
			in = false
			blocks = append(blocks, cur)
		case in && line != "":
			cur = append(cur, line)
		}
	}
	if len(blocks) == 0 {
		t.Fatal("the README has no ```go browser block")
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var sources [][]string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		sources = append(sources, lines)
	}
	for _, block := range blocks {
		found := slices.ContainsFunc(sources, func(src []string) bool {
			for i := 0; i+len(block) <= len(src); i++ {
				if slices.Equal(src[i:i+len(block)], block) {
					return true
				}
			}
			return false
		})
		if !found {
			t.Errorf("this README block is in no .go file of the browser module; put it in an Example:\n%s", strings.Join(block, "\n"))
		}
	}
}
