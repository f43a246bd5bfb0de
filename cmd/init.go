package cmd

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/go-git/go-git/v5"
	"github.com/spf13/cobra"
)

//go:embed all:scaffold
var scaffoldFS embed.FS

type initOptions struct {
	Dir      string
	Brand    string
	Timezone string
	Force    bool
	NoGit    bool
}

func newInitCmd(f *Factory, g *globalOptions) *cobra.Command {
	opts := initOptions{}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Scaffold a calendar repository",
		Long: `Init writes a working calendar repository into DIR (default: the current directory): calendar,
strategy and voice files, an example post, crisis playbook and reply template, the JSON Schemas that
the files' modelines point at, and two GitHub Actions workflows: pull-request.yml validates a pull
request and posts postctl review as one comment; apply.yml runs apply on main and every 10 minutes.
Unless DIR is already inside a git repository (or --no-git), it also runs git init. In a git
repository the state is kept in git (state: backend: git, a postctl-state branch pushed to
origin), as the workflows need; outside one (--no-git), in .postctl/state.json.

It refuses to overwrite an existing calendar.yaml without --force.`,
		Example: `  postctl init my-calendar --brand "Northwind Roasters" --timezone Europe/Berlin
  postctl init .`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := g.dir(cmd, args)
			if err != nil {
				return err
			}
			opts.Dir = dir
			if opts.Timezone == "" {
				opts.Timezone = defaultTimezone(f.Getenv)
			}
			if _, err := time.LoadLocation(opts.Timezone); err != nil || opts.Timezone == "Local" {
				return usageErrorf(fmt.Errorf("--timezone %q: expected an IANA time zone such as Europe/Berlin", opts.Timezone))
			}
			if strings.TrimSpace(opts.Brand) == "" && cmd.Flags().Changed("brand") {
				return usageErrorf(errors.New("--brand must not be empty"))
			}
			return runInit(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Brand, "brand", "", "brand name (default: from the directory name)")
	cmd.Flags().StringVar(&opts.Timezone, "timezone", "", "IANA time zone of the calendar (default: $TZ or UTC)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite the scaffold's files if they exist")
	cmd.Flags().BoolVar(&opts.NoGit, "no-git", false, "do not run git init")
	return cmd
}

func defaultTimezone(getenv func(string) string) string {
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return tz
		}
	}
	return "UTC"
}

type scaffoldData struct {
	Brand, Timezone                                                     string
	PostAt, GoalDue, CampaignFrom, CampaignTo, BlackoutFrom, BlackoutTo string
	// GitState keeps the state in git, as the apply workflow needs: whenever the calendar is in a
	// git repository (made here, or already there).
	GitState bool
}

func runInit(f *Factory, opts initOptions) error {
	if _, err := os.Stat(filepath.Join(opts.Dir, "calendar.yaml")); err == nil && !opts.Force {
		return fmt.Errorf("%s already has a calendar.yaml; use --force to overwrite the scaffold's files", opts.Dir)
	}
	brand := opts.Brand
	if brand == "" {
		brand = brandFromDir(opts.Dir)
	}
	loc, _ := time.LoadLocation(opts.Timezone)
	now := f.Clock().In(loc)
	// The example post goes out tomorrow morning, so a fresh calendar has something to plan.
	day := func(offset int) time.Time {
		return time.Date(now.Year(), now.Month(), now.Day()+offset, 0, 0, 0, 0, loc)
	}
	postDay := day(1)
	_, repoErr := git.PlainOpenWithOptions(opts.Dir, &git.PlainOpenOptions{DetectDotGit: true})
	inRepo := repoErr == nil
	data := scaffoldData{
		GitState:     !opts.NoGit || inRepo,
		Brand:        brand,
		Timezone:     opts.Timezone,
		PostAt:       postDay.Format("2006-01-02") + "T10:00",
		GoalDue:      day(180).Format("2006-01-02"),
		CampaignFrom: day(14).Format("2006-01-02"),
		CampaignTo:   day(44).Format("2006-01-02"),
		BlackoutFrom: day(60).Format("2006-01-02"),
		BlackoutTo:   day(62).Format("2006-01-02"),
	}
	files, err := renderScaffold(data, postDay.Format("2006-01-02")+"-welcome.yaml")
	if err != nil {
		return err
	}
	var written []string
	for _, name := range sortedKeys(files) {
		target := filepath.Join(opts.Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(target), err)
		}
		if err := writeFileAtomic(target, files[name]); err != nil {
			return err
		}
		written = append(written, name)
	}
	schemas, err := writeSchemas(filepath.Join(opts.Dir, "schemas"))
	if err != nil {
		return err
	}
	gitInit := false
	if !opts.NoGit {
		if !inRepo && errors.Is(repoErr, git.ErrRepositoryNotExists) {
			if _, err := git.PlainInit(opts.Dir, false); err != nil {
				return fmt.Errorf("git init %s: %w", opts.Dir, err)
			}
			gitInit = true
		}
	}

	out := f.Streams.Out
	p := f.Streams.Palette()
	fmt.Fprintf(out, "%s Created a calendar for %s in %s\n\n", p.Green("✓"), brand, opts.Dir)
	for _, name := range written {
		fmt.Fprintf(out, "  %s\n", name)
	}
	fmt.Fprintf(out, "  schemas/ (%d JSON Schemas)\n", len(schemas))
	if gitInit {
		fmt.Fprintln(out, "  .git/ (new repository)")
	}
	fmt.Fprintf(out, "\nNext:\n  postctl validate %s\n", opts.Dir)
	if data.GitState {
		fmt.Fprintf(out, "  git remote add origin URL && git push -u origin HEAD   # then CI reviews and publishes\n")
	}
	return nil
}

// renderScaffold renders every template; the example post's file name carries its date.
func renderScaffold(data scaffoldData, postName string) (map[string][]byte, error) {
	funcs := template.FuncMap{"quote": strconv.Quote, "lower": strings.ToLower}
	out := map[string][]byte{}
	err := fs.WalkDir(scaffoldFS, "scaffold", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := scaffoldFS.ReadFile(p)
		if err != nil {
			return err
		}
		tmpl := template.New(p).Funcs(funcs)
		if strings.HasPrefix(p, "scaffold/.github/") {
			// GitHub's own expressions are ${{ … }}: the workflows' placeholders are [[ … ]].
			tmpl = tmpl.Delims("[[", "]]")
		}
		tmpl, err = tmpl.Parse(string(src))
		if err != nil {
			return fmt.Errorf("scaffold template %s: %w", p, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			return fmt.Errorf("scaffold template %s: %w", p, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "scaffold/"), ".tmpl")
		switch name {
		case "gitignore":
			name = ".gitignore"
		case "posts/welcome.yaml":
			name = path.Join("posts", postName)
		}
		out[name] = buf.Bytes()
		return nil
	})
	return out, err
}

// brandFromDir turns "northwind-roasters" into "Northwind Roasters".
func brandFromDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	words := strings.FieldsFunc(filepath.Base(abs), func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' })
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	if len(words) == 0 {
		return "My Brand"
	}
	return strings.Join(words, " ")
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
