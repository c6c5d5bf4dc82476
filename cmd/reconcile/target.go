package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/reconcile-dev/reconcile/reconcile/config"
	"github.com/reconcile-dev/reconcile/reconcile/engine"
	"github.com/reconcile-dev/reconcile/reconcile/fingerprint"
	"github.com/reconcile-dev/reconcile/reconcile/genesys"
	"github.com/reconcile-dev/reconcile/reconcile/org/local"
	"github.com/reconcile-dev/reconcile/reconcile/safefile"
)

// opener returns how to open the configured target.
func opener(cfg *config.Config, log *slog.Logger) (func(context.Context, bool) (engine.Org, error), error) {
	if g := cfg.Target.Genesys; g != nil {
		opts := genesysOptions(cfg, log)
		if _, _, err := opts.Endpoints(); err != nil {
			return nil, err
		}
		return func(ctx context.Context, readOnly bool) (engine.Org, error) {
			return genesys.Open(ctx, opts, readOnly)
		}, nil
	}
	path := cfg.Target.Local.Path
	return func(_ context.Context, readOnly bool) (engine.Org, error) {
		return local.Open(path, readOnly)
	}, nil
}

// targetName names the configured org in a saved plan: a plan made for
// one org is never applied to another.
func targetName(cfg *config.Config) string {
	if g := cfg.Target.Genesys; g != nil {
		api, _, _ := genesysOptions(cfg, nil).Endpoints()
		return "genesys " + api
	}
	return "local " + filepath.ToSlash(filepath.Clean(cfg.Target.Local.Path))
}

// genesysOptions are the client options of the configured Genesys target,
// with the client id and secret from the process environment.
func genesysOptions(cfg *config.Config, log *slog.Logger) genesys.Options {
	g := cfg.Target.Genesys
	return genesys.Options{Region: g.Region, APIURL: g.APIURL, TokenURL: g.TokenURL, RequestsPerMinute: g.RequestsPerMinute,
		RetryBudget: g.RetryBudget, Log: log,
		ClientID: credentialEnv(cfg, "GENESYS_CLIENT_ID"), ClientSecret: credentialEnv(cfg, "GENESYS_CLIENT_SECRET")}
}

// credentialEnv reads a credential from the process environment: for an
// environment named prod, PREFIX_PROD first (each org has its own OAuth
// client), then PREFIX.
func credentialEnv(cfg *config.Config, prefix string) string {
	if cfg.Env != nil {
		suffix := strings.ToUpper(strings.ReplaceAll(cfg.Env.Name, "-", "_"))
		if v := os.Getenv(prefix + "_" + suffix); v != "" {
			return v
		}
	}
	return os.Getenv(prefix)
}

// KeyFileName is the local org's generated fingerprint key, beside the org
// file.
const KeyFileName = "fingerprint.key"

// keySource returns how to find the fingerprint key: RECONCILE_FINGERPRINT_KEY,
// else the configured key file, else, for Genesys, one derived from the
// client secret, and for the local org a key generated once beside the
// org file, if that file is missing or JSON.
func keySource(cfg *config.Config, log *slog.Logger) func(dryRun bool) (fingerprint.Key, error) {
	return func(dryRun bool) (fingerprint.Key, error) {
		if v := os.Getenv("RECONCILE_FINGERPRINT_KEY"); v != "" {
			return fingerprint.NewKey([]byte(v))
		}
		if cfg.FingerprintKeyFile != "" {
			return fingerprint.ReadFile(cfg.FingerprintKeyFile)
		}
		if cfg.Target.Genesys != nil {
			secret := credentialEnv(cfg, "GENESYS_CLIENT_SECRET")
			if secret == "" {
				return fingerprint.Key{}, errors.New("the genesys target needs GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET")
			}
			return fingerprint.Derive(secret), nil
		}
		orgPath := cfg.Target.Local.Path
		path := filepath.Join(filepath.Dir(orgPath), KeyFileName)
		if _, err := os.Lstat(path); !dryRun && errors.Is(err, fs.ErrNotExist) {
			// Nothing is written beside an org file that Open will refuse.
			b, err := safefile.ReadFile(orgPath, local.MaxFileSize)
			switch {
			case errors.Is(err, fs.ErrNotExist):
			case err != nil:
				return fingerprint.Key{}, err
			case !json.Valid(b):
				return fingerprint.Key{}, fmt.Errorf("the local org %s is not valid JSON; reconcile will not overwrite it, nor generate a fingerprint key beside it", orgPath)
			}
		}
		k, created, err := fingerprint.LoadOrCreate(path, !dryRun)
		switch {
		case errors.Is(err, fingerprint.ErrNoKeyFile):
			log.Info("no fingerprint key yet: this dry run uses a throwaway one, and the first real run generates it", "path", path)
			return fingerprint.Generate(), nil
		case err != nil:
			return fingerprint.Key{}, err
		case created:
			log.Info("generated the fingerprint key of the local org (mode 0600); keep it beside the org file", "path", path)
		}
		return k, nil
	}
}
