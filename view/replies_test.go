package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
)

func strp(s string) *string { return &s }

var sampleReplies = []ReplyTemplate{
	{ID: "late-order", Title: "Order is running late", File: "cal/replies/late-order.yaml", Tags: []string{"orders", "shipping"},
		Variables: []ReplyVariable{
			{Name: "name", Required: true, Description: "First name"},
			{Name: "days", Default: strp("3"), Pattern: "^[0-9]+$"},
		},
		Text: "Hi {{name}}, it ships within {{days}} days."},
	{ID: "thanks", Title: "Thanks", File: "cal/replies/thanks.yaml", Channels: []string{"bluesky"},
		Variables: []ReplyVariable{{Name: "name", Required: true}}, Text: "Thank you, {{name}}!\n— us"},
}

func streams() (*Streams, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &Streams{Out: &out, ErrOut: &errOut}, &out, &errOut
}

func TestReplyListPiped(t *testing.T) {
	s, out, _ := streams()
	if err := RenderReplyList(s, "text", sampleReplies); err != nil {
		t.Fatal(err)
	}
	want := "late-order\tOrder is running late\torders,shipping\t\nthanks\tThanks\t\tbluesky\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestReplyListTTY(t *testing.T) {
	s, out, _ := streams()
	s.OutTTY = true
	if err := RenderReplyList(s, "text", sampleReplies); err != nil {
		t.Fatal(err)
	}
	want := `ID          TITLE                  TAGS              CHANNELS
late-order  Order is running late  orders, shipping  any
thanks      Thanks                                   bluesky
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}

	// A narrow terminal shortens the title first.
	s, out, _ = streams()
	s.OutTTY, s.Width = true, 50
	sampleLong := []ReplyTemplate{{ID: "a", Title: strings.Repeat("long title ", 5), Tags: []string{"t"}}}
	if err := RenderReplyList(s, "text", sampleLong); err != nil {
		t.Fatal(err)
	}
	want = `ID  TITLE                           TAGS  CHANNELS
a   long title long title long ti…  t     any
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestReplyListJSONEmpty(t *testing.T) {
	s, out, _ := streams()
	if err := RenderReplyList(s, "json", nil); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"format_version\": \"1.0\",\n  \"replies\": []\n}\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestReplyShow(t *testing.T) {
	s, out, _ := streams()
	if err := RenderReplyShow(s, "text", sampleReplies[0]); err != nil {
		t.Fatal(err)
	}
	want := `Order is running late  (late-order)
cal/replies/late-order.yaml

Tags:      orders, shipping
Channels:  any

Variables:
  name  required     First name
  days  default "3"
                     pattern ^[0-9]+$

Text:
  Hi {{name}}, it ships within {{days}} days.

Render with: postctl replies render late-order --var name=…
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestReplyRenderPiped(t *testing.T) {
	r := RenderedReply{ID: "thanks", Channel: "bluesky", Platform: "bluesky", Text: "Thank you, Ana!", Length: 15, Limit: 10,
		Unit: "graphemes", Findings: []ReplyFinding{{Rule: "no-exclamations", Level: calendar.Warning, Message: "Avoid exclamation marks.",
			Fix: "End with a full stop.", Start: 14, End: 15}}}
	s, out, errOut := streams()
	if err := RenderReplyRender(s, "text", r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(out.String(), "Thank you, Ana!"); diff != "" {
		t.Errorf("stdout (-got +want):\n%s", diff)
	}
	want := `✗ 15/10 graphemes on bluesky: 5 over the limit
warning: Avoid exclamation marks. (at "!") [no-exclamations]
  fix: End with a full stop.
`
	if diff := cmp.Diff(errOut.String(), want); diff != "" {
		t.Errorf("stderr (-got +want):\n%s", diff)
	}
}

func TestReplyRenderTTY(t *testing.T) {
	r := RenderedReply{ID: "x", Text: "Hi", Length: 2, Unit: "graphemes", Notes: []string{"note: add --channel a or b"}}
	s, out, errOut := streams()
	s.OutTTY = true
	if err := RenderReplyRender(s, "text", r); err != nil {
		t.Fatal(err)
	}
	want := "Hi\n" + strings.Repeat("─", 40) + "\n2 graphemes, counted as generic: no channel, no limit\nnote: add --channel a or b\n"
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("stdout (-got +want):\n%s", diff)
	}
	if errOut.Len() > 0 {
		t.Errorf("stderr should be empty on a terminal, got %q", errOut)
	}
}

func TestReplyRenderJSON(t *testing.T) {
	r := RenderedReply{ID: "x", Channel: "mastodon", Platform: "mastodon", Text: "a & b", Length: 5, Limit: 500, Unit: "characters",
		Findings: []ReplyFinding{{Rule: "r", Level: calendar.Error, Message: "m", Start: 2, End: 3}}}
	s, out, _ := streams()
	if err := RenderReplyRender(s, "json", r); err != nil {
		t.Fatal(err)
	}
	want := `{
  "format_version": "1.0",
  "id": "x",
  "channel": "mastodon",
  "platform": "mastodon",
  "text": "a & b",
  "length": 5,
  "limit": 500,
  "unit": "characters",
  "over_limit": false,
  "findings": [
    {
      "rule": "r",
      "level": "error",
      "message": "m",
      "start": 2,
      "end": 3,
      "excerpt": "&"
    }
  ],
  "problems": []
}
`
	if diff := cmp.Diff(out.String(), want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestReplyRenderProblemsText(t *testing.T) {
	// The command's error lists the problems; the view writes nothing that could be pasted.
	r := RenderedReply{ID: "x", Problems: []calendar.RenderProblem{{Kind: calendar.MissingValue, Variable: "name", Required: true}}}
	s, out, errOut := streams()
	if err := RenderReplyRender(s, "text", r); err != nil {
		t.Fatal(err)
	}
	if out.Len()+errOut.Len() > 0 {
		t.Errorf("got output %q %q, want none", out, errOut)
	}
}

func TestReplyExport(t *testing.T) {
	var csvOut bytes.Buffer
	if err := RenderReplyExport(&csvOut, "csv", sampleReplies); err != nil {
		t.Fatal(err)
	}
	want := `id,title,tags,channels,variables,text
late-order,Order is running late,orders;shipping,,name;days,"Hi {{name}}, it ships within {{days}} days."
thanks,Thanks,,bluesky,name,"Thank you, {{name}}!
— us"
`
	if diff := cmp.Diff(csvOut.String(), want); diff != "" {
		t.Errorf("csv (-got +want):\n%s", diff)
	}

	var jsonOut bytes.Buffer
	if err := RenderReplyExport(&jsonOut, "json", sampleReplies); err != nil {
		t.Fatal(err)
	}
	var got struct {
		FormatVersion string `json:"format_version"`
		Replies       []struct {
			ID        string
			Tags      []string
			Channels  []string
			Variables []struct {
				Name     string
				Required bool
				Default  *string
			}
		}
	}
	if err := json.Unmarshal(jsonOut.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.FormatVersion != FormatVersion || len(got.Replies) != 2 || got.Replies[1].Tags == nil ||
		*got.Replies[0].Variables[1].Default != "3" || got.Replies[0].Variables[0].Default != nil || !got.Replies[0].Variables[0].Required {
		t.Errorf("unexpected export: %s", jsonOut.String())
	}
}
