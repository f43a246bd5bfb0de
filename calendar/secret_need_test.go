package calendar

import "testing"

// The need literals only skip the regexp; they must never hide a match.
func TestSecretPatternNeeds(t *testing.T) {
	samples := []string{
		"token ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789",
		"gho_" + "abcdefghijklmnopqrstuvwxyz0123456789",
		"github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123",
		"xoxb-" + "1234567890-abcdef",
		"https://hooks.slack.com/services/T000/B000/XXXXXXXX",
		"https://discord.com/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz",
		"https://discordapp.com/api/webhooks/123456/abcdefghijklmnopqrstuvwxyz",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc",
		"AKIA" + "ABCDEFGHIJKLMNOP", "ASIA" + "ABCDEFGHIJKLMNOP",
		"-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----",
		"sk-" + "abcdefghijklmnopqrstuvwxyz",
		"see https://user:hunter2@example.com/x", "ftp://a:b@host",
	}
	for _, s := range samples {
		matched := false
		for _, p := range secretValuePatterns {
			if p.re.MatchString(s) {
				matched = true
				if !containsAny(s, p.need) {
					t.Errorf("%s matches %q but contains none of %q", p.re, s, p.need)
				}
			}
		}
		if !matched {
			t.Errorf("sample %q matches no pattern", s)
		}
	}
}
