package calendar

import (
	"time"

	"gopkg.in/yaml.v3"
)

// Pos is a 1-based line and column in a file.
type Pos struct {
	Line, Col int
}

// String is a scalar with the position it was written at. Set is false when the key was absent.
type String struct {
	Value string
	Pos   Pos
	Set   bool
	node  *yaml.Node
}

func (s *String) UnmarshalYAML(n *yaml.Node) error {
	*s = String{Value: n.Value, Pos: Pos{n.Line, n.Column}, Set: true, node: n}
	return nil
}

// Node is the YAML node the value was decoded from, for mapping positions inside the text.
func (s String) Node() *yaml.Node { return s.node }

// Values are the strings' values; nil for an empty list.
func Values(list []String) []string {
	if len(list) == 0 {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Value
	}
	return out
}

// Entry is one key and value of a YAML mapping.
type Entry[T any] struct {
	Key   String
	Value T
}

// Map is a YAML mapping keyed by ids that keeps the keys' order and positions.
type Map[T any] []Entry[T]

func (m *Map[T]) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return nil // the schema has already reported the wrong type
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			var merged Map[T]
			if err := v.Decode(&merged); err != nil {
				return err
			}
			*m = append(*m, merged...)
			continue
		}
		var e Entry[T]
		if err := k.Decode(&e.Key); err != nil {
			return err
		}
		if err := v.Decode(&e.Value); err != nil {
			return err
		}
		*m = append(*m, e)
	}
	return nil
}

// Get returns the value for key.
func (m Map[T]) Get(key string) (T, bool) {
	for _, e := range m {
		if e.Key.Value == key {
			return e.Value, true
		}
	}
	var zero T
	return zero, false
}

// Has says whether key is in the map.
func (m Map[T]) Has(key string) bool {
	_, ok := m.Get(key)
	return ok
}

// Keys lists the keys in file order.
func (m Map[T]) Keys() []string {
	out := make([]string, len(m))
	for i, e := range m {
		out[i] = e.Key.Value
	}
	return out
}

// Config is calendar.yaml.
type Config struct {
	Brand    String       `yaml:"brand"`
	Timezone String       `yaml:"timezone"`
	Channels Map[Channel] `yaml:"channels"`
	State    State        `yaml:"state"`
}

// Channel is a place posts go to, with its provider's settings. Only the settings of its provider
// are present; the schema enforces which.
type Channel struct {
	Provider    String `yaml:"provider"`
	Description String `yaml:"description"`
	MaxDelay    String `yaml:"max_delay"`
	Platform    String `yaml:"platform"`

	Dir String `yaml:"dir"` // outbox

	URL       String `yaml:"url"` // webhook
	URLEnv    String `yaml:"url_env"`
	SecretEnv String `yaml:"secret_env"`
	AllowHTTP bool   `yaml:"allow_http"`
	Timeout   String `yaml:"timeout"`

	Service        String `yaml:"service"` // bluesky
	Handle         String `yaml:"handle"`
	AppPasswordEnv String `yaml:"app_password_env"`

	Server         String `yaml:"server"` // mastodon
	AccessTokenEnv String `yaml:"access_token_env"`
	Visibility     String `yaml:"visibility"`
	Scheduling     String `yaml:"scheduling"`
	Language       String `yaml:"language"`
}

// State says where applies record what they did.
type State struct {
	Backend String `yaml:"backend"`
	Path    String `yaml:"path"`
	Branch  String `yaml:"branch"`
	Remote  String `yaml:"remote"`
}

// Strategy is strategy.yaml.
type Strategy struct {
	Description    String          `yaml:"description"`
	Goals          []Goal          `yaml:"goals"`
	Pillars        Map[Pillar]     `yaml:"pillars"`
	Campaigns      Map[Campaign]   `yaml:"campaigns"`
	Cadence        Map[Cadence]    `yaml:"cadence"`
	PostingWindows []PostingWindow `yaml:"posting_windows"`
	Blackouts      []Blackout      `yaml:"blackouts"`
}

type Goal struct {
	Metric      String   `yaml:"metric"`
	Target      float64  `yaml:"target"`
	Due         String   `yaml:"due"`
	Channels    []String `yaml:"channels"`
	Description String   `yaml:"description"`
}

type Pillar struct {
	Description String   `yaml:"description"`
	Share       *float64 `yaml:"share"`
	MaxShare    *float64 `yaml:"max_share"`
}

type Campaign struct {
	Description String   `yaml:"description"`
	From        String   `yaml:"from"`
	To          String   `yaml:"to"`
	Hashtags    []String `yaml:"hashtags"`
	Pillars     []String `yaml:"pillars"`
	Channels    []String `yaml:"channels"`

	Start, End time.Time // End is exclusive; set by Load
}

type Cadence struct {
	MaxPerDay  *int   `yaml:"max_per_day"`
	MinPerWeek *int   `yaml:"min_per_week"`
	MinGap     String `yaml:"min_gap"`
}

type PostingWindow struct {
	Channels []String `yaml:"channels"`
	Days     []String `yaml:"days"`
	From     String   `yaml:"from"`
	To       String   `yaml:"to"`
}

// Selector picks posts by channel, pillar or tag; empty picks everything. Blackouts, playbook
// pauses and voice rules' where all read selectors the same way (see Selects).
type Selector struct {
	All      bool     `yaml:"all"`
	Channels []String `yaml:"channels"`
	Pillars  []String `yaml:"pillars"`
	Tags     []String `yaml:"tags"`
}

// Selects says whether s picks the post on channel: channels narrow where (and); pillars and tags
// pick what (one of the pillars or one of the tags); empty lists don't constrain.
func (s Selector) Selects(p *Post, channel string) bool {
	if s.All {
		return true
	}
	if len(s.Channels) > 0 && !containsValue(s.Channels, channel) {
		return false
	}
	if len(s.Pillars) == 0 && len(s.Tags) == 0 {
		return true
	}
	if p.Pillar.Value != "" && containsValue(s.Pillars, p.Pillar.Value) {
		return true
	}
	for _, t := range p.Tags {
		if containsValue(s.Tags, t.Value) {
			return true
		}
	}
	return false
}

type Blackout struct {
	Name     String   `yaml:"name"`
	From     String   `yaml:"from"`
	To       String   `yaml:"to"`
	Reason   String   `yaml:"reason"`
	Channels []String `yaml:"channels"`
	Pillars  []String `yaml:"pillars"`
	Tags     []String `yaml:"tags"`

	Start, End time.Time // End is exclusive; set by Load
}

// Selector is the blackout's selectors: what it holds.
func (b Blackout) Selector() Selector {
	return Selector{Channels: b.Channels, Pillars: b.Pillars, Tags: b.Tags}
}

// Voice is voice.yaml. Rules are kept as written; the voice engine compiles them.
type Voice struct {
	Description String `yaml:"description"`
	Rules       []Rule `yaml:"rules"`
}

// Rule is one brand-voice rule. Fields beyond the common ones depend on Type.
type Rule struct {
	ID      String `yaml:"id"`
	Type    String `yaml:"type"`
	Level   String `yaml:"level"`
	Message String `yaml:"message"`
	Where   Where  `yaml:"where"`
	Suggest String `yaml:"suggest"`

	Tokens        []String       `yaml:"tokens"`
	Patterns      []String       `yaml:"patterns"`
	CaseSensitive bool           `yaml:"case_sensitive"`
	Swap          Map[String]    `yaml:"swap"`
	Style         String         `yaml:"style"`
	Exceptions    []String       `yaml:"exceptions"`
	Within        *int           `yaml:"within"`
	Token         String         `yaml:"token"`
	Max           *float64       `yaml:"max"`
	Min           *float64       `yaml:"min"`
	Metric        String         `yaml:"metric"`
	HTTPSOnly     bool           `yaml:"https_only"`
	AllowDomains  []String       `yaml:"allow_domains"`
	DenyDomains   []String       `yaml:"deny_domains"`
	RequireParams []String       `yaml:"require_params"`
	ParamsDomains []String       `yaml:"params_domains"`
	Pairs         [][]String     `yaml:"pairs"`
	Node          *yaml.Node     `yaml:"-"`
	extra         map[string]any // reserved
}

// Where scopes a rule.
type Where struct {
	Channels []String `yaml:"channels"`
	Pillars  []String `yaml:"pillars"`
	Tags     []String `yaml:"tags"`
	Kinds    []String `yaml:"kinds"`
}

// Media is an attached file with its alt text.
type Media struct {
	File String `yaml:"file"`
	Alt  String `yaml:"alt"`
}

// ThreadItem is a follow-up in a thread: a plain string or an object with media.
type ThreadItem struct {
	Text  String
	Media []Media
}

func (t *ThreadItem) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&t.Text)
	}
	var obj struct {
		Text  String  `yaml:"text"`
		Media []Media `yaml:"media"`
	}
	if err := n.Decode(&obj); err != nil {
		return err
	}
	t.Text, t.Media = obj.Text, obj.Media
	return nil
}

// Override replaces a post's content on one channel.
type Override struct {
	Text String `yaml:"text"`
}

// Ignore silences a voice rule on one post, with a reason.
type Ignore struct {
	Rule   String `yaml:"rule"`
	Reason String `yaml:"reason"`
}

// Post is one file under posts/.
type Post struct {
	File      string
	ID        String        `yaml:"id"`
	PublishAt String        `yaml:"publish_at"`
	Channels  []String      `yaml:"channels"`
	Status    String        `yaml:"status"`
	Title     String        `yaml:"title"`
	Pillar    String        `yaml:"pillar"`
	Campaign  String        `yaml:"campaign"`
	Tags      []String      `yaml:"tags"`
	Text      String        `yaml:"text"`
	Overrides Map[Override] `yaml:"overrides"`
	Thread    []ThreadItem  `yaml:"thread"`
	Media     []Media       `yaml:"media"`
	VoiceOpts struct {
		Ignore []Ignore `yaml:"ignore"`
	} `yaml:"voice"`
	MovedFrom String `yaml:"moved_from"`

	// Time is publish_at as an instant; zero when publish_at is invalid.
	Time time.Time
}

// Draft says whether the post is a draft, which is never published.
func (p *Post) Draft() bool { return p.Status.Value == "draft" }

// TextFor returns the post's text on a channel, with its override applied.
func (p *Post) TextFor(channel string) String {
	if o, ok := p.Overrides.Get(channel); ok && o.Text.Set {
		return o.Text
	}
	return p.Text
}

// Playbook is one file under playbooks/.
type Playbook struct {
	File             string
	ID               String            `yaml:"id"`
	Name             String            `yaml:"name"`
	Severity         String            `yaml:"severity"`
	Description      String            `yaml:"description"`
	Triggers         []String          `yaml:"triggers"`
	Pause            Selector          `yaml:"pause"`
	HoldingStatement *HoldingStatement `yaml:"holding_statement"`
	Replies          []String          `yaml:"replies"`
	Escalation       []Contact         `yaml:"escalation"`
	Checklist        []String          `yaml:"checklist"`
	ExpiresAfter     String            `yaml:"expires_after"`
}

// HoldingStatement is the post a playbook publishes on activation.
type HoldingStatement struct {
	Channels  []String      `yaml:"channels"`
	Text      String        `yaml:"text"`
	Overrides Map[Override] `yaml:"overrides"`
	Media     []Media       `yaml:"media"`
	Thread    []ThreadItem  `yaml:"thread"`
}

type Contact struct {
	Role    String `yaml:"role"`
	Name    String `yaml:"name"`
	Contact String `yaml:"contact"`
}

// Reply is one file under replies/: a template for the community manager.
type Reply struct {
	File      string
	ID        String        `yaml:"id"`
	Title     String        `yaml:"title"`
	Tags      []String      `yaml:"tags"`
	Channels  []String      `yaml:"channels"`
	Variables Map[Variable] `yaml:"variables"`
	Text      String        `yaml:"text"`
}

type Variable struct {
	Required    bool   `yaml:"required"`
	Default     String `yaml:"default"`
	Pattern     String `yaml:"pattern"`
	Description String `yaml:"description"`
}

// Crisis is crisis.yaml, present while a crisis is active.
type Crisis struct {
	File        string
	Playbook    String `yaml:"playbook"`
	ActivatedAt String `yaml:"activated_at"`
	Reason      String `yaml:"reason"`
	By          String `yaml:"by"`

	Time time.Time
}
