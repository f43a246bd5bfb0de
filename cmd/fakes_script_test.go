package cmd

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// The scripts' fake platforms run in the test process; the postctl subprocess reaches them on
// https://127.0.0.1 and trusts their certificates through SSL_CERT_FILE.

type fakeKey struct {
	ts   *testscript.TestScript
	kind string
}

var fakes sync.Map // fakeKey → the fake's handler

// startFake serves h over TLS for the rest of the script, adds its certificate to the ones the
// script's SSL_CERT_FILE trusts, and writes its URL over placeholder in file (calendar.yaml).
func startFake(ts *testscript.TestScript, kind string, h http.Handler, file, placeholder string) string {
	srv := httptest.NewTLSServer(h)
	certs := ts.MkAbs("fake-certs.pem")
	f, err := os.OpenFile(certs, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	ts.Check(err)
	ts.Check(pem.Encode(f, &pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	ts.Check(f.Close())
	ts.Setenv("SSL_CERT_FILE", certs)
	key := fakeKey{ts, kind}
	fakes.Store(key, h)
	ts.Defer(func() {
		srv.Close()
		fakes.Delete(key)
	})
	name := ts.MkAbs(file)
	data, err := os.ReadFile(name)
	ts.Check(err)
	ts.Check(os.WriteFile(name, []byte(strings.ReplaceAll(string(data), placeholder, srv.URL)), 0o644))
	return srv.URL
}

// fakeOf is the script's fake of kind, or nil when none was started.
func fakeOf[T any](ts *testscript.TestScript, kind string) T {
	var zero T
	h, ok := fakes.Load(fakeKey{ts, kind})
	if !ok {
		return zero
	}
	return h.(T)
}
