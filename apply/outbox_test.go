package apply

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestOutboxWritesOnceAndLooksUp(t *testing.T) {
	root := t.TempDir()
	o := &Outbox{Root: root, Channel: "news", Now: func() time.Time { return now }}
	p := &Publication{Address: "launch@news", Post: "launch", Channel: "news", Key: "k1", At: now.Add(-time.Minute), Text: "Hello.",
		Media: []Media{{Path: "media/cup.png", Alt: "A cup.", Data: []byte("PNG")}}, Thread: []Part{{Text: "More."}}}
	ctx := context.Background()
	if _, found, err := o.Lookup(ctx, p); err != nil || found {
		t.Fatalf("lookup before: %v %v", found, err)
	}
	res, err := o.Publish(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != ".postctl/outbox/news/launch.json" || !res.At.Equal(now) {
		t.Errorf("result %+v", res)
	}
	data, err := os.ReadFile(filepath.Join(root, ".postctl/outbox/news/launch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f OutboxFile
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	want := OutboxFile{Address: "launch@news", Key: "k1", Text: "Hello.", Thread: []OutboxPart{{Text: "More.", Media: []OutboxMedia{}}},
		Media: []OutboxMedia{{Path: "media/cup.png", Alt: "A cup."}}, PublishAt: p.At, PublishedAt: now}
	if diff := cmp.Diff(f, want); diff != "" {
		t.Error(diff)
	}
	// A repeat with the same key is the earlier result; the file is unchanged.
	o.Now = func() time.Time { return now.Add(time.Hour) }
	again, err := o.Publish(ctx, p)
	if err != nil || !again.At.Equal(now) {
		t.Errorf("repeat: %+v %v", again, err)
	}
	if res, found, err := o.Lookup(ctx, p); err != nil || !found || res.RemoteID != ".postctl/outbox/news/launch.json" {
		t.Errorf("lookup: %+v %v %v", res, found, err)
	}
	// Another content at the same address is refused for good.
	other := *p
	other.Key = "k2"
	if _, err := o.Publish(ctx, &other); !errors.Is(err, ErrPermanent) {
		t.Errorf("other key: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, ".postctl/outbox/news"))
	if len(entries) != 1 {
		t.Errorf("%d files: a temporary file was left", len(entries))
	}
}

func TestOutboxStaysInside(t *testing.T) {
	if _, err := CheckOutboxDir("../out"); err == nil {
		t.Error("../out accepted")
	}
	if d, err := CheckOutboxDir(""); err != nil || d != DefaultOutboxDir {
		t.Errorf("%q %v", d, err)
	}
	o := &Outbox{Root: t.TempDir()}
	if _, err := o.Publish(context.Background(), &Publication{Post: "../x", Channel: "c", Key: "k"}); !errors.Is(err, ErrPermanent) {
		t.Errorf("../x: %v", err)
	}
}
