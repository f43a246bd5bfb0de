package view

import (
	"errors"

	"github.com/postctl/postctl/agenda"
)

// TEMPORARY stubs so `postctl calendar` builds while the ics and html views are written. The
// helper writing each view deletes its function here when it adds the real one (and the file
// when both are gone).

// RenderCalendarHTML writes `postctl calendar --format html`.
func RenderCalendarHTML(s *Streams, a *agenda.Agenda) error {
	return errors.New("calendar --format html: not yet")
}
