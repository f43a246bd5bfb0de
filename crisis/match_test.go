package crisis

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/postctl/postctl/calendar"
)

func str(s string) calendar.String { return calendar.String{Value: s, Set: true} }

func playbook(id, severity string, triggers ...string) *calendar.Playbook {
	pb := &calendar.Playbook{ID: str(id), Severity: str(severity)}
	for _, t := range triggers {
		pb.Triggers = append(pb.Triggers, str(t))
	}
	return pb
}

// matchCal is the example calendar's playbooks, and two more for unicode and ties.
func matchCal() *calendar.Calendar {
	return &calendar.Calendar{Playbooks: []*calendar.Playbook{
		playbook("shipping-outage", "medium", "where is my order", "not shipped", "no tracking", "still waiting", "parcel stuck"),
		playbook("product-recall", "critical", "recall", "recalled", "contaminated", "foreign object", "got sick", "made me sick", "mould", "glass in"),
		playbook("negative-viral-post", "high", "boycott", "rude", "disgusting", "never again", "worst coffee", "shame on"),
		playbook("schimmel", "high", "Schimmel", "verschimmelt", "café fermé", "Übelkeit", "don't drink"),
	}}
}

// got is a result in short: playbook id, score and each hit as trigger=excerpt,excerpt.
type got struct {
	ID    string
	Score int
	Hits  []string
}

func summarize(text string, rs []Result) []got {
	var out []got
	for _, r := range rs {
		g := got{ID: r.Playbook.ID.Value, Score: r.Score}
		for _, h := range r.Hits {
			var ex []string
			for _, s := range h.Spans {
				ex = append(ex, text[s.Start:s.End])
			}
			g.Hits = append(g.Hits, h.Trigger+"="+strings.Join(ex, ","))
		}
		out = append(out, g)
	}
	return out
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name, text string
		want       []got
	}{
		{"one word", "Is this the batch you recalled?", []got{{"product-recall", 1, []string{"recalled=recalled"}}}},
		{"case", "RECALL notice: the bag was CONTAMINATED", []got{{"product-recall", 2, []string{"recall=RECALL", "contaminated=CONTAMINATED"}}}},
		{"phrase", "Hi, where is my order? It has no tracking yet.",
			[]got{{"shipping-outage", 6, []string{"where is my order=where is my order", "no tracking=no tracking"}}}},
		{"phrase words in a row only", "where is the order of my order", nil},
		{"phrase across spaces and line wraps of a paragraph", "Where   is my\torder", []got{{"shipping-outage", 4, []string{"where is my order=Where   is my\torder"}}}},
		{"phrase not across a sentence end", "I was not. Shipped goods are fine.", nil},
		{"phrase across a line wrap", "it is not\r\nshipped", []got{{"shipping-outage", 2, []string{"not shipped=not\r\nshipped"}}}},
		{"phrase not across a blank line", "it is not\n\nshipped", nil},
		{"phrase not across a blank line of spaces", "it is not\n  \nshipped", nil},
		{"phrase across a comma", "never, again", []got{{"negative-viral-post", 2, []string{"never again=never, again"}}}},
		{"hashtag body", "#Recall at @northwind? #NeverAgain", []got{{"product-recall", 1, []string{"recall=#Recall"}}}},
		{"hashtag with underscores", "#never_again", []got{{"negative-viral-post", 2, []string{"never again=#never_again"}}}},
		{"hyphenated", "a never-again kind of shop", []got{{"negative-viral-post", 2, []string{"never again=never-again"}}}},
		{"not a partial word", "We are recalling nothing; recalls are rare; a prerecall test", nil},
		{"not in links, mentions or e-mails", "https://example.com/recall @recall recall@example.com", nil},
		{"every occurrence", "recall, recall and RECALL", []got{{"product-recall", 1, []string{"recall=recall,recall,RECALL"}}}},
		{"unicode case", "SCHIMMEL im Beutel, alles verschimmelt", []got{{"schimmel", 2, []string{"Schimmel=SCHIMMEL", "verschimmelt=verschimmelt"}}}},
		{"accents kept", "le CAFÉ FERMÉ ; un cafe ferme", []got{{"schimmel", 2, []string{"café fermé=CAFÉ FERMÉ"}}}},
		{"umlaut upper case", "ÜBELKEIT nach dem Kaffee", []got{{"schimmel", 1, []string{"Übelkeit=ÜBELKEIT"}}}},
		{"curly apostrophe", "Don’t drink it", []got{{"schimmel", 2, []string{"don't drink=Don’t drink"}}}},
		{"no match", "Lovely coffee, thank you!", nil},
		{"empty", "", nil},
		{"ordering: score, then severity, then id",
			"This shop is rude and the coffee made me sick",
			[]got{
				{"product-recall", 3, []string{"made me sick=made me sick"}},
				{"negative-viral-post", 1, []string{"rude=rude"}},
			}},
		{"ordering: ties by severity",
			"Still waiting. Also: boycott! And a recall.",
			[]got{
				{"shipping-outage", 2, []string{"still waiting=Still waiting"}},
				{"product-recall", 1, []string{"recall=recall"}},
				{"negative-viral-post", 1, []string{"boycott=boycott"}},
			}},
		{"hits in text order", "mould, and it got sick. Recall it",
			[]got{{"product-recall", 4, []string{"mould=mould", "got sick=got sick", "recall=Recall"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := summarize(tt.text, Match(matchCal(), tt.text))
			if diff := cmp.Diff(g, tt.want); diff != "" {
				t.Errorf("Match(%q) (-got +want):\n%s", tt.text, diff)
			}
		})
	}
}

func TestMatchFolding(t *testing.T) {
	// Simple case folding joins more than lower-casing: final sigma, the Kelvin sign, long s.
	cal := &calendar.Calendar{Playbooks: []*calendar.Playbook{playbook("x", "low", "χάος", "kaputt", "ſchimmel")}}
	text := "ΧΆΟΣ! Kaputt. Schimmel"
	g := summarize(text, Match(cal, text))
	if diff := cmp.Diff(g, []got{{"x", 3, []string{"χάος=ΧΆΟΣ", "kaputt=Kaputt", "ſchimmel=Schimmel"}}}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestMatchTies(t *testing.T) {
	cal := &calendar.Calendar{Playbooks: []*calendar.Playbook{
		playbook("b", "low", "outage"), playbook("a", "low", "outage"), playbook("c", "critical", "outage"),
		playbook("d", "", "outage"),
	}}
	var ids []string
	for _, r := range Match(cal, "outage") {
		ids = append(ids, r.Playbook.ID.Value)
	}
	if diff := cmp.Diff(ids, []string{"c", "a", "b", "d"}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestMatchDuplicateTriggers(t *testing.T) {
	// A trigger written twice, in other cases or spellings, counts once.
	cal := &calendar.Calendar{Playbooks: []*calendar.Playbook{playbook("x", "low", "never again", "Never Again", "never-again", "🔥", "@brand")}}
	g := summarize("never again", Match(cal, "never again"))
	if diff := cmp.Diff(g, []got{{"x", 2, []string{"never again=never again"}}}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(Unmatchable(cal.Playbooks[0]), []string{"🔥", "@brand"}); diff != "" {
		t.Errorf("Unmatchable (-got +want):\n%s", diff)
	}
}

func TestSeverityRank(t *testing.T) {
	for i, s := range []string{"critical", "high", "medium", "low", "", "urgent"} {
		if got, want := SeverityRank(s), min(i, 4); got != want {
			t.Errorf("SeverityRank(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"Where is my order? #Recall", "where is my order"},
		{"never-again #never_again", "never again"},
		{"Don’t drink, SCHIMMEL", "don't drink"},
		{"#_x_ _y", "x"},
		{"e\u0301 café CAFÉ", "café"},
		{"a.b.c", "b"},
		{"\xff recall \xfe", "recall"},
		{"👍🏽recall👍🏽", "recall"},
		{"@a@b.c https://x.example/recall a@b.c", "recall"},
		{"ſ K ς", "s k σ"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, text, trigger string) {
		cal := &calendar.Calendar{Playbooks: []*calendar.Playbook{playbook("p", "high", trigger)}}
		// Rune boundaries as Go decodes the text: an invalid byte is a rune of its own.
		boundary := map[int]bool{len(text): true}
		for i := range text {
			boundary[i] = true
		}
		for _, r := range Match(cal, text) {
			if r.Score <= 0 || len(r.Hits) == 0 {
				t.Fatalf("empty result %+v", r)
			}
			for _, h := range r.Hits {
				prev := 0
				for _, s := range h.Spans {
					if s.Start < prev || s.End <= s.Start || s.End > len(text) {
						t.Fatalf("span %v out of order or bounds (text %d bytes, previous end %d)", s, len(text), prev)
					}
					if !boundary[s.Start] || !boundary[s.End] {
						t.Fatalf("span %v of %q not on rune boundaries", s, text)
					}
					prev = s.End
				}
			}
		}
	})
}
