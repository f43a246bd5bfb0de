package view_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/postctl/postctl/agenda"
	"github.com/postctl/postctl/view"
)

// TestCalendarJSON: the wire document of a hand-built agenda (a crisis, its holding statement, a
// thread over the limit, a published entry with its URL), with times in the calendar's zone and
// lists never null.
func TestCalendarJSON(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Tokyo")
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, loc)
	a := &agenda.Agenda{Brand: "B", Location: loc, From: time.Date(2026, 12, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 12, 8, 0, 0, 0, 0, loc),
		Now:      at.Add(time.Hour),
		Channels: []agenda.Channel{{ID: "bluesky", Provider: "bluesky", Platform: "bluesky"}},
		Entries: []agenda.Entry{
			{Address: "crisis:outage:x@bluesky", Post: "crisis:outage:x", Channel: "bluesky", Title: "Holding statement: Outage", At: at.UTC(),
				File: "playbooks/outage.yaml", Status: agenda.Published, URL: "https://bsky.app/x", Statement: true, Text: "We are on it.",
				Length: 13, Limit: 300, Unit: "graphemes",
				Thread: []agenda.Part{{Text: "Long", Length: 301, Media: []agenda.Media{{File: "m.png", Alt: "a <b> & \"c\""}}}}},
		},
		Crisis: &agenda.Crisis{Playbook: "outage", Name: "Outage", Since: at},
	}
	var out bytes.Buffer
	if err := view.RenderCalendarJSON(&view.Streams{Out: &out}, a); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	want := map[string]any{
		"format_version": "1.0", "brand": "B", "timezone": "Asia/Tokyo", "from": "2026-12-01", "to": "2026-12-07",
		"now":      "2026-12-01T10:30:00+09:00",
		"channels": []any{map[string]any{"id": "bluesky", "provider": "bluesky", "platform": "bluesky"}},
		"pillars":  []any{},
		"crisis":   map[string]any{"playbook": "outage", "name": "Outage", "since": "2026-12-01T09:30:00+09:00"},
		"summary":  map[string]any{"published": 1.0},
		"entries": []any{map[string]any{
			"address": "crisis:outage:x@bluesky", "post": "crisis:outage:x", "channel": "bluesky", "title": "Holding statement: Outage",
			"at": "2026-12-01T09:30:00+09:00", "date": "2026-12-01", "file": "playbooks/outage.yaml", "pillar": "", "campaign": "",
			"tags": []any{}, "status": "published", "reason": "", "url": "https://bsky.app/x", "statement": true, "text": "We are on it.",
			"thread": []any{map[string]any{"text": "Long", "length": 301.0, "over_limit": true,
				"media": []any{map[string]any{"file": "m.png", "alt": "a <b> & \"c\""}}}},
			"media": []any{}, "length": 13.0, "limit": 300.0, "unit": "graphemes", "over_limit": false,
		}},
		"blackouts": []any{},
		"campaigns": []any{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
	if !bytes.Contains(out.Bytes(), []byte(`"alt": "a <b> & \"c\""`)) {
		t.Errorf("HTML characters escaped in:\n%s", out.String())
	}
}
