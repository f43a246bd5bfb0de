package apply

import (
	"os"
	"strconv"
	"sync/atomic"
)

// crashEnv names the crash test's hook: POSTCTL_TEST_CRASH_AT=k kills the process at the k-th
// journal step (an intent written, a call returned, a result written). Unset, it does nothing.
const crashEnv = "POSTCTL_TEST_CRASH_AT"

var crashStep atomic.Int64

// crashPoint is one step of the journal. It is a no-op unless the crash test set crashEnv.
func crashPoint() {
	at := os.Getenv(crashEnv)
	if at == "" {
		return
	}
	k, err := strconv.ParseInt(at, 10, 64)
	if err != nil || crashStep.Add(1) != k {
		return
	}
	killSelf()
}
