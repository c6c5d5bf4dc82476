package daemon

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/reconcile-dev/reconcile/reconcile/render"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// metrics are the daemon's Prometheus metrics, in a registry of their own.
type metrics struct {
	registry    *prometheus.Registry
	runs        *prometheus.CounterVec
	lastSuccess prometheus.Gauge
	pending     prometheus.Gauge
	specErrors  prometheus.Gauge
	orphans     prometheus.Gauge
	api         *prometheus.CounterVec
	duration    prometheus.Histogram
}

// newMetrics makes the metrics; env, when not empty, labels every
// reconcile_ metric with the environment the daemon reconciles.
func newMetrics(env string) *metrics {
	var labels prometheus.Labels
	if env != "" {
		labels = prometheus.Labels{"env": env}
	}
	m := &metrics{
		registry: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reconcile_runs_total", ConstLabels: labels,
			Help: "Reconciles by result (success or error), including those that change nothing."}, []string{"result"}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "reconcile_last_success_timestamp_seconds", ConstLabels: labels,
			Help: "Unix time of the last successful reconcile."}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "reconcile_pending_changes", ConstLabels: labels,
			Help: "Changes planned by the last reconcile and not applied (all of them in a dry run)."}),
		specErrors: prometheus.NewGauge(prometheus.GaugeOpts{Name: "reconcile_spec_errors", ConstLabels: labels,
			Help: "Problems found in the spec directory by the last reconcile."}),
		orphans: prometheus.NewGauge(prometheus.GaugeOpts{Name: "reconcile_orphans", ConstLabels: labels,
			Help: "Integrations this deployment's owner created that no spec names, as of the last plan."}),
		api: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reconcile_api_requests_total", ConstLabels: labels,
			Help: "Requests to the Genesys Cloud API by method and status code (error: no answer)."}, []string{"method", "code"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "reconcile_run_duration_seconds", ConstLabels: labels,
			Help: "Duration of each reconcile.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}),
	}
	m.registry.MustRegister(m.runs, m.lastSuccess, m.pending, m.specErrors, m.orphans, m.api, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.runs.WithLabelValues("success")
	m.runs.WithLabelValues("error")
	return m
}

func (m *metrics) observe(r render.Report, elapsed time.Duration) {
	m.duration.Observe(elapsed.Seconds())
	result := "success"
	if r.Err != nil {
		result = "error"
	} else {
		m.lastSuccess.SetToCurrentTime()
	}
	m.runs.WithLabelValues(result).Inc()
	problems := 0
	if ps, ok := spec.AsProblems(r.Err); ok {
		problems = len(ps)
	}
	m.specErrors.Set(float64(problems))
	pending := len(r.Plan.Changes)
	if r.Result != nil {
		pending -= len(r.Result.Applied)
	}
	m.pending.Set(float64(pending))
	if r.Planned {
		m.orphans.Set(float64(len(r.Plan.Orphans)))
	}
	for k, n := range r.APIRequests {
		method, code, _ := strings.Cut(k, " ")
		m.api.WithLabelValues(method, code).Add(float64(n))
	}
}
