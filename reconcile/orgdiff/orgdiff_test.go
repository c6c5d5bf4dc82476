package orgdiff_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/org"
	"github.com/reconcile-dev/reconcile/reconcile/orgdiff"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the output")

// integration returns an active integration; with a credential type, it
// holds a credential of that type with fingerprint fp, and a record of it
// with fingerprint recordFP and the given readable fields (and a secret).
func integration(id, name, typ, notes, credType, fp, recordFP string, fields map[string]any) org.Integration {
	i := org.Integration{ID: id, Name: name, Type: typ, Notes: notes, Active: true, Owner: "owner-" + id, Actions: len(id)}
	if credType == "" {
		return i
	}
	i.Credential = &org.Credential{ID: "cred-" + id, Type: credType, Fingerprint: fp}
	i.Applied = &org.Record{Name: name, Notes: notes, Active: true, Credential: &org.RecordCredential{
		Type: credType, Fingerprint: recordFP, Fields: fields, Secrets: map[string]string{"password": "SECRET-" + id},
	}}
	return i
}

// zendesk is a Zendesk integration whose record describes its credential.
func zendesk(id, name, notes, url string) org.Integration {
	fp := "SECRET-fp-" + id
	return integration(id, name, "zendesk", notes, "basic", fp, fp, map[string]any{"baseServiceUrl": url, "userName": "bot"})
}

func lambda(id, name string) org.Integration {
	return integration(id, name, "aws-lambda", "", "", "", "", nil)
}

// rich is one pair of orgs with something of every kind.
func rich() (test, prod org.State) {
	test = org.State{Integrations: []org.Integration{
		zendesk("t1", "Zendesk Support", "Tier 1", "https://acme-test.zendesk.com"),
		lambda("t2", "Sandbox Lookup"),
		lambda("t3", "Order Lookup"),
		lambda("t4", "shared"),
		lambda("t5", "Twice"),
		lambda("t6", "twice"),
		lambda("t8", "Same"),
		{ID: "t7", Name: "Web <Hooks> & Co", Type: "web-services", MTLS: "genesys-cloud", Active: true},
	}}
	prod = org.State{Integrations: []org.Integration{
		zendesk("p1", "Zendesk Support", "Tier 1 and 2", "https://acme.zendesk.com"),
		lambda("p3", "order lookup"),
		zendesk("p4", "Shared", "", "https://x"),
		lambda("p5", "Twice"),
		{ID: "p7", Name: "Web <Hooks> & Co", Type: "web-services", MTLS: "digicert", Active: false},
		lambda("p8", "Prod Only"),
		lambda("p9", "Same"),
	}, Limits: map[string]int{"zendesk": 1}}
	return test, prod
}

func TestCompare(t *testing.T) {
	richTest, richProd := rich()
	handFP := zendesk("p1", "Z", "", "https://acme.zendesk.com")
	handFP.Credential.Fingerprint = "SECRET-by-hand" // replaced by hand: the record no longer describes it
	handType := integration("p1", "Z", "zendesk", "", "oauth", "SECRET-by-hand", "SECRET-old", map[string]any{"baseServiceUrl": "https://other"})
	noFP := zendesk("p1", "Z", "", "https://other")
	noFP.Credential.Fingerprint, noFP.Applied.Credential.Fingerprint = "", ""
	noCred := lambda("p1", "Z")
	noCred.Type = "zendesk"
	moreFields := zendesk("p1", "Z", "", "https://acme.zendesk.com")
	moreFields.Applied.Credential.Fields["scopes"] = []any{"read", "write"}
	moreFields.Applied.Credential.Fields["port"] = float64(443) // as read back from JSON
	withPort := zendesk("t1", "Z", "", "https://acme.zendesk.com")
	withPort.Applied.Credential.Fields["port"] = 443

	for _, tc := range []struct {
		name       string
		test, prod []org.Integration
		want       orgdiff.Diff
	}{{
		name: "two attributes differ, one only on one side",
		test: []org.Integration{zendesk("t1", "Zendesk Support", "Tier 1", "https://acme-test.zendesk.com"), lambda("t2", "Sandbox Lookup"), lambda("t3", "Same")},
		prod: []org.Integration{zendesk("p1", "Zendesk Support", "Tier 1 and 2", "https://acme.zendesk.com"), lambda("p3", "Same")},
		want: orgdiff.Diff{
			Differ: []orgdiff.Integration{{Name: "Zendesk Support", Type: "zendesk", Attributes: []orgdiff.Attribute{
				{Name: "credentials.baseServiceUrl", Left: "https://acme-test.zendesk.com", Right: "https://acme.zendesk.com"},
				{Name: "notes", Left: "Tier 1", Right: "Tier 1 and 2"},
			}}},
			OnlyLeft: []orgdiff.Only{{Name: "Sandbox Lookup", Type: "aws-lambda", ID: "t2"}},
			Same:     1,
		},
	}, {
		name: "names differing in case match, and differ",
		test: []org.Integration{lambda("t1", "Zendesk")},
		prod: []org.Integration{lambda("p1", "zendesk")},
		want: orgdiff.Diff{Differ: []orgdiff.Integration{{Name: "Zendesk", Type: "aws-lambda", Attributes: []orgdiff.Attribute{
			{Name: "name", Left: "Zendesk", Right: "zendesk"},
		}}}},
	}, {
		name: "a name held by two types is two one-sided integrations",
		test: []org.Integration{lambda("t1", "Lookup")},
		prod: []org.Integration{zendesk("p1", "Lookup", "", "https://x")},
		want: orgdiff.Diff{
			OnlyLeft:  []orgdiff.Only{{Name: "Lookup", Type: "aws-lambda", ID: "t1"}},
			OnlyRight: []orgdiff.Only{{Name: "Lookup", Type: "zendesk", ID: "p1"}},
		},
	}, {
		name: "a field missing on one side is nil; numbers compare as JSON",
		test: []org.Integration{withPort},
		prod: []org.Integration{moreFields},
		want: orgdiff.Diff{Differ: []orgdiff.Integration{{Name: "Z", Type: "zendesk", Attributes: []orgdiff.Attribute{
			{Name: "credentials.scopes", Left: nil, Right: []any{"read", "write"}},
		}}}},
	}, {
		name: "a credential replaced by hand is not compared field by field",
		test: []org.Integration{zendesk("t1", "Z", "", "https://acme-test.zendesk.com")},
		prod: []org.Integration{handFP},
		want: orgdiff.Diff{Same: 1},
	}, {
		name: "a credential replaced by hand still compares its type",
		test: []org.Integration{zendesk("t1", "Z", "", "https://acme-test.zendesk.com")},
		prod: []org.Integration{handType},
		want: orgdiff.Diff{Differ: []orgdiff.Integration{{Name: "Z", Type: "zendesk", Attributes: []orgdiff.Attribute{
			{Name: "credentials.type", Left: "basic", Right: "oauth"},
		}}}},
	}, {
		name: "a credential without fingerprints is not compared field by field",
		test: []org.Integration{zendesk("t1", "Z", "", "https://acme-test.zendesk.com")},
		prod: []org.Integration{noFP},
		want: orgdiff.Diff{Same: 1},
	}, {
		name: "no credential on one side",
		test: []org.Integration{zendesk("t1", "Z", "", "https://acme-test.zendesk.com")},
		prod: []org.Integration{noCred},
		want: orgdiff.Diff{Differ: []orgdiff.Integration{{Name: "Z", Type: "zendesk", Attributes: []orgdiff.Attribute{
			{Name: "credentials.type", Left: "basic", Right: nil},
		}}}},
	}, {
		name: "duplicates matched on the other side are ambiguous",
		test: []org.Integration{lambda("t2", "twice"), lambda("t1", "Twice"), lambda("t3", "Once")},
		prod: []org.Integration{lambda("p1", "TWICE"), lambda("p3", "Once"), lambda("p4", "Once")},
		want: orgdiff.Diff{Ambiguous: []orgdiff.Ambiguous{
			{Name: "Once", Type: "aws-lambda", Left: []string{"t3"}, Right: []string{"p3", "p4"}},
			{Name: "TWICE", Type: "aws-lambda", Left: []string{"t1", "t2"}, Right: []string{"p1"}},
		}},
	}, {
		name: "duplicates the other side lacks are each one-sided",
		test: []org.Integration{lambda("t2", "Twice"), lambda("t1", "Twice")},
		want: orgdiff.Diff{OnlyLeft: []orgdiff.Only{{Name: "Twice", Type: "aws-lambda", ID: "t1"}, {Name: "Twice", Type: "aws-lambda", ID: "t2"}}},
	}, {
		name: "ids, owners, actions and pending are not compared",
		test: []org.Integration{{ID: "t1", Name: "A", Type: "aws-lambda", Owner: "x", Actions: 3}},
		prod: []org.Integration{{ID: "p1", Name: "A", Type: "aws-lambda", Owner: "y", Pending: true}},
		want: orgdiff.Diff{Same: 1},
	}, {
		name: "rich",
		test: richTest.Integrations,
		prod: richProd.Integrations,
		want: orgdiff.Diff{
			Differ: []orgdiff.Integration{
				{Name: "Order Lookup", Type: "aws-lambda", Attributes: []orgdiff.Attribute{{Name: "name", Left: "Order Lookup", Right: "order lookup"}}},
				{Name: "Web <Hooks> & Co", Type: "web-services", Attributes: []orgdiff.Attribute{
					{Name: "active", Left: true, Right: false},
					{Name: "mtls", Left: "genesys-cloud", Right: "digicert"},
				}},
				{Name: "Zendesk Support", Type: "zendesk", Attributes: []orgdiff.Attribute{
					{Name: "credentials.baseServiceUrl", Left: "https://acme-test.zendesk.com", Right: "https://acme.zendesk.com"},
					{Name: "notes", Left: "Tier 1", Right: "Tier 1 and 2"},
				}},
			},
			OnlyLeft:  []orgdiff.Only{{Name: "Sandbox Lookup", Type: "aws-lambda", ID: "t2"}, {Name: "shared", Type: "aws-lambda", ID: "t4"}},
			OnlyRight: []orgdiff.Only{{Name: "Prod Only", Type: "aws-lambda", ID: "p8"}, {Name: "Shared", Type: "zendesk", ID: "p4"}},
			Ambiguous: []orgdiff.Ambiguous{{Name: "Twice", Type: "aws-lambda", Left: []string{"t5", "t6"}, Right: []string{"p5"}}},
			Same:      1,
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.Left, tc.want.Right = "test", "prod"
			got := orgdiff.Compare("test", org.State{Integrations: tc.test}, "prod", org.State{Integrations: tc.prod})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Compare (-want +got):\n%s", diff)
			}
			var out bytes.Buffer
			orgdiff.Text(&out, got)
			if err := orgdiff.JSON(&out, got); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "SECRET") {
				t.Errorf("a secret or a fingerprint is printed:\n%s", out.String())
			}
		})
	}
}

func TestGolden(t *testing.T) {
	test, prod := rich()
	d := orgdiff.Compare("test", test, "prod", prod)
	var text, js bytes.Buffer
	orgdiff.Text(&text, d)
	if err := orgdiff.JSON(&js, d); err != nil {
		t.Fatal(err)
	}
	for file, got := range map[string]string{"rich.txt.golden": text.String(), "rich.json.golden": js.String()} {
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", file, diff)
		}
		if strings.Contains(got, "SECRET") {
			t.Errorf("%s prints a secret or a fingerprint:\n%s", file, got)
		}
	}
	if n := strings.Count(js.String(), "\n"); n != 1 {
		t.Errorf("JSON is %d lines, want 1", n)
	}
}

func TestEmpty(t *testing.T) {
	a := []org.Integration{zendesk("t1", "Zendesk Support", "Tier 1", "https://x"), lambda("t2", "Lookup")}
	b := []org.Integration{zendesk("p1", "Zendesk Support", "Tier 1", "https://x"), lambda("p2", "lookup")}
	for _, tc := range []struct {
		name       string
		test, prod []org.Integration
		empty      bool
		text, json string
	}{{
		name: "same", test: a, prod: a, empty: true,
		text: "reconcile diff test prod: the two orgs hold the same integrations (2).\n",
		json: `{"formatVersion":1,"left":"test","right":"prod","differ":[],"onlyLeft":[],"onlyRight":[],"ambiguous":[],"same":2}` + "\n",
	}, {
		name: "none", empty: true,
		text: "reconcile diff test prod: the two orgs hold the same integrations (0).\n",
		json: `{"formatVersion":1,"left":"test","right":"prod","differ":[],"onlyLeft":[],"onlyRight":[],"ambiguous":[],"same":0}` + "\n",
	}, {
		name: "a name's case", test: a, prod: b,
		text: "reconcile diff test prod: 1 integration differs, 0 only in test, 0 only in prod (1 the same).\n\n" +
			"  ~ Lookup (aws-lambda)\n      name: \"Lookup\" (test) ≠ \"lookup\" (prod)\n",
		json: `{"formatVersion":1,"left":"test","right":"prod","differ":[{"name":"Lookup","type":"aws-lambda","attributes":[{"name":"name","left":"Lookup","right":"lookup"}]}],"onlyLeft":[],"onlyRight":[],"ambiguous":[],"same":1}` + "\n",
	}, {
		name: "one-sided", prod: a[1:],
		text: "reconcile diff test prod: 0 integrations differ, 0 only in test, 1 only in prod (0 the same).\n\n" +
			"  > Lookup (aws-lambda): only in prod\n",
		json: `{"formatVersion":1,"left":"test","right":"prod","differ":[],"onlyLeft":[],"onlyRight":[{"name":"Lookup","type":"aws-lambda","id":"t2"}],"ambiguous":[],"same":0}` + "\n",
	}, {
		name: "ambiguous", test: append(a[1:], b[1:]...), prod: a[1:],
		text: "reconcile diff test prod: 0 integrations differ, 0 only in test, 0 only in prod, 1 ambiguous (0 the same).\n\n" +
			"  ? Lookup (aws-lambda): ambiguous, not compared (ids in test: t2, p2; in prod: t2)\n",
		json: `{"formatVersion":1,"left":"test","right":"prod","differ":[],"onlyLeft":[],"onlyRight":[],"ambiguous":[{"name":"Lookup","type":"aws-lambda","left":["t2","p2"],"right":["t2"]}],"same":0}` + "\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			d := orgdiff.Compare("test", org.State{Integrations: tc.test}, "prod", org.State{Integrations: tc.prod})
			if d.Empty() != tc.empty {
				t.Errorf("Empty() = %v, want %v", d.Empty(), tc.empty)
			}
			var text, js bytes.Buffer
			orgdiff.Text(&text, d)
			if err := orgdiff.JSON(&js, d); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.text, text.String()); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.json, js.String()); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompareActions: a data action's category, secure and configuration
// are compared (the configuration by digest), and an action one side lacks
// shows as none there.
func TestCompareActions(t *testing.T) {
	cfg := func(url string) map[string]any {
		return map[string]any{"request": map[string]any{"requestUrlTemplate": url}}
	}
	left, right := lambda("1", "L"), lambda("2", "L")
	left.DataActions = []org.Action{{ID: "a", Name: "Find", Category: "C", Config: cfg("https://test/x")}, {ID: "b", Name: "Gone", Category: "C"}}
	right.DataActions = []org.Action{{ID: "c", Name: "Find", Category: "C", Config: cfg("https://prod/x")}}
	d := orgdiff.Compare("test", org.State{Integrations: []org.Integration{left}}, "prod", org.State{Integrations: []org.Integration{right}})
	if len(d.Differ) != 1 {
		t.Fatalf("differ: %+v", d.Differ)
	}
	var names []string
	for _, a := range d.Differ[0].Attributes {
		names = append(names, a.Name)
		if a.Name == "actions.Find.config" && (a.Left == a.Right || !strings.HasPrefix(a.Left.(string), "sha256:")) {
			t.Errorf("config compared as %v and %v", a.Left, a.Right)
		}
	}
	want := []string{"actions.Find.config", "actions.Gone.category", "actions.Gone.secure"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	right.DataActions[0].Config = cfg("https://test/x")
	right.DataActions = append(right.DataActions, org.Action{ID: "d", Name: "Gone", Category: "C"})
	if d := orgdiff.Compare("test", org.State{Integrations: []org.Integration{left}}, "prod", org.State{Integrations: []org.Integration{right}}); d.Same != 1 {
		t.Errorf("the same actions differ: %+v", d.Differ)
	}
}
