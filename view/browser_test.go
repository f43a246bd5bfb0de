package view

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// The calendar page in a real browser: Debian's chromium, headless. .ci/run installs it; the
// tests skip only when it is absent.

func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("chromium is not installed (/usr/bin/chromium, or chromium on PATH): the headless-browser test of the HTML calendar is skipped; apt-get install chromium")
	return ""
}

// runChromium runs headless chromium with a profile of its own, and returns its standard output.
func runChromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v (timeout 60s: %v)\n%s", strings.Join(args, " "), err, ctx.Err(), stderr.String())
	}
	return stdout.String()
}

func writePage(t *testing.T, page string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "calendar.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkDOM checks the DOM chromium built from the sample page: the grid with its seven weekday
// headers, one card and one preview per entry, and the <script> title as text.
func checkDOM(t *testing.T, dom string, entries int) {
	t.Helper()
	table := regexp.MustCompile(`(?s)<table class="month">.*?</thead>`).FindString(dom)
	if table == "" {
		t.Fatalf("no month grid in the DOM:\n%.2000s", dom)
	}
	if n := strings.Count(table, `<th scope="col"`); n != 7 {
		t.Errorf("%d weekday headers, want 7", n)
	}
	if n := len(regexp.MustCompile(`<li class="card [^"]*" data-entry="e\d+">`).FindAllString(dom, -1)); n != entries {
		t.Errorf("%d entry cards in the DOM, want %d", n, entries)
	}
	if n := strings.Count(dom, `<article class="preview`); n != entries {
		t.Errorf("%d previews in the DOM, want %d", n, entries)
	}
	if strings.Contains(dom, "<script") {
		t.Error("the DOM has a script element: a title was not escaped")
	}
	if !strings.Contains(dom, `<span class="ti">&lt;script&gt;alert("x")&lt;/script&gt; &amp; 'quotes'</span>`) {
		t.Error("the <script> title is not text in the DOM")
	}
	if !strings.Contains(dom, "<p class=\"text\">Too fine: bitter.\nToo coarse: sour.</p>") {
		t.Error("a thread part's line break is gone")
	}
}

func TestCalendarHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	a := htmlSample(t)
	path := writePage(t, renderHTML(t, a))

	t.Run("dom", func(t *testing.T) {
		dom := runChromium(t, bin, "--dump-dom", "file://"+path)
		checkDOM(t, dom, len(a.Entries))
	})

	t.Run("screenshot", func(t *testing.T) {
		png := filepath.Join(t.TempDir(), "calendar.png")
		runChromium(t, bin, "--screenshot="+png, "--window-size=1280,2000", "file://"+path)
		b, err := os.ReadFile(png)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 1000 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("screenshot of %d bytes is not a PNG", len(b))
		}
	})
}

// Served over HTTP, the page makes chromium fetch nothing but the page: no stylesheet, font,
// image, script or favicon.
func TestCalendarHTMLFetchesNothing(t *testing.T) {
	bin := chromium(t)
	a := htmlSample(t)
	page := renderHTML(t, a)
	var mu sync.Mutex
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if r.URL.Path != "/calendar.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	defer srv.Close()
	dom := runChromium(t, bin, "--dump-dom", srv.URL+"/calendar.html")
	checkDOM(t, dom, len(a.Entries))
	srv.Close() // waits for every request to finish
	mu.Lock()
	defer mu.Unlock()
	if len(requests) != 1 || requests[0] != "GET /calendar.html" {
		t.Errorf("chromium requested %q, want only the page", requests)
	}
}

// 200 posts in a month load, and every card is in the DOM.
func TestCalendarHTMLManyInChromium(t *testing.T) {
	bin := chromium(t)
	a := manyEntries(t, 200)
	dom := runChromium(t, bin, "--dump-dom", "file://"+writePage(t, renderHTML(t, a)))
	if n := strings.Count(dom, `data-entry="e`); n != 200 {
		t.Errorf("%d cards in the DOM, want 200", n)
	}
}
