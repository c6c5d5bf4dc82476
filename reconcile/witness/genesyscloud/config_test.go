package genesyscloud_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/witness/genesyscloud"
)

// TestConfigRefusals: a configuration PUT is refused, and changes nothing,
// when it names a slot the type does not declare, a credential that does
// not exist or whose type the slot does not take, or a stale version.
func TestConfigRefusals(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	aws := e.createIntegration("aws", "aws-lambda-data-actions")
	google := e.createIntegration("g", "google-cloud-data-actions")
	arn := e.createCredential("arn", "amazonWebServicesARN", map[string]string{"ARN": "arn:aws:iam::1:role/r"})
	basic := e.createCredential("b", "basicAuth", map[string]string{"userName": "u", "password": "SECRET-pw"})
	gsa := e.createCredential("gsa", "googleCloudPlatformServiceAccount",
		map[string]string{"clientEmail": "a@b.iam", "privateKeyId": "k", "privateKey": "SECRET-key"})
	const missing = "00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name        string
		integration string
		slots       map[string]string
		version     int // 0: the current one
		status      int
		want        []string // in the message
	}{
		{"slot in lower case", aws.ID, map[string]string{"amazonWebServicesARN": arn.ID}, 0, 400,
			[]string{`no credential slot "amazonWebServicesARN"`, "AmazonWebServicesARN"}},
		{"guessed google slot", google.ID, map[string]string{"googleServiceAccount": gsa.ID}, 0, 400,
			[]string{`no credential slot "googleServiceAccount"`, "its slots: serviceAccount"}},
		{"wrong credential type", aws.ID, map[string]string{"AmazonWebServicesARN": basic.ID}, 0, 400,
			[]string{"takes credential types amazonWebServicesARN, not basicAuth"}},
		{"unknown credential", aws.ID, map[string]string{"AmazonWebServicesARN": missing}, 0, 400,
			[]string{missing, "does not exist"}},
		{"no credential id", aws.ID, map[string]string{"AmazonWebServicesARN": ""}, 0, 400, []string{"does not exist"}},
		{"every problem at once", aws.ID, map[string]string{"AmazonWebServicesARN": basic.ID, "extra": arn.ID}, 0, 400,
			[]string{"not basicAuth", `no credential slot "extra"`}},
		{"stale version", aws.ID, map[string]string{"AmazonWebServicesARN": arn.ID}, 7, 409,
			[]string{"does not match the current version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.config(tt.integration)
			c := before
			if tt.version != 0 {
				c.Version = tt.version
			}
			msg := errorBody(t, tt.status, e.putConfig(tt.integration, c, tt.slots, tt.status))
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not say %q", msg, w)
				}
			}
			if strings.Contains(msg, "SECRET") {
				t.Errorf("message %q quotes a secret", msg)
			}
			if d := cmp.Diff(before, e.config(tt.integration)); d != "" {
				t.Errorf("a refused PUT changed the configuration (-before +after):\n%s", d)
			}
		})
	}
	// The right slot and type are taken.
	e.putConfig(aws.ID, e.config(aws.ID), map[string]string{"AmazonWebServicesARN": arn.ID}, 200)
	e.putConfig(google.ID, e.config(google.ID), map[string]string{"serviceAccount": gsa.ID}, 200)
}

// TestVersionConflict: each PUT moves the version one up, and a PUT with
// any other version than the current is a 409 that changes nothing.
func TestVersionConflict(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	i := e.createIntegration("a", zendesk)
	stale := e.config(i.ID)
	first := stale
	first.Notes = "first"
	var got genesyscloud.IntegrationConfiguration
	e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", first, 200, &got)
	if got.Version != 2 {
		t.Fatalf("version after PUT: %d, want 2", got.Version)
	}
	for _, v := range []int{1, 3, 0} {
		stale.Notes, stale.Version = "second", v
		msg := errorBody(t, 409, e.do("PUT", "/api/v2/integrations/"+i.ID+"/config/current", stale, 409, nil))
		if !strings.Contains(msg, "does not match the current version") {
			t.Errorf("version %d: message %q", v, msg)
		}
	}
	if c := e.config(i.ID); c.Version != 2 || c.Notes != "first" {
		t.Errorf("a stale PUT changed the configuration: %+v", c)
	}
}

// TestAuthAction: attaching a userDefinedOAuth credential makes the auth
// action customAuth_-_<integrationId>, once, listed only with
// includeAuthActions=true, and gone with the integration.
func TestAuthAction(t *testing.T) {
	e := newEnv(t, genesyscloud.Options{})
	w := e.createIntegration("w", webServices)
	other := e.createIntegration("o", webServices)
	data, err := e.srv.AddAction(w.ID, "Get thing")
	if err != nil {
		t.Fatal(err)
	}
	basic := e.createCredential("b", "basicAuth", map[string]string{"userName": "u"})
	e.putConfig(other.ID, e.config(other.ID), map[string]string{"basicAuth": basic.ID}, 200)
	oauth := e.createCredential("o", "userDefinedOAuth", map[string]string{"clientId": "c", "anything": "goes"})
	e.putConfig(w.ID, e.config(w.ID), map[string]string{"basicAuth": oauth.ID}, 200)
	e.putConfig(w.ID, e.config(w.ID), map[string]string{"basicAuth": oauth.ID}, 200) // no second one

	names := func(query string) []string {
		var p genesyscloud.ActionEntityListing
		e.do("GET", "/api/v2/integrations/actions"+query, nil, 200, &p)
		var out []string
		for _, a := range p.Entities {
			out = append(out, a.IntegrationID+" "+a.Name)
		}
		return out
	}
	if d := cmp.Diff([]string{w.ID + " Get thing"}, names("")); d != "" {
		t.Errorf("without includeAuthActions (-want +got):\n%s", d)
	}
	want := []string{w.ID + " Get thing", w.ID + " customAuth_-_" + w.ID}
	if d := cmp.Diff(want, names("?includeAuthActions=true")); d != "" {
		t.Errorf("with includeAuthActions (-want +got):\n%s", d)
	}
	e.do("DELETE", "/api/v2/integrations/"+w.ID, nil, 200, nil)
	if got := names("?includeAuthActions=true"); len(got) != 0 {
		t.Errorf("actions after the DELETE: %v (data action %s)", got, data)
	}
}
