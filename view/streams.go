// Package view renders postctl's plain data (findings, plans) for people and for tools, and owns
// the output streams: whether they are a terminal, and whether to colour.
package view

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Streams are a command's input and outputs. Nothing writes to os.Stdout directly: tests swap
// in buffers and choose TTY and colour.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// OutTTY and InTTY say whether stdout and stdin are terminals.
	OutTTY bool
	InTTY  bool
	// Color enables ANSI colour on Out and ErrOut.
	Color bool
	// Width is the terminal width in columns, or 0 when unknown.
	Width int
}

// System returns the process's streams. Colour is on for a terminal unless NO_COLOR is set or
// TERM is dumb; callers turn it off for --no-color. POSTCTL_FORCE_TTY=1 treats stdout as a
// terminal.
func System(getenv func(string) string) *Streams {
	s := &Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.OutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.InTTY = term.IsTerminal(int(os.Stdin.Fd()))
	if s.OutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.Width = w
		}
	}
	// Like GH_FORCE_TTY: CI logs and tests can ask for terminal output on a pipe.
	if force := getenv("POSTCTL_FORCE_TTY"); force != "" && force != "0" && force != "false" {
		s.OutTTY = true
		if s.Width == 0 {
			s.Width = 80
		}
	}
	s.Color = s.OutTTY && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	return s
}

// Palette colours text when colour is on, and leaves it plain otherwise.
type Palette struct{ on bool }

// Palette returns the colours for these streams.
func (s *Streams) Palette() Palette { return Palette{on: s.Color} }

func (p Palette) wrap(code, text string) string {
	if !p.on || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (p Palette) Red(s string) string    { return p.wrap("31", s) }
func (p Palette) Yellow(s string) string { return p.wrap("33", s) }
func (p Palette) Green(s string) string  { return p.wrap("32", s) }
func (p Palette) Cyan(s string) string   { return p.wrap("36", s) }
func (p Palette) Bold(s string) string   { return p.wrap("1", s) }
func (p Palette) Dim(s string) string    { return p.wrap("2", s) }
