// Package config reads reconcile.yaml, the configuration file: where the
// specs are, which org is the target, and how the daemon behaves.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/reconcile-dev/reconcile/reconcile/safefile"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// DefaultFile is the configuration file read from the working directory.
const DefaultFile = "reconcile.yaml"

// Config is the configuration file's content, with relative paths made
// relative to the file's folder and defaults filled in.
type Config struct {
	// Found says a configuration file was read.
	Found bool
	File  string
	// Specs is the spec directory.
	Specs  string
	Target Target
	Prune  bool
	// Test runs each changed data action's test cases against its draft
	// before publishing it, as --test does: for the daemon.
	Test bool
	// Owner scopes ownership: the mark of the integrations this
	// deployment creates, and the only ones it may prune.
	Owner string
	// FingerprintKeyFile holds the key of credential fingerprints; empty
	// when not configured.
	FingerprintKeyFile string
	Watch              Watch
	// Environments are the orgs one spec tree is applied to, by name;
	// empty when the file defines none. Select picks one.
	Environments map[string]*Environment
	// Env is the environment this configuration was selected for, or nil.
	Env *Environment
}

// Environment is one org of several (contract section 10).
type Environment struct {
	Name   string
	Target Target
	Owner  string
	// Values is the file of KEY: value pairs ${values.KEY} takes its
	// values from, and Overlay the folder whose files merge over the base
	// specs; empty when not given.
	Values, Overlay string
}

// EnvNames returns the environments' names, sorted.
func (c *Config) EnvNames() []string { return slices.Sorted(maps.Keys(c.Environments)) }

// Select returns the configuration of the environment named name: its
// target and owner in place of the file's.
func (c *Config) Select(name string) (*Config, error) {
	e, ok := c.Environments[name]
	if !ok {
		if len(c.Environments) == 0 {
			return nil, fmt.Errorf("--env %s: %s defines no environments", name, c.File)
		}
		return nil, fmt.Errorf("--env %s: no such environment in %s; environments: %s", name, c.File, strings.Join(c.EnvNames(), ", "))
	}
	out := *c
	out.Target, out.Owner, out.Env = e.Target, e.Owner, e
	return &out, nil
}

// Target is the org to reconcile: exactly one of Local and Genesys.
type Target struct {
	Local   *Local
	Genesys *Genesys
}

// Local is the embedded org file.
type Local struct {
	Path string
}

// Genesys is a Genesys Cloud org.
type Genesys struct {
	Region   string
	APIURL   string
	TokenURL string
	// RequestsPerMinute paces the client; 0 means the default, 300.
	RequestsPerMinute int
	// RetryBudget bounds the retries of a request the org does not answer
	// (refused, DNS, TLS, timeouts); 0 means the default, 30 s.
	RetryBudget time.Duration
}

// Watch configures the daemon.
type Watch struct {
	Debounce time.Duration
	Resync   time.Duration
	Listen   string
}

type raw struct {
	Specs              string                    `yaml:"specs"`
	FingerprintKeyFile string                    `yaml:"fingerprintKeyFile"`
	Prune              bool                      `yaml:"prune"`
	Test               bool                      `yaml:"test"`
	Owner              string                    `yaml:"owner"`
	Target             *rawTarget                `yaml:"target"`
	Environments       map[string]rawEnvironment `yaml:"environments"`
	Watch              struct {
		Debounce duration `yaml:"debounce"`
		Resync   duration `yaml:"resync"`
		Listen   string   `yaml:"listen"`
	} `yaml:"watch"`
}

type rawTarget struct {
	Local *struct {
		Path string `yaml:"path"`
	} `yaml:"local"`
	Genesys *struct {
		Region            string   `yaml:"region"`
		APIURL            string   `yaml:"apiUrl"`
		TokenURL          string   `yaml:"tokenUrl"`
		RequestsPerMinute int      `yaml:"requestsPerMinute"`
		RetryBudget       duration `yaml:"retryBudget"`
	} `yaml:"genesys"`
}

type rawEnvironment struct {
	Target  *rawTarget `yaml:"target"`
	Owner   string     `yaml:"owner"`
	Values  string     `yaml:"values"`
	Overlay string     `yaml:"overlay"`
}

type duration struct{ d time.Duration }

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v <= 0 {
		return fmt.Errorf("line %d: %q is not a positive duration such as 250ms or 5m", n.Line, n.Value)
	}
	d.d = v
	return nil
}

// ownerRE is what an owner may be: it is kept in every integration's mark.
var ownerRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Defaults for what the file leaves out.
const (
	DefaultOwner    = "reconcile"
	DefaultOrgPath  = ".reconcile/org.json"
	DefaultDebounce = 250 * time.Millisecond
	DefaultResync   = 5 * time.Minute
	DefaultListen   = "127.0.0.1:9464"
)

// Load reads the configuration file at path. When path is empty it reads
// DefaultFile in the working directory if there is one, and otherwise
// returns the defaults with Found false.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultFile
	}
	b, err := safefile.ReadFile(path, safefile.DefaultLimit)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return resolve(".", path, raw{}, false)
	}
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	var r raw
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil && !errors.Is(err, io.EOF) {
		return nil, spec.Problem{File: path, Line: errLine(err), Message: "invalid configuration: " + trimYAML(err)}
	}
	return resolve(filepath.Dir(path), path, r, true)
}

func resolve(dir, file string, r raw, found bool) (*Config, error) {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c := &Config{Found: found, File: file, Specs: rel(r.Specs), Prune: r.Prune, Test: r.Test, FingerprintKeyFile: rel(r.FingerprintKeyFile), Owner: DefaultOwner}
	if r.Owner != "" {
		if !ownerRE.MatchString(r.Owner) {
			return nil, spec.Problem{File: file, Path: "/owner", Message: fmt.Sprintf("owner %q must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", r.Owner)}
		}
		c.Owner = r.Owner
	}
	if len(r.Environments) > 0 && r.Target != nil {
		return nil, spec.Problem{File: file, Path: "/target", Message: "with environments, each environment names its target: move target under the environments"}
	}
	var err error
	if c.Target, err = resolveTarget(r.Target, file, "/target", rel); err != nil {
		return nil, err
	}
	if len(r.Environments) > 0 {
		c.Environments = map[string]*Environment{}
	}
	for name, re := range r.Environments {
		at := "/environments/" + name
		if !envNameRE.MatchString(name) {
			return nil, spec.Problem{File: file, Path: at, Message: fmt.Sprintf("environment name %q must be letters, digits, '_' or '-', starting with a letter", name)}
		}
		if re.Target == nil {
			return nil, spec.Problem{File: file, Path: at + "/target", Message: "each environment needs a target: local or genesys"}
		}
		e := &Environment{Name: name, Owner: c.Owner, Values: rel(re.Values), Overlay: rel(re.Overlay)}
		if e.Target, err = resolveTarget(re.Target, file, at+"/target", rel); err != nil {
			return nil, err
		}
		if re.Owner != "" {
			if !ownerRE.MatchString(re.Owner) {
				return nil, spec.Problem{File: file, Path: at + "/owner", Message: fmt.Sprintf("owner %q must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit", re.Owner)}
			}
			e.Owner = re.Owner
		}
		c.Environments[name] = e
	}
	c.Watch = Watch{Debounce: or(r.Watch.Debounce.d, DefaultDebounce), Resync: or(r.Watch.Resync.d, DefaultResync), Listen: r.Watch.Listen}
	if c.Watch.Listen == "" {
		c.Watch.Listen = DefaultListen
	}
	return c, nil
}

// resolveTarget checks a target block; none is the default local org.
func resolveTarget(t *rawTarget, file, at string, rel func(string) string) (Target, error) {
	if t == nil {
		t = &rawTarget{}
	}
	switch {
	case t.Local != nil && t.Genesys != nil:
		return Target{}, spec.Problem{File: file, Path: at, Message: "give exactly one target: local or genesys"}
	case t.Genesys != nil:
		g := t.Genesys
		if (g.Region == "") == (g.APIURL == "") {
			return Target{}, spec.Problem{File: file, Path: at + "/genesys", Message: "give exactly one of region and apiUrl"}
		}
		if g.RequestsPerMinute < 0 {
			return Target{}, spec.Problem{File: file, Path: at + "/genesys/requestsPerMinute", Message: "must be positive"}
		}
		return Target{Genesys: &Genesys{Region: g.Region, APIURL: g.APIURL, TokenURL: g.TokenURL, RequestsPerMinute: g.RequestsPerMinute,
			RetryBudget: g.RetryBudget.d}}, nil
	}
	p := DefaultOrgPath
	if t.Local != nil && t.Local.Path != "" {
		p = t.Local.Path
	}
	return Target{Local: &Local{Path: rel(p)}}, nil
}

// envNameRE is what an environment may be called: it is a flag value and
// a metric label.
var envNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,62}$`)

func or(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

var lineRE = regexp.MustCompile(`line (\d+)`)

func errLine(err error) int {
	if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

var (
	yamlPrefix   = regexp.MustCompile(`^yaml: (unmarshal errors:\n\s*)?(line \d+: )?`)
	unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)
)

// trimYAML words a decoding error for people: no "yaml:" prefix, no
// repeated line number (the problem carries it), no Go type names.
func trimYAML(err error) string {
	msg := yamlPrefix.ReplaceAllString(err.Error(), "")
	return unknownField.ReplaceAllString(msg, `unknown key "$1"`)
}
