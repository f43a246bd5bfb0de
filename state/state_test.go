package state

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitAddress(t *testing.T) {
	for _, tt := range []struct{ addr, post, channel string }{
		{"2026-12-01-launch@mastodon", "2026-12-01-launch", "mastodon"},
		{"a@b@c", "a@b", "c"},
	} {
		post, channel, err := SplitAddress(tt.addr)
		if err != nil || post != tt.post || channel != tt.channel {
			t.Errorf("SplitAddress(%q) = %q, %q, %v; want %q, %q", tt.addr, post, channel, err, tt.post, tt.channel)
		}
	}
	for _, bad := range []string{"", "post", "@mastodon", "post@"} {
		if _, _, err := SplitAddress(bad); err == nil {
			t.Errorf("SplitAddress(%q): no error", bad)
		}
	}
}

func TestMove(t *testing.T) {
	s := New()
	s.Publications["old@mastodon"] = &Publication{Post: "old", Channel: "mastodon", Status: Published}
	s.Publications["taken@mastodon"] = &Publication{Post: "taken", Channel: "mastodon", Status: Scheduled}
	if err := s.Move("old@mastodon", "new@mastodon"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.Addresses(), []string{"new@mastodon", "taken@mastodon"}); diff != "" {
		t.Errorf("addresses (-got +want):\n%s", diff)
	}
	if p := s.Get("new@mastodon"); p.Post != "new" || p.Status != Published {
		t.Errorf("moved record = %+v", p)
	}
	if err := s.Move("missing@mastodon", "x@mastodon"); !errors.Is(err, ErrNoRecord) {
		t.Errorf("moving a missing record: %v, want ErrNoRecord", err)
	}
	if err := s.Move("new@mastodon", "taken@mastodon"); err == nil {
		t.Error("moving onto a recorded address: no error")
	}
}
