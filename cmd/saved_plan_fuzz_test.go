package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/state"
	"github.com/postctl/postctl/view"
)

// fuzzSavedPlan is a plan saved by postctl plan --out for examples/calendar at
// 2026-12-01T09:00:00+01:00, outside git (commit "") and with no state yet (serial 0).
const fuzzSavedPlan = `{"format_version":"1.0","at":"2026-12-01T09:00:00+01:00","timezone":"Europe/Berlin","horizon":"7d","commit":"","state":{"serial":0,"lineage":""},"valid_until":"2026-12-01T10:00:00+01:00","summary":{"line":"Plan: 2 to publish now.","has_changes":true,"changes":2,"schedule":0,"publish":2,"reschedule":0,"replace":0,"cancel":0,"unknown":0,"blocked":0,"missed":0,"held":0},"changes":[{"address":"2026-12-01-winter-blend-launch@bluesky","post":"2026-12-01-winter-blend-launch","channel":"bluesky","action":"publish","actions":["create"],"irreversible":true,"reason":"due at 2026-12-01 09:00 CET (0s ago): published now","time":"2026-12-01T09:00:00+01:00","file":"posts/2026-12/2026-12-01-winter-blend-launch.yaml","content_hash":"f00f8e565834198d03d4650bcfede0fd56da4f0ba79b19a4e41b67c389acca35","fields":[]},{"address":"2026-12-01-winter-blend-launch@mastodon","post":"2026-12-01-winter-blend-launch","channel":"mastodon","action":"publish","actions":["create"],"irreversible":true,"reason":"due at 2026-12-01 09:00 CET (0s ago): published now","time":"2026-12-01T09:00:00+01:00","file":"posts/2026-12/2026-12-01-winter-blend-launch.yaml","content_hash":"03e74f6f17360e5ae0f50c31a9cb810321bcda8d25675f8bd5174f2d3a4542b9","fields":[]}],"upcoming":[{"address":"2026-12-02-brew-ratio-basics@bluesky","post":"2026-12-02-brew-ratio-basics","channel":"bluesky","time":"2026-12-02T12:30:00+01:00","file":"posts/2026-12/2026-12-02-brew-ratio-basics.yaml","native":false},{"address":"2026-12-02-brew-ratio-basics@mastodon","post":"2026-12-02-brew-ratio-basics","channel":"mastodon","time":"2026-12-02T12:30:00+01:00","file":"posts/2026-12/2026-12-02-brew-ratio-basics.yaml","native":false},{"address":"2026-12-03-newsletter-winter-issue@newsletter","post":"2026-12-03-newsletter-winter-issue","channel":"newsletter","time":"2026-12-03T08:00:00+01:00","file":"posts/2026-12/2026-12-03-newsletter-winter-issue.yaml","native":false},{"address":"2026-12-03-meet-jana@mastodon","post":"2026-12-03-meet-jana","channel":"mastodon","time":"2026-12-03T16:00:00+01:00","file":"posts/2026-12/2026-12-03-meet-jana.yaml","native":false},{"address":"2026-12-05-saturday-cupping@bluesky","post":"2026-12-05-saturday-cupping","channel":"bluesky","time":"2026-12-05T11:00:00+01:00","file":"posts/2026-12/2026-12-05-saturday-cupping.yaml","native":false},{"address":"2026-12-05-saturday-cupping@mastodon","post":"2026-12-05-saturday-cupping","channel":"mastodon","time":"2026-12-05T11:00:00+01:00","file":"posts/2026-12/2026-12-05-saturday-cupping.yaml","native":false},{"address":"2026-12-07-water-matters@bluesky","post":"2026-12-07-water-matters","channel":"bluesky","time":"2026-12-07T09:30:00+01:00","file":"posts/2026-12/2026-12-07-water-matters.yaml","native":false},{"address":"2026-12-07-water-matters@mastodon","post":"2026-12-07-water-matters","channel":"mastodon","time":"2026-12-07T09:30:00+01:00","file":"posts/2026-12/2026-12-07-water-matters.yaml","native":false}],"moves":[],"holds":[],"crisis":null,"notes":[]}`

// FuzzSavedPlan reads arbitrary bytes as the PLANFILE of postctl apply: readSavedPlan and
// savedPlan never panic, refuse with a plain error, and a plan they accept goes through every
// view apply and plan render it with, and through the credential check apply makes.
func FuzzSavedPlan(f *testing.F) {
	cal, _, err := calendar.Load(os.DirFS("../examples/calendar"))
	if err != nil {
		f.Fatal(err)
	}
	// Outside git, so that headCommit is "" and a plan with commit "" gets past that check.
	dir := f.TempDir()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	serial3 := state.New()
	serial3.Serial, serial3.Lineage = 3, "l"
	states := []*state.State{state.New(), serial3}

	real := fuzzSavedPlan
	f.Add([]byte(real))
	for _, seed := range []string{
		"", "{}", "null", "[]", `{"format_version":"1.0"}`,
		`{"format_version":"1.0","commit":"","state":{"serial":3,"lineage":"l"},"changes":null,"holds":null,"moves":null}`,
		real[:len(real)/2],
		real[:len(real)-1],
		strings.Replace(real, `"format_version":"1.0"`, `"format_version":"9.9"`, 1),
		strings.Replace(real, `"format_version":"1.0"`, `"format_version":1`, 1),
		strings.Replace(real, `"format_version":"1.0"`, `"format_version":""`, 1),
		strings.Replace(real, `"valid_until":"2026-12-01T10:00:00+01:00"`, `"valid_until":"tomorrow"`, 1),
		strings.Replace(real, `"valid_until":"2026-12-01T10:00:00+01:00"`, `"valid_until":"2026-12-01T08:00:00+01:00"`, 1),
		strings.Replace(real, `"time":"2026-12-01T09:00:00+01:00"`, `"time":"2026-12-01 09:00"`, 1),
		strings.Replace(real, `"time":"2026-12-01T09:00:00+01:00"`, `"time":""`, 1),
		strings.Replace(real, `"time":"2026-12-01T09:00:00+01:00"`, `"time":"9999-12-31T23:59:59+23:59"`, -1),
		strings.Replace(real, `"time":"2026-12-01T09:00:00+01:00"`, `"time":"0000-01-01T00:00:00Z"`, -1),
		strings.Replace(real, `"address":"2026-12-01-winter-blend-launch@bluesky"`, `"address":"no-at-sign"`, 1),
		strings.Replace(real, `"address":"2026-12-01-winter-blend-launch@bluesky"`, `"address":""`, 1),
		strings.Replace(real, `"action":"publish"`, `"action":"explode"`, 1),
		strings.Replace(real, `"action":"publish"`, `"action":""`, -1),
		strings.Replace(real, `"channel":"bluesky"`, `"channel":"nowhere"`, 1),
		strings.Replace(real, `"post":"2026-12-01-winter-blend-launch"`, `"post":"gone"`, 1),
		strings.Replace(real, `"content_hash":"`, `"content_hash":"0`, 1),
		strings.Replace(real, `"state":{"serial":0,"lineage":""}`, `"state":{"serial":3,"lineage":"l"}`, 1),
		strings.Replace(real, `"commit":""`, `"commit":"0123456789abcdef0123456789abcdef01234567"`, 1),
		`{"format_version":"1.0","commit":"","state":{"serial":0,"lineage":""},"changes":[` +
			`{"address":"a@b","post":"a","channel":"b","action":"cancel","time":"2026-12-02T09:00:00Z","hold":true},` +
			`{"address":"@","post":"","channel":"","action":"unknown","time":""},` +
			`{"address":"x@y@z","action":"reschedule","time":"2026-12-02T09:00:00+14:00","moved_from":"w@y","fields":null}],` +
			`"holds":[{"address":"","post":"","channel":"","time":"2026-12-02T09:00:00Z","release":true},` +
			`{"address":"a@b","post":"a","channel":"b","time":"2026-12-02T09:00:00Z","content_hash":"00","reason":"crisis"}],` +
			`"moves":[{"from":"a@b","to":""},{"from":"","to":"@"}]}`,
		`{"format_version":"1.0","commit":"","state":{"serial":0,"lineage":""},"holds":[{"address":"","time":"never"}]}`,
		`{"format_version":"1.0","commit":"","state":{"serial":0,"lineage":""},"holds":[{"address":""}]}`,
		`{"format_version":"1.0","commit":"","state":{"serial":0,"lineage":""},"changes":[{"address":"a@mastodon","post":"a","channel":"mastodon","action":"statement","statement":true,"time":"2026-12-01T09:00:00+01:00"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		doc, err := readSavedPlan(name)
		if err != nil {
			if doc != nil {
				t.Fatalf("readSavedPlan returned a plan and an error: %v", err)
			}
			return
		}
		_ = checkCredentials(cal, savedChannels(doc), func(string) string { return "set" })
		opts := applyOptions{Dir: dir, PlanFile: name, Format: formatText}
		for _, st := range states {
			p, err := savedPlan(cal, opts, doc, st, now)
			if err != nil {
				if p != nil {
					t.Fatalf("savedPlan returned a plan and an error: %v", err)
				}
				if strings.TrimSpace(err.Error()) == "" {
					t.Fatal("savedPlan refused with an empty message")
				}
				continue
			}
			_ = p.SummaryLine()
			_ = checkCredentials(cal, planChannels(p), func(string) string { return "" })
			for _, format := range []string{formatText, formatJSON, "markdown"} {
				for _, color := range []bool{false, true} {
					var out bytes.Buffer
					s := &view.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &out, OutTTY: color, Color: color, Width: 80}
					if err := view.RenderPlan(s, format, p); err != nil {
						t.Fatalf("RenderPlan %s: %v", format, err)
					}
				}
			}
			if err := view.WritePlanJSON(&bytes.Buffer{}, p); err != nil {
				t.Fatalf("WritePlanJSON: %v", err)
			}
		}
	})
}
