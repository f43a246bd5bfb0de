package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		name, in, zone string
		want           time.Time
		wantOffset     int // seconds east of UTC of the returned time
	}{
		{"offset", "2026-12-01T09:00:00+01:00", "Europe/Berlin", utc(2026, 12, 1, 8, 0), 3600},
		{"offset ignores the calendar zone", "2026-12-01T09:00:00-05:00", "Europe/Berlin", utc(2026, 12, 1, 14, 0), -5 * 3600},
		{"Z", "2026-12-01T08:00:00Z", "America/New_York", utc(2026, 12, 1, 8, 0), 0},
		{"lower-case z", "2026-12-01T08:00:00z", "America/New_York", utc(2026, 12, 1, 8, 0), 0},
		{"offset without seconds", "2026-12-01T09:00+01:00", "UTC", utc(2026, 12, 1, 8, 0), 3600},
		{"Z without seconds", "2026-12-01T09:00Z", "Europe/Berlin", utc(2026, 12, 1, 9, 0), 0},
		{"fraction", "2026-12-01T09:00:00.25+01:00", "UTC", utc(2026, 12, 1, 8, 0).Add(250 * time.Millisecond), 3600},
		{"half-hour offset", "2026-12-01T09:00:00+05:30", "UTC", utc(2026, 12, 1, 3, 30), 5*3600 + 1800},
		{"local winter Berlin", "2026-12-01T09:00", "Europe/Berlin", utc(2026, 12, 1, 8, 0), 3600},
		{"local summer Berlin", "2026-07-01T09:00", "Europe/Berlin", utc(2026, 7, 1, 7, 0), 7200},
		{"local with seconds", "2026-12-01T09:00:30", "Europe/Berlin", utc(2026, 12, 1, 8, 0).Add(30 * time.Second), 3600},
		{"local New York", "2026-07-04T12:00", "America/New_York", utc(2026, 7, 4, 16, 0), -4 * 3600},
		{"local Lord Howe summer (+11)", "2026-12-01T09:00", "Australia/Lord_Howe", utc(2026, 11, 30, 22, 0), 11 * 3600},
		{"local Lord Howe winter (+10:30)", "2026-07-01T09:00", "Australia/Lord_Howe", utc(2026, 6, 30, 22, 30), 10*3600 + 1800},
		{"local Kolkata", "2026-12-01T09:00", "Asia/Kolkata", utc(2026, 12, 1, 3, 30), 5*3600 + 1800},
		// Right after a gap and right before an overlap the wall time exists once.
		{"just after the Berlin gap", "2027-03-28T03:00", "Europe/Berlin", utc(2027, 3, 28, 1, 0), 7200},
		{"just before the Berlin gap", "2027-03-28T01:59", "Europe/Berlin", utc(2027, 3, 28, 0, 59), 3600},
		{"just after the Berlin overlap", "2026-10-25T03:00", "Europe/Berlin", utc(2026, 10, 25, 2, 0), 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTime(tt.in, mustZone(t, tt.zone))
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ParseTime(%q) (-got +want):\n%s", tt.in, diff)
			}
			if _, off := got.Zone(); off != tt.wantOffset {
				t.Errorf("ParseTime(%q) offset = %d, want %d", tt.in, off, tt.wantOffset)
			}
		})
	}
}

// A local time in a DST gap or overlap must be refused with the two instants it could mean, so
// the message can offer both; the instants themselves are checked, not only their spelling.
func TestParseTimeDST(t *testing.T) {
	tests := []struct {
		name, in, zone string
		candidates     []time.Time
		// spelled are the candidates as the message writes them.
		spelled []string
		gap     bool
	}{
		{
			name: "Berlin gap", in: "2027-03-28T02:30", zone: "Europe/Berlin", gap: true,
			// The offset in force before the transition first: 02:30+01:00 is 03:30 CEST.
			candidates: []time.Time{utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 0, 30)},
			spelled:    []string{"the clocks skip that hour", "2027-03-28T02:30:00+01:00 (which is 03:30 CEST local)", "2027-03-28T02:30:00+02:00 (which is 01:30 CET local)"},
		},
		{
			name: "Berlin overlap", in: "2026-10-25T02:30", zone: "Europe/Berlin",
			candidates: []time.Time{utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)},
			spelled:    []string{"the clocks pass it twice", "2026-10-25T02:30:00+02:00 (CEST)", "2026-10-25T02:30:00+01:00 (CET)"},
		},
		{
			name: "New York gap", in: "2027-03-14T02:30", zone: "America/New_York", gap: true,
			candidates: []time.Time{utc(2027, 3, 14, 7, 30), utc(2027, 3, 14, 6, 30)},
			spelled:    []string{"2027-03-14T02:30:00-05:00 (which is 03:30 EDT local)", "2027-03-14T02:30:00-04:00 (which is 01:30 EST local)"},
		},
		{
			name: "New York overlap", in: "2026-11-01T01:30", zone: "America/New_York",
			candidates: []time.Time{utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)},
			spelled:    []string{"2026-11-01T01:30:00-04:00 (EDT)", "2026-11-01T01:30:00-05:00 (EST)"},
		},
		{
			// Lord Howe shifts by 30 minutes: 02:00 → 02:30 on 2026-10-04 (checked against tzdata).
			name: "Lord Howe gap", in: "2026-10-04T02:15", zone: "Australia/Lord_Howe", gap: true,
			candidates: []time.Time{utc(2026, 10, 3, 15, 45), utc(2026, 10, 3, 15, 15)},
			spelled:    []string{"the clocks skip those 30 minutes", "2026-10-04T02:15:00+10:30 (which is 02:45 +11 local)", "2026-10-04T02:15:00+11:00 (which is 01:45 +1030 local)"},
		},
		{
			// ... and back 02:00 → 01:30 on 2027-04-04.
			name: "Lord Howe overlap", in: "2027-04-04T01:45", zone: "Australia/Lord_Howe",
			candidates: []time.Time{utc(2027, 4, 3, 14, 45), utc(2027, 4, 3, 15, 15)},
			spelled:    []string{"2027-04-04T01:45:00+11:00 (+11)", "2027-04-04T01:45:00+10:30 (+1030)"},
		},
		{
			// Chile springs forward at midnight: 2026-09-06 00:00 → 01:00.
			name: "Santiago gap at midnight", in: "2026-09-06T00:30", zone: "America/Santiago", gap: true,
			candidates: []time.Time{utc(2026, 9, 6, 4, 30), utc(2026, 9, 6, 3, 30)},
			spelled:    []string{"2026-09-06T00:30:00-04:00 (which is 01:30 -03 local)", "2026-09-06T00:30:00-03:00 (which is 23:30 -04 local)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			got, err := ParseTime(tt.in, loc)
			if err == nil {
				t.Fatalf("ParseTime(%q) = %v, want an error", tt.in, got)
			}
			var te *TimeError
			if !errors.As(err, &te) {
				t.Fatalf("ParseTime(%q) error %T %v, want *TimeError", tt.in, err, err)
			}
			if diff := cmp.Diff(te.Candidates, tt.candidates); diff != "" {
				t.Errorf("candidates (-got +want):\n%s", diff)
			}
			for _, c := range te.Candidates {
				// In an overlap both candidates read as the input on the zone's clock; in a gap
				// neither does, which is the point.
				reads := c.In(loc).Format("2006-01-02T15:04") == tt.in
				if reads == tt.gap {
					t.Errorf("candidate %v reads %s in %s; gap=%v", c, c.In(loc).Format("2006-01-02T15:04"), tt.zone, tt.gap)
				}
			}
			for _, s := range tt.spelled {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not contain %q", err.Error(), s)
				}
			}
			if !strings.HasPrefix(err.Error(), tt.in+" ") || !strings.Contains(err.Error(), tt.zone) {
				t.Errorf("message %q does not name the input and the zone", err.Error())
			}
		})
	}
}

func TestParseTimeInvalid(t *testing.T) {
	const generic = "is not a valid time: expected a local time such as 2026-12-01T09:00 or a time with an offset such as 2026-12-01T09:00:00+01:00"
	tests := []struct{ in, want string }{
		{"2026-02-30T09:00", "2026-02-30 is not a real date"},
		{"2026-02-30T09:00:00+01:00", "2026-02-30 is not a real date"},
		{"2027-02-29T09:00Z", "2027-02-29 is not a real date"},
		{"2026-13-01T09:00", "2026-13-01 is not a real date"},
		{"2026-12-01T25:00", "25:00 is not a valid time of day: hours go from 00 to 23, minutes and seconds from 00 to 59"},
		{"2026-12-01T09:60:00+01:00", "09:60:00 is not a valid time of day: hours go from 00 to 23, minutes and seconds from 00 to 59"},
		{"2026-12-01 09:00", `"2026-12-01 09:00" ` + generic},
		{"2026-12-01", `"2026-12-01" ` + generic},
		{"2026-12-01T09:00+0100", `"2026-12-01T09:00+0100" ` + generic},
		{"2026-12-01T09:00:00+25:00", "+25:00 is not a valid UTC offset: write one such as +01:00 or -05:00"},
		{"tomorrow", `"tomorrow" ` + generic},
		{"", `"" ` + generic},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in, mustZone(t, "Europe/Berlin"))
			if err == nil {
				t.Fatalf("ParseTime(%q) = %v, want an error", tt.in, got)
			}
			var te *TimeError
			if !errors.As(err, &te) || len(te.Candidates) != 0 || te.Input != tt.in {
				t.Errorf("error = %#v, want a *TimeError for %q without candidates", err, tt.in)
			}
			if diff := cmp.Diff(err.Error(), tt.want); diff != "" {
				t.Errorf("message (-got +want):\n%s", diff)
			}
		})
	}
}

// Where midnight falls in a gap the day starts when the clocks resume; where it happens twice,
// at the first one.
func TestStartOfDayAndParseDate(t *testing.T) {
	tests := []struct {
		name, date, zone string
		want             time.Time
	}{
		{"ordinary day", "2026-12-01", "Europe/Berlin", utc(2026, 11, 30, 23, 0)},
		{"Berlin DST day (gap at 02:00)", "2027-03-28", "Europe/Berlin", utc(2027, 3, 27, 23, 0)},
		{"Santiago: midnight skipped", "2026-09-06", "America/Santiago", utc(2026, 9, 6, 4, 0)},
		{"Havana: midnight skipped", "2026-03-08", "America/Havana", utc(2026, 3, 8, 5, 0)},
		{"Beirut: midnight skipped", "2026-03-29", "Asia/Beirut", utc(2026, 3, 28, 22, 0)},
		{"Havana: midnight twice", "2026-11-01", "America/Havana", utc(2026, 11, 1, 4, 0)},
		{"Lord Howe gap day", "2026-10-04", "Australia/Lord_Howe", utc(2026, 10, 3, 13, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			got, err := ParseDate(tt.date, loc)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.date, err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ParseDate(%q) (-got +want):\n%s", tt.date, diff)
			}
			if got.In(loc).Format("2006-01-02") != tt.date {
				t.Errorf("ParseDate(%q) = %v, which is not on that day in %s", tt.date, got.In(loc), tt.zone)
			}
			// Nothing of the day exists before the returned instant.
			if before := got.Add(-time.Second).In(loc).Format("2006-01-02"); before == tt.date {
				t.Errorf("one second before %v is still %s in %s", got, before, tt.zone)
			}
			d, _ := time.Parse("2006-01-02", tt.date)
			if sod := StartOfDay(d.Year(), d.Month(), d.Day(), loc); !sod.Equal(got) {
				t.Errorf("StartOfDay = %v, ParseDate = %v", sod, got)
			}
		})
	}
}

func TestParseDateInvalid(t *testing.T) {
	for _, in := range []string{"2026-02-30", "2026-12-1", "2026-12-01T09:00", "", "12/01/2026"} {
		_, err := ParseDate(in, time.UTC)
		var te *TimeError
		if !errors.As(err, &te) {
			t.Errorf("ParseDate(%q) error = %v, want a *TimeError", in, err)
			continue
		}
		if want := `"` + in + `" is not a real date`; err.Error() != want {
			t.Errorf("ParseDate(%q) = %q, want %q", in, err, want)
		}
	}
}

// Bounds are half-open: a date as an end bound covers its whole day, so it returns the start of
// the next one, however long the day is.
func TestParseBound(t *testing.T) {
	tests := []struct {
		name, in, zone string
		end            bool
		want           time.Time
	}{
		{"start date", "2026-12-24", "Europe/Berlin", false, utc(2026, 12, 23, 23, 0)},
		{"end date is the next midnight", "2026-12-24", "Europe/Berlin", true, utc(2026, 12, 24, 23, 0)},
		{"end date on a 23-hour day", "2027-03-28", "Europe/Berlin", true, utc(2027, 3, 28, 22, 0)},
		{"end date on a 25-hour day", "2026-10-25", "Europe/Berlin", true, utc(2026, 10, 25, 23, 0)},
		{"end date before a skipped midnight", "2026-09-05", "America/Santiago", true, utc(2026, 9, 6, 4, 0)},
		{"end date at year end", "2026-12-31", "America/New_York", true, utc(2027, 1, 1, 5, 0)},
		{"start time", "2026-12-24T18:00", "Europe/Berlin", false, utc(2026, 12, 24, 17, 0)},
		{"end time is exact", "2026-12-24T18:00", "Europe/Berlin", true, utc(2026, 12, 24, 17, 0)},
		{"end time with offset", "2026-12-24T18:00:00Z", "Europe/Berlin", true, utc(2026, 12, 24, 18, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBound(tt.in, mustZone(t, tt.zone), tt.end)
			if err != nil {
				t.Fatalf("ParseBound(%q, end=%v): %v", tt.in, tt.end, err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ParseBound(%q, end=%v) (-got +want):\n%s", tt.in, tt.end, diff)
			}
		})
	}
}

func TestParseBoundInvalid(t *testing.T) {
	tests := []struct {
		in   string
		end  bool
		want string
	}{
		{"2026-13-01", false, `"2026-13-01" is not a real date`},
		{"2026-02-30", true, `"2026-02-30" is not a real date`},
		{"2027-03-28T02:30", true, "2027-03-28T02:30 does not exist in Europe/Berlin"},
		{"soon", false, `"soon" is not a valid time`},
	}
	for _, tt := range tests {
		_, err := ParseBound(tt.in, mustZone(t, "Europe/Berlin"), tt.end)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseBound(%q, end=%v) error = %v, want it to start with %q", tt.in, tt.end, err, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	const maxDays = 106751 // the most whole days a time.Duration holds
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "90m", want: 90 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "2d", want: 48 * time.Hour},
		{in: "45s", want: 45 * time.Second},
		{in: "1d2h3m4s", want: 26*time.Hour + 3*time.Minute + 4*time.Second},
		{in: "0s", want: 0},
		{in: "007m", want: 7 * time.Minute},
		{in: "1h1h", want: 2 * time.Hour},
		{in: "106751d23h", want: maxDays*24*time.Hour + 23*time.Hour},
		{in: "", wantErr: "empty duration"},
		{in: "1.5h", wantErr: `"1.5h" is not a duration such as 90m, 1h30m or 2d`},
		{in: "h", wantErr: `"h" is not a duration such as 90m, 1h30m or 2d`},
		{in: "10", wantErr: `"10" is not a duration such as 90m, 1h30m or 2d`},
		{in: "1h30", wantErr: `"1h30" is not a duration such as 90m, 1h30m or 2d`},
		{in: "-1h", wantErr: `"-1h" is not a duration such as 90m, 1h30m or 2d`},
		{in: "1w", wantErr: `"1w" is not a duration such as 90m, 1h30m or 2d`},
		{in: "1H", wantErr: `"1H" is not a duration such as 90m, 1h30m or 2d`},
		{in: "1h 30m", wantErr: `"1h 30m" is not a duration such as 90m, 1h30m or 2d`},
		{in: "1ms", wantErr: `"1ms" is not a duration such as 90m, 1h30m or 2d`},
		{in: "١h", wantErr: `"١h" is not a duration such as 90m, 1h30m or 2d`}, // Arabic-Indic digit
		{in: "106752d", wantErr: `"106752d" is too long a duration`},
		{in: "106751d24h", wantErr: `"106751d24h" is too long a duration`},
		{in: "9223372036854775807s", wantErr: `"9223372036854775807s" is too long a duration`},
		{in: "99999999999999999999d", wantErr: `"99999999999999999999d" is too long a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("ParseDuration(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("ParseDuration(%q) (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}
