package cmd

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/postctl/postctl/calendar"
	"github.com/postctl/postctl/schema"
	"github.com/postctl/postctl/state"
	"github.com/postctl/postctl/view"
	"github.com/spf13/cobra"
)

func newStateCmd(f *Factory, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Inspect and repair the recorded state: list, show, mv, rm",
		Long: `The state is what earlier applies did: one record per publication, addressed post-id@channel,
with its status, remote id, URL, content hash and times. It is kept where calendar.yaml's state
says (by default .postctl/state.json).

list and show only read it. mv and rm change it: they take the state lock, so they fail with exit
3 while another run holds it, and they refuse a corrupt state file or one written by a newer
postctl rather than overwrite it.`,
		Example: `  postctl state list
  postctl state show 2026-12-01-launch@mastodon
  postctl state mv 2026-12-01-launch@mastodon 2026-12-02-launch@mastodon`,
	}
	groupCmd(cmd)
	cmd.AddCommand(newStateListCmd(f, g), newStateShowCmd(f, g), newStateMvCmd(f, g), newStateRmCmd(f, g))
	return cmd
}

// stateStore is what the commands need of a state backend: the file or the git backend.
type stateStore interface {
	fmt.Stringer
	Read() (*state.State, error)
	Write(s *state.State, expect uint64) error // compare-and-swap on the serial
	Lock(info state.LockInfo) (*state.Lock, error)
	LockHolder() (*state.LockInfo, error)
	ForceUnlock(id string) error
}

var (
	_ stateStore = (*state.File)(nil)
	_ stateStore = (*state.Git)(nil)
	_ stateStore = state.Backend(nil)
)

// openState loads the calendar in dir only to learn from calendar.yaml where its state is kept:
// errors in other files do not matter here.
func openState(f *Factory, dir string) (*calendar.Calendar, stateStore, error) {
	cal, _, err := loadCalendar(f, dir)
	if err != nil {
		return nil, nil, err
	}
	store, err := openStore(cal, dir)
	if err != nil {
		return nil, nil, err
	}
	return cal, store, nil
}

// openStore opens the state backend that calendar.yaml names.
func openStore(cal *calendar.Calendar, dir string) (stateStore, error) {
	backend, err := state.Open(cal, dir)
	if err != nil {
		return nil, err
	}
	return backend, nil
}

// stateLockInfo says who takes the state lock, for the "locked by" message another run shows.
func stateLockInfo(f *Factory, operation string) state.LockInfo {
	user := "unknown"
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := f.Getenv(k); v != "" {
			user = v
			break
		}
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return state.LockInfo{ID: state.NewLockID(), Who: user + "@" + host, Operation: operation,
		Version: postctlVersion(), Created: f.Clock().UTC()}
}

func postctlVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// changeState takes the lock, applies change to a fresh read of the state, writes it back if the
// serial is unchanged and releases the lock.
func changeState(f *Factory, file stateStore, operation string, change func(*state.State) error) (_ *state.State, err error) {
	lock, err := file.Lock(stateLockInfo(f, operation))
	if err != nil {
		return nil, err
	}
	defer func() {
		if uerr := lock.Unlock(); uerr != nil {
			err = errors.Join(err, uerr)
		}
	}()
	st, err := file.Read()
	if err != nil {
		return nil, err
	}
	serial := st.Serial
	if err := change(st); err != nil {
		return nil, err
	}
	if err := file.Write(st, serial); err != nil {
		return nil, err
	}
	return st, nil
}

// stateAddress checks a publication address argument. A post id alone suggests its records.
func stateAddress(st *state.State, addr string) error {
	if _, _, err := state.SplitAddress(addr); err == nil {
		return nil
	}
	msg := fmt.Sprintf("%q is not a publication address: expected post-id@channel, such as launch@mastodon", addr)
	if st != nil {
		var same []string
		for _, a := range st.Addresses() {
			if st.Publications[a].Post == addr {
				same = append(same, a)
			}
		}
		if len(same) > 0 {
			msg += fmt.Sprintf(" (did you mean %s?)", joinOr(same))
		}
	}
	return usageErrorf(errors.New(msg))
}

// noRecord says an address is not in the state, with the closest recorded address.
func noRecord(file stateStore, st *state.State, addr string) error {
	msg := fmt.Sprintf("no publication %s in %s", addr, file)
	switch {
	case st.Serial == 0:
		msg += " (there is no state yet: postctl apply records what it publishes)"
	case len(st.Publications) == 0:
		msg += " (it records no publications)"
	default:
		if guess := schema.Closest(addr, st.Addresses()); guess != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", guess)
		} else if post, channel, err := state.SplitAddress(addr); err == nil {
			var near []string
			for _, a := range st.Addresses() {
				if p := st.Publications[a]; p.Post == post || p.Channel == channel && strings.HasPrefix(p.Post, post) {
					near = append(near, a)
				}
			}
			if len(near) > 0 && len(near) <= 5 {
				msg += fmt.Sprintf(" (did you mean %s?)", joinOr(near))
			}
		}
	}
	return errors.New(msg)
}

// ---- list

type stateListOptions struct {
	Dir    string
	Format string
}

func newStateListCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list [DIR]",
		Short: "List the recorded publications",
		Long: `List shows every recorded publication: its address (post-id@channel), status, planned and
published times and URL.

On a terminal the table is aligned with a header and times are in the calendar's time zone; piped,
each record is one tab-separated line with times in RFC 3339. --format json has every field.

Exit 0 (also when there is no state yet); 1 when the state file is corrupt or newer than this
postctl; 4 on a usage error.`,
		Example: `  postctl state list
  postctl state list | awk -F'\t' '$2 == "pending"'
  postctl state list --format json | jq -r '.publications[] | select(.status == "published") | .url'`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := g.dir(cmd, args)
			if err != nil {
				return err
			}
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			return runStateList(f, stateListOptions{Dir: dir, Format: format})
		},
	}
}

func runStateList(f *Factory, opts stateListOptions) error {
	cal, file, err := openState(f, opts.Dir)
	if err != nil {
		return err
	}
	st, err := file.Read()
	if err != nil {
		return err
	}
	l := view.StateList{Path: file.String(), Exists: st.Serial > 0, Location: cal.Location}
	if l.Exists {
		l.Serial, l.Lineage = st.Serial, st.Lineage
	}
	for _, a := range st.Addresses() {
		l.Records = append(l.Records, view.StateRecord{Address: a, Publication: *st.Publications[a]})
	}
	if err := view.RenderStateList(f.Streams, opts.Format, l); err != nil {
		return err
	}
	if opts.Format == formatText && len(l.Records) == 0 {
		if l.Exists {
			fmt.Fprintf(f.Streams.ErrOut, "No publications recorded in %s.\n", l.Path)
		} else {
			fmt.Fprintf(f.Streams.ErrOut, "No state yet: %s does not exist; postctl apply creates it.\n", l.Path)
		}
	}
	return nil
}

// ---- show

type stateShowOptions struct {
	Dir     string
	Format  string
	Address string
}

func newStateShowCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "show ADDRESS",
		Short: "Show every field of one recorded publication",
		Long: `Show prints one record: post, channel, status, planned, published and updated times (in the
calendar's time zone), remote id, URL, content hash, reason, an interrupted call's intent and a
thread's remote ids.

Exit 1 when the address is not recorded (the closest recorded address is suggested); 4 on a usage
error.`,
		Example: `  postctl state show 2026-12-01-launch@mastodon
  postctl state show 2026-12-01-launch@mastodon --format json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.format(formatText, formatJSON)
			if err != nil {
				return err
			}
			return runStateShow(f, stateShowOptions{Dir: g.Dir, Format: format, Address: args[0]})
		},
	}
}

func runStateShow(f *Factory, opts stateShowOptions) error {
	cal, file, err := openState(f, opts.Dir)
	if err != nil {
		return err
	}
	st, err := file.Read()
	if err != nil {
		return err
	}
	if err := stateAddress(st, opts.Address); err != nil {
		return err
	}
	p := st.Get(opts.Address)
	if p == nil {
		return noRecord(file, st, opts.Address)
	}
	return view.RenderStateRecord(f.Streams, opts.Format, view.StateRecord{Address: opts.Address, Publication: *p}, cal.Location)
}

// ---- mv

type stateMvOptions struct {
	Dir      string
	From, To string
}

func newStateMvCmd(f *Factory, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "mv OLD NEW",
		Short: "Move a record to another address",
		Long: `Mv moves the record at OLD to NEW, keeping its status, remote id, URL and history: use it when
a post's id or a channel's id changed in the calendar, so that plan sees the publication it already
made instead of a new one. (A renamed post can also say moved_from: OLD-POST-ID in its file.)

NEW must not be recorded yet. Mv takes the state lock: exit 3 while another run holds it, 1 when
OLD is not recorded, 4 on a usage error.`,
		Example: `  postctl state mv 2026-12-01-launch@mastodon 2026-12-02-launch@mastodon`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := g.format(formatText); err != nil {
				return err
			}
			for _, a := range args {
				if err := stateAddress(nil, a); err != nil {
					return err
				}
			}
			if args[0] == args[1] {
				return usageErrorf(fmt.Errorf("%s is both OLD and NEW: nothing to move", args[0]))
			}
			return runStateMv(f, stateMvOptions{Dir: g.Dir, From: args[0], To: args[1]})
		},
	}
}

func runStateMv(f *Factory, opts stateMvOptions) error {
	cal, file, err := openState(f, opts.Dir)
	if err != nil {
		return err
	}
	// A first look without the lock: a typo should not create the state directory.
	if st, err := file.Read(); err != nil {
		return err
	} else if st.Get(opts.From) == nil {
		return noRecord(file, st, opts.From)
	}
	st, err := changeState(f, file, "state mv", func(st *state.State) error {
		if st.Get(opts.From) == nil {
			return noRecord(file, st, opts.From)
		}
		return st.Move(opts.From, opts.To)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Streams.Out, "Moved %s to %s (state serial %d).\n", opts.From, opts.To, st.Serial)
	post, channel, _ := state.SplitAddress(opts.To)
	if !slices.ContainsFunc(cal.Posts, func(p *calendar.Post) bool { return p.ID.Value == post }) {
		fmt.Fprintf(f.Streams.ErrOut, "Note: the calendar has no post %q; until it does, plan treats the record as that of a removed post.\n", post)
	} else if _, ok := cal.Channel(channel); !ok && cal.Config != nil {
		fmt.Fprintf(f.Streams.ErrOut, "Note: calendar.yaml has no channel %q.\n", channel)
	}
	return nil
}

// ---- rm

type stateRmOptions struct {
	Dir     string
	Address string
	Force   bool
}

func newStateRmCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := stateRmOptions{}
	cmd := &cobra.Command{
		Use:   "rm ADDRESS [--force]",
		Short: "Forget a recorded publication",
		Long: `Rm removes a record from the state: postctl forgets the publication, and a later plan treats the
post on that channel as never published.

Rm only changes postctl's record, never the platform. So for a record that is published,
scheduled on the platform, or pending (an interrupted call that may have gone through), forgetting
it means a later plan would publish or schedule the post again: a duplicate. These need --force;
to stop a post going out again, remove it from the calendar or mark it draft instead.

Rm takes the state lock: exit 3 while another run holds it, 1 when ADDRESS is not recorded or
needs --force, 4 on a usage error.`,
		Example: `  postctl state rm 2026-12-01-launch@bluesky
  postctl state rm 2026-12-01-launch@mastodon --force`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := g.format(formatText); err != nil {
				return err
			}
			opts.Dir, opts.Address = g.Dir, args[0]
			return runStateRm(f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "remove a published, scheduled or pending record too")
	return cmd
}

func runStateRm(f *Factory, opts stateRmOptions) error {
	_, file, err := openState(f, opts.Dir)
	if err != nil {
		return err
	}
	check := func(st *state.State) (*state.Publication, error) {
		p := st.Get(opts.Address)
		if p == nil {
			return nil, noRecord(file, st, opts.Address)
		}
		if why := rmRisk(p); why != "" && !opts.Force {
			return nil, fmt.Errorf("refusing to remove %s: %s; use --force to remove it anyway", opts.Address, why)
		}
		return p, nil
	}
	// A first look without the lock: a typo should not create the state directory.
	st, err := file.Read()
	if err != nil {
		return err
	}
	if err := stateAddress(st, opts.Address); err != nil {
		return err
	}
	if _, err := check(st); err != nil {
		return err
	}
	var removed state.Publication
	st, err = changeState(f, file, "state rm", func(st *state.State) error {
		p, err := check(st)
		if err != nil {
			return err
		}
		removed = *p
		delete(st.Publications, opts.Address)
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Streams.Out, "Removed %s (%s) from the state (serial %d).\n", opts.Address, removed.Status, st.Serial)
	if why := rmRisk(&removed); why != "" {
		fmt.Fprintf(f.Streams.ErrOut, "Warning: %s: %s; to keep it from going out again, mark the post draft or remove it from the calendar.\n", opts.Address, why)
	}
	return nil
}

// rmRisk says why forgetting a record may make a later plan publish the post twice, or "" when it
// cannot: rm changes postctl's record, never the platform.
func rmRisk(p *state.Publication) string {
	switch p.Status {
	case state.Published:
		where := "it is public"
		if p.URL != "" {
			where = "it is public at " + p.URL
		}
		return where + " and stays so, but without its record a later plan would publish it again"
	case state.Scheduled:
		return fmt.Sprintf("it is scheduled on %s and stays so, but without its record a later plan would schedule it again", p.Channel)
	case state.Pending:
		return "an interrupted call may have published it, and without its record a later plan would publish it again without checking"
	}
	return ""
}
