// Package daemon runs reconcile --watch: the watch loop around the engine,
// with /healthz, /readyz and Prometheus /metrics.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/reconcile-dev/reconcile/reconcile/engine"
	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/reconcile/watch"
)

// Daemon is the long-running reconcile.
type Daemon struct {
	Engine *engine.Engine
	DryRun bool
	Watch  watch.Options
	Listen string // address of /healthz, /readyz, /metrics
	Log    *slog.Logger
	// Print shows each reconcile's outcome on stdout.
	Print func(render.Report)
	// Env names the environment reconciled, for the metrics' env label;
	// empty when the configuration has none.
	Env string
	// Also lists more folders whose changes start a reconcile: the
	// environment's overlay and the folder of its values file.
	Also []string

	metrics *metrics
	ready   atomic.Bool
	runs    int
	// changed is set when a watched folder signals a change, and cleared
	// as a run starts; failed says the last run failed. Both tell why a
	// run starts (trigger).
	changed atomic.Bool
	failed  bool
	trees   []*watch.Tree // the watched folders, which say what changed
}

// maxLoggedFiles bounds the changed files a run's log line names.
const maxLoggedFiles = 20

// changedFiles names the files whose change starts a run, as the log shows
// them: paths under the folder watched, at most maxLoggedFiles and a count.
func (d *Daemon) changedFiles() []string {
	var out []string
	for _, t := range d.trees {
		out = append(out, t.Changed()...)
	}
	if len(out) > maxLoggedFiles {
		out = append(out[:maxLoggedFiles], fmt.Sprintf("and %d more", len(out)-maxLoggedFiles))
	}
	return out
}

// ShutdownTimeout bounds the HTTP server's shutdown.
const ShutdownTimeout = 5 * time.Second

// Run serves and reconciles until ctx is done. It fails only at start: when
// the listen address cannot be bound or the spec directory watched; after
// that, errors of specs or the org are logged and retried, never fatal.
func (d *Daemon) Run(ctx context.Context) error {
	d.metrics = newMetrics(d.Env)
	ln, err := net.Listen("tcp", d.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s for /healthz, /readyz and /metrics: %w", d.Listen, err)
	}
	var changes []<-chan struct{}
	for _, dir := range append([]string{d.Engine.Specs}, d.Also...) {
		tree, err := watch.NewTree(dir, d.Log)
		if err != nil {
			ln.Close()
			return fmt.Errorf("cannot watch %s: %w", dir, err)
		}
		defer tree.Close()
		changes = append(changes, tree.Changes())
		d.trees = append(d.trees, tree)
	}
	srv := &http.Server{Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	d.Log.Info("watching", "specs", d.Engine.Specs, "listen", ln.Addr().String(),
		slog.String("debounce", d.Watch.Debounce.String()), slog.String("resync", d.Watch.Resync.String()), "dryRun", d.DryRun)

	var fanned sync.WaitGroup
	watch.Loop(ctx, d.fanIn(ctx, changes, &fanned), d.Watch, d.once)
	fanned.Wait()

	shutdown, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutdown)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	d.Log.Info("stopped")
	return err
}

// fanIn merges change signals into one channel, until ctx is done,
// noting each in d.changed; wg counts its goroutines.
func (d *Daemon) fanIn(ctx context.Context, chans []<-chan struct{}, wg *sync.WaitGroup) <-chan struct{} {
	out := make(chan struct{}, 1)
	for _, c := range chans {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case _, ok := <-c:
					if !ok {
						return
					}
					d.changed.Store(true)
					select {
					case out <- struct{}{}:
					default: // one pending signal is enough
					}
				}
			}
		})
	}
	return out
}

func (d *Daemon) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !d.ready.Load() {
			http.Error(w, "not ready: no reconcile has succeeded yet, or the last one failed", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.metrics.registry, promhttp.HandlerOpts{}))
	return mux
}

// trigger says why the run starting now runs: "start" (the first run),
// "change" (a watched folder changed since the last run), "retry" (the
// last run failed, and nothing changed since) or "resync" (none of
// these). The watch loop knows but does not say; this is told from what
// the daemon sees, so a resync due after a failure counts as a retry, and
// one due after a change as a change (the run reads that change anyway).
func (d *Daemon) trigger() string {
	changed := d.changed.Swap(false)
	switch {
	case d.runs == 1:
		return "start"
	case changed:
		return "change"
	case d.failed:
		return "retry"
	}
	return "resync"
}

// once is one reconcile, as the loop calls it. Every line it and the
// engine log carries the run's number and trigger. A failed run logs one
// error line, the engine's "reconcile failed" with the cause; when the
// cause is spec problems, that line counts them and each has a line of
// its own. A run abandoned at shutdown logs no error.
func (d *Daemon) once(ctx context.Context) error {
	d.runs++
	trigger := d.trigger()
	log := d.Log.With("run", d.runs, "trigger", trigger)
	if files := d.changedFiles(); trigger == "change" && len(files) > 0 {
		log = log.With("files", files)
	}
	d.Engine.Log = log // reconciles never overlap: the loop runs one at a time
	start := time.Now()
	r := d.Engine.Reconcile(ctx, d.DryRun)
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the run was abandoned, not failed
	}
	d.metrics.observe(r, time.Since(start))
	if d.Print != nil {
		d.Print(r)
	}
	d.failed = r.Err != nil
	if r.Err != nil {
		d.ready.Store(false)
		// The engine logged the failure with its cause; spec problems get
		// a line each here.
		if ps, ok := spec.AsProblems(r.Err); ok {
			for _, p := range ps {
				log.Error("spec error", "file", p.File, "line", p.Line, "column", p.Column, "path", p.Path, "message", p.Message)
			}
		}
		return r.Err
	}
	d.ready.Store(true)
	return nil
}
