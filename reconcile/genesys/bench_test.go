package genesys_test

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

var pacedRate = flag.Int("genesys.rate", 3000, "requests per minute for BenchmarkApplyPaced (300 is the real figure; 250 integrations then take about 4 minutes)")

// manySpecs returns n specs within the per-type limits (google allows 100,
// salesforce and web services 50 each, the rest 10).
func manySpecs(n int) []*spec.Spec {
	var out []*spec.Spec
	counts := map[string]int{}
	kinds := []struct {
		typ, cred string
		fields    func(i int) map[string]any
	}{
		{"google", "cloud-platform", func(i int) map[string]any {
			return map[string]any{"clientId": "1", "clientEmail": "a@example.com", "privateKeyId": "k", "privateKey": spec.NewSecret(fmt.Sprint("pem-SECRET-", i))}
		}},
		{"salesforce", "salesforce", func(i int) map[string]any {
			return map[string]any{"userName": "u", "password": spec.NewSecret(fmt.Sprint("pw-SECRET-", i)), "securityToken": spec.NewSecret("t-SECRET"), "loginUrl": "https://login.salesforce.com"}
		}},
		{"web-services", "basic", func(i int) map[string]any {
			return map[string]any{"userName": "u", "password": spec.NewSecret(fmt.Sprint("pw-SECRET-", i))}
		}},
		{"zendesk", "zendesk", func(i int) map[string]any {
			return map[string]any{"email": "a@example.com", "baseServiceUrl": "https://a.zendesk.com", "apiToken": spec.NewSecret(fmt.Sprint("t-SECRET-", i))}
		}},
		{"aws-lambda", "aws-lambda", func(i int) map[string]any {
			return map[string]any{"roleArn": fmt.Sprintf("arn:aws:iam::123456789012:role/r%d", i)}
		}},
		{"genesys-cloud", "genesys-cloud", func(i int) map[string]any {
			return map[string]any{"clientId": "0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83", "clientSecret": spec.NewSecret(fmt.Sprint("cs-SECRET-", i))}
		}},
		{"microsoft-dynamics-365", "microsoft-dynamics-365", func(i int) map[string]any {
			return map[string]any{"userName": "u", "password": spec.NewSecret(fmt.Sprint("pw-SECRET-", i)), "organizationUrl": "https://x.crm.dynamics.com", "applicationId": "0b5e8d2c-3f4a-4e1b-9c7d-2a6f1e0d9b83"}
		}},
		{"genesys-cloud-function", "genesys-cloud-function", func(i int) map[string]any {
			return map[string]any{"fields": map[string]any{"k": spec.NewSecret(fmt.Sprint("fn-SECRET-", i))}}
		}},
	}
	room := 0
	for _, k := range kinds {
		v, _ := spec.LookupVendor(k.typ)
		room += v.Limit
	}
	if n > room {
		panic(fmt.Sprintf("manySpecs: %d specs do not fit one org's limits (%d)", n, room))
	}
	for i := 0; len(out) < n; i++ {
		k := kinds[i%len(kinds)]
		if v, _ := spec.LookupVendor(k.typ); counts[k.typ] == v.Limit {
			continue
		}
		counts[k.typ]++
		s := &spec.Spec{File: fmt.Sprintf("%04d.yaml", i), Name: fmt.Sprintf("Integration %04d", i), Type: k.typ, Active: true,
			Credential: &spec.Credential{Type: k.cred, Fields: k.fields(i)}}
		if k.typ == "web-services" {
			s.MTLS = "genesys-cloud"
		}
		out = append(out, s)
	}
	return out
}

// BenchmarkNoOpCalls: API calls of a run that finds 250 integrations in
// sync (token, discovery and the bulk listings). Goal: at most 10.
func BenchmarkNoOpCalls(b *testing.B) {
	e := newEnv(b, genesyscloud.Options{})
	specs := manySpecs(250)
	if _, err := e.reconcile(b, specs, plan.Options{}, false); err != nil {
		b.Fatal(err)
	}
	var c calls
	for b.Loop() {
		before := e.emu.Stats()
		p, err := e.reconcile(b, specs, plan.Options{}, false)
		if err != nil || !p.Empty() {
			b.Fatalf("not a no-op: %v %v", p.Summary(), err)
		}
		c = since(before, e.emu.Stats())
	}
	b.ReportMetric(float64(c.all), "calls/run")
	b.ReportMetric(float64(c.writes), "writes/run")
}

// BenchmarkCreateOneCalls: calls to create one active integration with a
// credential: the whole run, and its apply alone (after observing), which
// is what the Terraform provider's 9 calls count. Goal: 4 writes, at most
// 8 calls to apply.
func BenchmarkCreateOneCalls(b *testing.B) {
	var c, a calls
	for b.Loop() {
		e := newEnv(b, genesyscloud.Options{}) // an empty org each time
		before := e.emu.Stats()
		if _, err := e.reconcile(b, manySpecs(1), plan.Options{}, false); err != nil {
			b.Fatal(err)
		}
		c, a = since(before, e.emu.Stats()), since(e.beforeApply, e.emu.Stats())
	}
	b.ReportMetric(float64(c.all), "calls/run")
	b.ReportMetric(float64(a.all), "apply-calls/create")
	b.ReportMetric(float64(c.writes), "writes/create")
}

// BenchmarkApplyPaced: applying 250 new integrations under the client's
// rate limit, as a ratio to the floor (the calls made divided by the
// rate): 1.0 means the apply spent no time beyond what the limit forces.
func BenchmarkApplyPaced(b *testing.B) {
	specs := manySpecs(250)
	for b.Loop() {
		e := newEnv(b, genesyscloud.Options{})
		e.opts.RequestsPerMinute = *pacedRate
		start := time.Now()
		before := e.emu.Stats()
		if _, err := e.reconcile(b, specs, plan.Options{}, false); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		c := since(before, e.emu.Stats())
		floor := time.Duration(float64(c.all) / float64(*pacedRate) * float64(time.Minute))
		b.ReportMetric(float64(c.all), "calls")
		// The write floor: 4 writes an integration (POST integration, POST
		// credential, PUT configuration, PATCH). Goal: at most 1.3x.
		b.ReportMetric(float64(c.all)/float64(4*len(specs)), "x-write-floor")
		b.ReportMetric(elapsed.Seconds()/floor.Seconds(), "x-floor")
	}
}

// withActions gives each web-services spec of specs n data actions.
func withActions(specs []*spec.Spec, n int) []*spec.Spec {
	for _, s := range specs {
		if s.Type != "web-services" {
			continue
		}
		s.Actions = nil
		for j := range n {
			s.Actions = append(s.Actions, spec.Action{Name: fmt.Sprintf("Action %d", j), Category: "Bench", Index: j,
				Config: map[string]any{"request": map[string]any{"requestUrlTemplate": fmt.Sprintf("http://127.0.0.1:9/a/%d", j), "requestType": "GET"}},
				Contract: map[string]any{"input": map[string]any{"inputSchema": map[string]any{"type": "object"}},
					"output": map[string]any{"successSchema": map[string]any{"type": "object"}}}})
		}
	}
	return specs
}

// BenchmarkNoOpCallsWithActions: the calls of a run in sync when its 50
// web-services integrations hold 4 data actions each (200 actions), as a
// ratio to the same run without actions: the record tells each action is
// as published, so no action is read one by one. Goal: the listing's
// extra pages only.
func BenchmarkNoOpCallsWithActions(b *testing.B) {
	measure := func(actions int) calls {
		e := newEnv(b, genesyscloud.Options{})
		specs := withActions(manySpecs(250), actions)
		if _, err := e.reconcile(b, specs, plan.Options{}, false); err != nil {
			b.Fatal(err)
		}
		before := e.emu.Stats()
		p, err := e.reconcile(b, specs, plan.Options{}, false)
		if err != nil || !p.Empty() {
			b.Fatalf("not a no-op: %v %v", p.ActionSummary(), err)
		}
		return since(before, e.emu.Stats())
	}
	var base, with calls
	for b.Loop() {
		base, with = measure(0), measure(4)
	}
	b.ReportMetric(float64(with.all), "calls/run")
	b.ReportMetric(float64(with.all)/float64(base.all), "x-without-actions")
	b.ReportMetric(float64(with.writes), "writes/run")
}

// BenchmarkCreateOneActionCalls: the apply calls to add one data action
// to an integration in sync: list the drafts, post one, publish it, and
// record it in the configuration.
func BenchmarkCreateOneActionCalls(b *testing.B) {
	var a calls
	for b.Loop() {
		e := newEnv(b, genesyscloud.Options{})
		specs := manySpecs(1)
		specs[0].Type = "web-services"
		specs[0].Credential = nil
		if _, err := e.reconcile(b, specs, plan.Options{}, false); err != nil {
			b.Fatal(err)
		}
		if _, err := e.reconcile(b, withActions(specs, 1), plan.Options{}, false); err != nil {
			b.Fatal(err)
		}
		a = since(e.beforeApply, e.emu.Stats())
	}
	b.ReportMetric(float64(a.all), "apply-calls/action")
	b.ReportMetric(float64(a.writes), "writes/action")
}
