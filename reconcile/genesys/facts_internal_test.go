package genesys

import (
	"slices"
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/genesys/api"
)

// agreeing returns an org catalogue that agrees with the table, made from
// it: these tests are of the comparison, not of the facts (the emulator,
// which keeps its own catalogue, is the witness of those).
func agreeing() ([]api.IntegrationType, []api.CredentialTypeInfo) {
	var types []api.IntegrationType
	creds := map[string]api.CredentialTypeInfo{}
	for _, v := range api.Vendors {
		t := api.IntegrationType{ID: v.IntegrationType, Credentials: map[string]api.CredentialSpecification{}}
		if t.ID == "" {
			t.ID = v.Type + "-invented"
		}
		slot := v.Slot
		if slot == "" {
			slot = "invented"
		}
		var names []string
		for _, ct := range v.Credentials {
			names = append(names, ct.Name)
			info := api.CredentialTypeInfo{Name: ct.Name, Properties: map[string]any{}}
			for _, f := range ct.Fields {
				info.Properties[f] = map[string]any{"type": "string"}
			}
			creds[ct.Name] = info
		}
		t.Credentials[slot] = api.CredentialSpecification{CredentialTypes: names}
		types = append(types, t)
	}
	var list []api.CredentialTypeInfo
	for _, c := range creds {
		list = append(list, c)
	}
	return types, list
}

func problems(vendors map[string]*vendorFacts) map[string]string {
	out := map[string]string{}
	for v, vf := range vendors {
		if len(vf.problems) > 0 {
			out[v] = strings.Join(vf.problems, "; ")
		}
	}
	return out
}

func TestAnAgreeingOrgHasNoProblems(t *testing.T) {
	types, creds := agreeing()
	facts, vendors := checkFacts(types, creds)
	if p := problems(vendors); len(p) > 0 {
		t.Fatalf("problems: %v", p)
	}
	for _, f := range facts {
		if !f.OK {
			t.Errorf("fact not OK: %+v", f)
		}
	}
	if vendors["google"].typeID != "google-invented" || vendors["google"].slot != "invented" {
		t.Errorf("google: %+v, want the org's type and slot", vendors["google"])
	}
}

func TestEveryDisagreementIsAProblemOfItsVendor(t *testing.T) {
	for _, tc := range []struct {
		name, vendor, want string
		mutate             func([]api.IntegrationType, []api.CredentialTypeInfo)
	}{
		{"slot renamed", "salesforce", "the org's salesforce-datadip type takes credential type salesforce in slot sfUser; reconcile's table says salesforceUser",
			func(ts []api.IntegrationType, _ []api.CredentialTypeInfo) {
				for i := range ts {
					if ts[i].ID == "salesforce-datadip" {
						ts[i].Credentials = map[string]api.CredentialSpecification{"sfUser": ts[i].Credentials["salesforceUser"]}
					}
				}
			}},
		{"type missing", "zendesk", "the org offers no integration type zendesk-data-actions",
			func(ts []api.IntegrationType, _ []api.CredentialTypeInfo) {
				for i := range ts {
					if ts[i].ID == "zendesk-data-actions" {
						ts[i].ID = "zendesk-other"
					}
				}
			}},
		{"credential type not allowed", "aws-lambda", "takes credential type amazonWebServicesARN in no slot",
			func(ts []api.IntegrationType, _ []api.CredentialTypeInfo) {
				for i := range ts {
					if ts[i].ID == "aws-lambda-data-actions" {
						ts[i].Credentials["AmazonWebServicesARN"] = api.CredentialSpecification{CredentialTypes: []string{"awsArn"}}
					}
				}
			}},
		{"field renamed", "microsoft-dynamics-365", "credential type msDynamics has no field orgWebAddress",
			func(_ []api.IntegrationType, cs []api.CredentialTypeInfo) {
				for i := range cs {
					if cs[i].Name == "msDynamics" {
						delete(cs[i].Properties, "orgWebAddress")
						cs[i].Properties["organizationUrl"] = map[string]any{}
					}
				}
			}},
		{"required field not sent", "salesforce", "credential type salesforce requires field pin, which reconcile's table does not send",
			func(_ []api.IntegrationType, cs []api.CredentialTypeInfo) {
				for i := range cs {
					if cs[i].Name == "salesforce" {
						cs[i].Required = []string{"username", "pin"}
					}
				}
			}},
		{"google ambiguous", "google", "several of the org's integration types take",
			func(ts []api.IntegrationType, _ []api.CredentialTypeInfo) {
				// A second type takes Google's credentials; it takes the
				// place of another vendor's type (the slice cannot grow
				// here), which is why other vendors have problems too.
				g := slices.IndexFunc(ts, func(t api.IntegrationType) bool { return t.ID == "google-invented" })
				other := slices.IndexFunc(ts, func(t api.IntegrationType) bool { return t.ID != "google-invented" })
				ts[other] = api.IntegrationType{ID: "another-google", Credentials: ts[g].Credentials}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			types, creds := agreeing()
			tc.mutate(types, creds)
			_, vendors := checkFacts(types, creds)
			p := problems(vendors)
			if !strings.Contains(p[tc.vendor], tc.want) {
				t.Errorf("%s: problem %q, want %q", tc.vendor, p[tc.vendor], tc.want)
			}
			for v, msg := range p {
				if v != tc.vendor && !(tc.name == "google ambiguous") {
					t.Errorf("%s has a problem too: %s", v, msg)
				}
			}
		})
	}
}
