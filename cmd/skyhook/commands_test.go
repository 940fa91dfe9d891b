package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skyvern-go/skyvern"
	"github.com/skyvern-go/skyvern/skyverntest"
	"github.com/skyvern-go/skyvern/webhooks"
)

const testKey = "sk-test-secret-key-0123456789"

func keyEnv(k string) string {
	if k == "SKYVERN_API_KEY" {
		return testKey
	}
	return ""
}

func runCmd(env env, stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, env)
	return code, out.String(), errb.String()
}

func TestTriggerEveryStatus(t *testing.T) {
	rcv := newReceiver(t, testKey, 0)
	outFile := filepath.Join(t.TempDir(), "out.json")
	if err := os.WriteFile(outFile, []byte(`{"items":[1,2.0,"<x>"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, status := range finalStatuses {
		for _, rt := range []string{"task_v1", "task_v2", "workflow_run", "openai_cua"} {
			id := "tsk_" + status + "_" + rt
			args := []string{"trigger", "--forward-to", rcv.URL, "--status", status, "--run-type", rt, "--run-id", id, "--failure-reason", "why: " + status}
			if status == "completed" {
				args = append(args, "--output", "@"+outFile)
			}
			code, out, errs := runCmd(keyEnv, "", args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s%s", args, code, out, errs)
			}
			n++
			rcv.wait(t, 1)
			got := rcv.runs[id]
			if got == nil || string(got.Status) != status || string(got.RunType) != rt || got.FailureReason != "why: "+status {
				t.Fatalf("%s %s: receiver got %+v", status, rt, got)
			}
			if status == "completed" && string(got.Output) != `{"items":[1,2,"<x>"]}` {
				t.Errorf("output %s", got.Output)
			}
			if !strings.Contains(out, id) || !strings.Contains(out, "-> 200") {
				t.Errorf("trigger printed %q", out)
			}
		}
	}
	// -json output is one JSON object per attempt.
	code, out, _ := runCmd(keyEnv, "", "trigger", "--forward-to", rcv.URL, "--run-id", "tsk_json", "-json")
	var r result
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || !r.OK || r.Code != 200 || r.Attempt != 1 {
		t.Fatalf("trigger -json: %d %q", code, out)
	}
}

// The legacy members come before the Run Response members, as the server
// lays them, and the body is the compact form Marshal writes.
func TestTriggerBodyShape(t *testing.T) {
	raw, err := syntheticRun("wr_1", "completed", "workflow_run", json.RawMessage(`{"a":1}`), "", time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	body, err := webhookBody(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body, []byte(`{"workflow_id":null,"workflow_run_id":"wr_1","status":"completed",`)) {
		t.Errorf("body starts %s", body[:80])
	}
	if bytes.Contains(body, []byte("run_request")) || !bytes.Contains(body, []byte(`"outputs":{"a":1}`)) || !bytes.Contains(body, []byte(`"run_type":"workflow_run"`)) {
		t.Errorf("body %s", body)
	}
	if m, _ := webhooks.Marshal(json.RawMessage(body)); !bytes.Equal(m, body) {
		t.Error("the body is not in the server's form")
	}
}

func TestVerifyNamesTheCause(t *testing.T) {
	body := []byte(`{"run_id":"tsk_1","status":"completed","output":{"note":"<a&b>"}}`)
	sig := webhooks.Sign(body, testKey)
	other := "sk-other-key-9876543210"
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	spaced := []byte(`{"run_id": "tsk_1", "status": "completed", "output": {"note": "<a&b>"}}`)
	escaped := []byte(`{"run_id":"tsk_1","status":"completed","output":{"note":"\u003ca\u0026b\u003e"}}`)
	sortedBody := []byte(`{"output":{"note":"<a&b>"},"run_id":"tsk_1","status":"completed"}`)
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		code  int
		cause string
		key   int
	}{
		{"genuine", []string{"--body", write("ok", body), "--signature", sig}, "", 0, "", 1},
		{"genuine from stdin", []string{"--signature", sig}, string(body), 0, "", 1},
		{"trailing newline", []string{"--body", write("nl", append(body, '\n')), "--signature", sig}, "", 1, "trailing_newline", 1},
		{"spaced", []string{"--body", write("sp", spaced), "--signature", sig}, "", 1, "re_encoded", 1},
		{"escaped", []string{"--body", write("esc", escaped), "--signature", sig}, "", 1, "re_encoded", 1},
		{"sorted keys", []string{"--body", write("sorted", sortedBody), "--signature", sig}, "", 1, "re_encoded", 0},
		{"other key", []string{"--body", write("ok2", body), "--signature", webhooks.Sign(body, other), "--key", testKey, "--key", other}, "", 1, "other_key", 2},
		{"upper case", []string{"--body", write("up", body), "--signature", strings.ToUpper(sig)}, "", 1, "signature_format", 1},
		{"prefixed", []string{"--body", write("pre", body), "--signature", "sha256=" + sig}, "", 1, "signature_format", 1},
		{"missing header", []string{"--body", write("mh", body)}, "", 1, "missing_header", 0},
		{"no key matches", []string{"--body", write("nm", body), "--signature", webhooks.Sign(body, "x")}, "", 1, "no_match", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(keyEnv, tc.stdin, append([]string{"verify", "-json"}, tc.args...)...)
			var v verdict
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("exit %d, output %q %q", code, out, errs)
			}
			if code != tc.code || v.Cause != tc.cause || v.Key != tc.key || v.Genuine != (tc.code == 0) {
				t.Errorf("exit %d, %+v; want exit %d, cause %q, key %d", code, v, tc.code, tc.cause, tc.key)
			}
			if strings.Contains(out+errs, testKey) || strings.Contains(out+errs, other) {
				t.Error("a key was printed")
			}
			// The text form says the same in one line.
			code2, text, _ := runCmd(keyEnv, tc.stdin, append([]string{"verify"}, tc.args...)...)
			if code2 != code || strings.Count(text, "\n") != 1 {
				t.Errorf("text form: exit %d, %q", code2, text)
			}
		})
	}
}

func TestBadInputAndHelp(t *testing.T) {
	noEnv := func(string) string { return "" }
	for _, args := range [][]string{
		{},
		{"nope"},
		{"listen"},
		{"listen", "--forward-to", "ftp://x"},
		{"listen", "--forward-to", "http://127.0.0.1:1", "--run-type", "bogus"},
		{"listen", "--forward-to", "http://127.0.0.1:1"}, // no key
		{"trigger", "--forward-to", "http://127.0.0.1:1", "--status", "running"},
		{"trigger", "--forward-to", "http://127.0.0.1:1", "--output", "{bad"},
		{"trigger", "--forward-to", "http://127.0.0.1:1", "--output", "@/nonexistent/file"},
		{"trigger", "--forward-to", "http://127.0.0.1:1"}, // no key
		{"trigger", "--bogus-flag"},
		{"replay", "--to", "http://127.0.0.1:1"},
		{"replay", "tsk_1"},
		{"verify", "--signature", "ab"}, // no key
		{"verify", "--key", "", "--signature", "ab"},
	} {
		code, out, errs := runCmd(noEnv, "", args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if len(args) > 0 && (strings.Count(errs, "\n") != 1 || out != "") {
			t.Errorf("%q: stderr %q stdout %q, want one line", args, errs, out)
		}
	}
	for _, cmd := range []string{"listen", "trigger", "replay", "verify"} {
		code, out, _ := runCmd(keyEnv, "", cmd, "-help")
		if code != 0 || !strings.Contains(out, "Example:") || !strings.Contains(out, "-json") {
			t.Errorf("%s -help: exit %d, %q", cmd, code, out)
		}
	}
	if _, out, _ := runCmd(keyEnv, "", "listen", "-help"); !strings.Contains(out, "one Get Run per run that finished") {
		t.Error("listen -help does not state its polling cost")
	}
	// -json reports bad input as JSON too.
	code, out, _ := runCmd(noEnv, "", "trigger", "-json", "--forward-to", "x")
	var e struct{ Error string }
	if code != 2 || json.Unmarshal([]byte(out), &e) != nil || e.Error == "" {
		t.Errorf("-json bad input: %d %q", code, out)
	}
}

// The built command: trigger and verify, then listen against the fake
// stopped by SIGINT, as a developer runs them.
func TestBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "skyhook")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	srv := skyverntest.NewServer(t, skyverntest.WithManualClock())
	env := append(os.Environ(), "SKYVERN_API_KEY="+srv.APIKey, "SKYVERN_BASE_URL="+srv.URL)
	rcv := newReceiver(t, srv.APIKey, 0)

	cmd := exec.Command(bin, "trigger", "--forward-to", rcv.URL, "--status", "timed_out", "--run-id", "tsk_bin")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "tsk_bin") {
		t.Fatalf("trigger: %v %s", err, out)
	}
	rcv.wait(t, 1)

	body := []byte(`{"run_id":"x"}`)
	cmd = exec.Command(bin, "verify", "--signature", webhooks.Sign(body, srv.APIKey))
	cmd.Env, cmd.Stdin = env, bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "genuine") {
		t.Fatalf("verify: %v %s", err, out)
	}

	var out lines
	out.ch = make(chan string, 1024)
	cmd = exec.Command(bin, "listen", "--forward-to", rcv.URL, "--interval", "10ms")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for line := range out.ch {
		if strings.HasPrefix(line, "Ready.") {
			break
		}
	}
	r, err := srv.Client().RunTask(context.Background(), skyvern.TaskRunRequest{Prompt: "p"})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(skyverntest.DefaultRunDuration)
	rcv.wait(t, 1)
	for line := range out.ch {
		if strings.HasPrefix(line, r.RunID) {
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("listen after SIGINT: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Stopped. 1 delivered, 0 failed") || strings.Contains(out.String(), srv.APIKey) {
		t.Errorf("listen printed:\n%s", out.String())
	}
}
