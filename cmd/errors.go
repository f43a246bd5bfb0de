package cmd

import (
	"errors"
	"strings"

	"github.com/postctl/postctl/state"
)

// Exit codes, the same for every command (see the product contract).
const (
	exitOK       = 0
	exitFailed   = 1 // invalid calendar, failed apply
	exitChanges  = 2 // plan --detailed-exitcode found changes
	exitConflict = 3 // state changed or locked by another run; safe to retry
	exitUsage    = 4 // bad flags or arguments
)

// usageError is a mistake in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(err error) error { return usageError{err} }

// errSilent fails a command whose output has already said why (findings, a failed plan).
var errSilent = errors.New("failed")

// exitCode maps an error to the contract's exit code; it is the only place that does.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), isCobraUsage(err):
		return exitUsage
	case errors.Is(err, errChanges):
		return exitChanges
	case errors.Is(err, state.ErrConflict):
		return exitConflict
	}
	return exitFailed
}

// isCobraUsage recognises the argument errors cobra raises before a command runs.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "accepts ", "requires ", "flag needs an argument", "bad flag syntax", "required flag"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
