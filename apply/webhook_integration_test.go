package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWebhookRealReceiver publishes to Debian's webhook receiver (package "webhook",
// https://github.com/adnanh/webhook), which checks X-Hub-Signature-256 with its
// payload-hmac-sha256 trigger rule and runs a command with the raw body. .ci/run installs it.
func TestWebhookRealReceiver(t *testing.T) {
	bin := "/usr/bin/webhook"
	if _, err := os.Stat(bin); err != nil {
		p, lerr := exec.LookPath("webhook")
		if lerr != nil {
			t.Skip("Debian's webhook receiver is not installed (/usr/bin/webhook; apt-get install webhook): the real-receiver test needs it")
		}
		bin = p
	}
	if testing.Short() {
		t.Skip("starts a real webhook receiver")
	}
	const secret = "integration-s3cret"
	dir := t.TempDir()
	// The command a receiver runs: $1 the raw body, $2 the delivery id. It records every attempt,
	// and processes a delivery id only once (mkdir is an atomic test-and-set), as a receiver
	// should.
	script := `#!/bin/sh
PATH=/usr/bin:/bin
dir=` + shellQuote(dir) + `
printf '%s %s\n' "$2" "$1" >> "$dir/attempts.log"
if ! mkdir "$dir/seen-$2" 2>/dev/null; then
  printf '{"duplicate":true}'
  exit 0
fi
printf '%s %s\n' "$2" "$1" >> "$dir/deliveries.log"
printf '{"received":true}'
`
	scriptPath := filepath.Join(dir, "record.sh")
	if err := os.WriteFile(scriptPath, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	hooks := []map[string]any{{
		"id":                                 "postctl",
		"execute-command":                    scriptPath,
		"command-working-directory":          dir,
		"include-command-output-in-response": true,
		"http-methods":                       []string{"POST"},
		"response-headers":                   []map[string]string{{"name": "Content-Type", "value": "application/json"}},
		"trigger-rule-mismatch-http-response-code": 401,
		"pass-arguments-to-command": []map[string]string{
			{"source": "raw-request-body"},
			{"source": "header", "name": "X-Postctl-Delivery"},
		},
		"trigger-rule": map[string]any{"match": map[string]any{
			"type":      "payload-hmac-sha256",
			"secret":    secret,
			"parameter": map[string]string{"source": "header", "name": "X-Hub-Signature-256"},
		}},
	}}
	hooksJSON, _ := json.MarshalIndent(hooks, "", "  ")
	hooksPath := filepath.Join(dir, "hooks.json")
	if err := os.WriteFile(hooksPath, hooksJSON, 0o644); err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	var log lockedBuffer
	cmd := exec.Command(bin, "-hooks", hooksPath, "-ip", "127.0.0.1", "-port", strconv.Itoa(port), "-verbose")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("webhook's log:\n%s", log.String())
		}
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("webhook exited before listening: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook is not listening on %s after 15s:\n%s", addr, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	url := "http://" + addr + "/hooks/postctl"
	newHook := func(secret string, allowHTTP bool) (*Webhook, error) {
		return NewWebhook(WebhookConfig{Channel: "hooks", URL: url, Secret: []byte(secret), AllowHTTP: allowHTTP, Timeout: 10 * time.Second})
	}
	if _, err := newHook(secret, false); err == nil {
		t.Fatal("http:// accepted without allow_http")
	}
	w, err := newHook(secret, true)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := webhookPub(1)
	want, err := w.Payload(p)
	if err != nil {
		t.Fatal(err)
	}

	res, err := w.Publish(ctx, p)
	if err != nil {
		t.Fatalf("publish to the real receiver: %v", err)
	}
	if res.RemoteID != p.Key {
		t.Errorf("remote id %q, want the delivery id %q", res.RemoteID, p.Key)
	}
	// A resend (after an answer that was lost) carries the identical body and id; the receiver's
	// command processes it once.
	if _, err := w.Publish(ctx, p); err != nil {
		t.Fatalf("resend: %v", err)
	}

	// A wrong secret: webhook 2.8.0 answers 500 ("Error occurred while evaluating hook rules.")
	// and runs nothing: retryable by its status, and a retry is refused the same way. No signature
	// at all: the trigger rule is not satisfied, 401 (trigger-rule-mismatch-http-response-code),
	// permanent. Whatever a receiver's version answers, the class must follow the status.
	bad, _ := newHook("wrong-secret", true)
	unsigned, _ := newHook("", true)
	other := webhookPub(2)
	for _, tc := range []struct {
		name string
		w    *Webhook
		want int
	}{{"wrong secret", bad, 500}, {"wrong secret again", bad, 500}, {"unsigned", unsigned, 401}} {
		_, err := tc.w.Publish(ctx, other)
		code := statusOf3(err)
		if code < 300 {
			t.Errorf("%s: %v, want a refusal", tc.name, err)
			continue
		}
		if code != tc.want {
			t.Logf("%s: the receiver answered %d (webhook 2.8.0 answers %d)", tc.name, code, tc.want)
		}
		var re *RetryableError
		retryable := code == 408 || code == 429 || code >= 500
		if retryable != errors.As(err, &re) || retryable == errors.Is(err, ErrPermanent) {
			t.Errorf("%s: %d classified as %v", tc.name, code, err)
		}
		if strings.Contains(err.Error(), "wrong-secret") {
			t.Errorf("the error shows the secret: %v", err)
		}
	}

	attempts := readLines(t, filepath.Join(dir, "attempts.log"))
	deliveries := readLines(t, filepath.Join(dir, "deliveries.log"))
	if len(attempts) != 2 {
		t.Fatalf("the command ran %d times, want 2 (publish and resend): %q", len(attempts), attempts)
	}
	for _, line := range attempts {
		id, body, _ := strings.Cut(line, " ")
		if id != p.Key || body != string(want) {
			t.Errorf("the receiver ran the command with\n id %q body %s\nwant id %q body %s", id, body, p.Key, want)
		}
	}
	if len(deliveries) != 1 {
		t.Errorf("processed %d times, want once: %q", len(deliveries), deliveries)
	}
	t.Logf("webhook %s on %s: command ran %d times (publish + resend, same body and id), processed %d; wrong secret refused, unsigned refused", bin, addr, len(attempts), len(deliveries))
	if strings.Contains(strings.Join(attempts, "\n"), other.Key) {
		t.Errorf("a delivery with a wrong or missing signature ran the command")
	}
}

// statusOf3 is the HTTP status a delivery error reports, 0 when none.
func statusOf3(err error) int {
	if err == nil {
		return 200
	}
	m := regexp.MustCompile(`: ([1-5][0-9][0-9]) [A-Z]`).FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
