package view

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/state"
)

var stateT0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

func sampleStateList() StateList {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	return StateList{Path: ".postctl/state.json", Exists: true, Serial: 3, Lineage: "l1", Location: berlin, Records: []StateRecord{
		{"launch@bluesky", state.Publication{Post: "launch", Channel: "bluesky", Status: state.Failed, PlannedAt: stateT0, Reason: "400"}},
		{"launch@mastodon", state.Publication{Post: "launch", Channel: "mastodon", Status: state.Published, PlannedAt: stateT0,
			PublishedAt: stateT0.Add(5 * time.Second), URL: "https://m.example/1?a=1&b=2"}},
	}}
}

func TestStateListPiped(t *testing.T) {
	s, out, _ := streams()
	if err := RenderStateList(s, "text", sampleStateList()); err != nil {
		t.Fatal(err)
	}
	want := "launch@bluesky\tfailed\t2026-12-01T08:00:00Z\t\t\n" +
		"launch@mastodon\tpublished\t2026-12-01T08:00:00Z\t2026-12-01T08:00:05Z\thttps://m.example/1?a=1&b=2\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestStateListTerminal(t *testing.T) {
	s, out, _ := streams()
	s.OutTTY = true
	if err := RenderStateList(s, "text", sampleStateList()); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"ADDRESS          STATUS     PLANNED               PUBLISHED             URL",
		"launch@bluesky   failed     2026-12-01 09:00 CET  -                     -",
		"launch@mastodon  published  2026-12-01 09:00 CET  2026-12-01 09:00 CET  https://m.example/1?a=1&b=2",
	}, "\n") + "\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestStateListJSON(t *testing.T) {
	s, out, _ := streams()
	if err := RenderStateList(s, "json", sampleStateList()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		FormatVersion string           `json:"format_version"`
		Serial        uint64           `json:"serial"`
		Publications  []map[string]any `json:"publications"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.FormatVersion != FormatVersion || got.Serial != 3 || len(got.Publications) != 2 {
		t.Fatalf("JSON = %s", out)
	}
	// Every key is present in every record, absent values as null or empty.
	if diff := cmp.Diff(got.Publications[0]["published_at"], any(nil)); diff != "" {
		t.Errorf("published_at of an unpublished record (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(got.Publications[0]["thread"], any([]any{})); diff != "" {
		t.Errorf("thread of a single post (-got +want):\n%s", diff)
	}
	if !strings.Contains(out.String(), "?a=1&b=2") {
		t.Errorf("URL escaped: %s", out)
	}
}

func TestStateRecordText(t *testing.T) {
	s, out, _ := streams()
	r := sampleStateList().Records[1]
	r.Intent = &state.Intent{Action: "publish", Key: "k", Attempt: 1, At: stateT0}
	if err := RenderStateRecord(s, "text", r, time.UTC); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"launch@mastodon\n",
		"  Status:       published\n",
		"  Published at: 2026-12-01 08:00:05 UTC\n",
		"  Updated at:   -\n",
		"  Intent:       publish, attempt 1, started 2026-12-01 08:00:00 UTC, key k\n",
		"  Thread:       -\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("no %q in:\n%s", line, out)
		}
	}
}
