package genesys_test

import (
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/plan"
	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestActionsInSyncAreNotReadOneByOne: once reconcile published them, a
// run reads no action's contract (the record says what each is), while a
// first run over actions it has no record of reads each once.
func TestActionsInSyncAreNotReadOneByOne(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	specs := withActions(manySpecs(12), 3)
	if _, err := e.reconcile(t, specs, plan.Options{}, false); err != nil {
		t.Fatal(err)
	}
	const one = "GET /api/v2/integrations/actions/{id}"
	before := e.emu.Stats().Requests[one]
	p, err := e.reconcile(t, specs, plan.Options{}, true)
	if err != nil || !p.Empty() {
		t.Fatalf("not in sync: %v %v", p.ActionSummary(), err)
	}
	if got := e.emu.Stats().Requests[one] - before; got != 0 {
		t.Errorf("a run in sync read %d actions one by one, want 0", got)
	}
}
