package schema_test

import (
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
	"github.com/reconcile-dev/reconcile/schema"
)

func TestSuggest(t *testing.T) {
	keys := []string{"active", "credentials", "formerNames", "mtls", "name", "notes", "type"}
	vendors := spec.VendorTypes()
	tests := []struct {
		word    string
		choices []string
		want    string
	}{
		{"note", keys, "notes"},              // one insertion
		{"credentails", keys, "credentials"}, // a transposition is two edits
		{"Notes", keys, "notes"},             // case does not count
		{"FORMERNAME", keys, "formerNames"},  // case, and one insertion
		{"nme", keys, "name"},                // one insertion; notes is three away
		{"actve", keys, "active"},
		{"owner", keys, ""}, // nothing near
		{"region", keys, ""},
		{"credentialsss", keys, "credentials"}, // two deletions
		{"credentialssss", keys, ""},           // three are too many
		{"", keys, ""},
		{"note", nil, ""},
		{"web-service", vendors, "web-services"},
		{"zendesc", vendors, "zendesk"},
		{"Salesforce", vendors, "salesforce"},
		{"aws_lambda", vendors, "aws-lambda"},
		{"genesys-cloud-functions", vendors, "genesys-cloud-function"},
		{"genesys", vendors, ""}, // six short of genesys-cloud
		{"lambda", vendors, ""},
		{"zendesk-ticket", vendors, ""},
		{"nämë", []string{"name"}, "name"},     // edits count runes, not bytes
		{strings.Repeat("n", 1<<20), keys, ""}, // a hostile key costs a length comparison
	}
	for _, tt := range tests {
		if got := schema.Suggest(tt.word, tt.choices); got != tt.want {
			t.Errorf("Suggest(%.20q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	vendors := spec.VendorTypes()
	if got, want := schema.DidYouMean("web-service", vendors), "; did you mean web-services?"; got != want {
		t.Errorf("DidYouMean(web-service) = %q, want %q", got, want)
	}
	if got := schema.DidYouMean("jira", vendors); got != "" {
		t.Errorf("DidYouMean(jira) = %q, want none", got)
	}
}
