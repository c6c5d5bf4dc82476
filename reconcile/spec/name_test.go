package spec_test

import (
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

func TestOneNameRule(t *testing.T) {
	same := [][2]string{
		{"Café", "Cafe\u0301"}, // NFC and NFD
		{"ΛΟΓΟΣ", "λογος"},     // final sigma folds like sigma
		{"Acme ſupport", "Acme Support"},
		{"Zendesk", "ZENDESK"},
	}
	for _, p := range same {
		if !spec.SameName(p[0], p[1]) {
			t.Errorf("%q and %q are not one name", p[0], p[1])
		}
	}
	if spec.SameName("Acme", "Acme2") {
		t.Error("different names compare the same")
	}
}

func TestCheckName(t *testing.T) {
	for name, want := range map[string]string{
		"Zendesk Support":        "",
		"\u00a0":                 "spaces",
		"\u3000 ":                "spaces",
		"Ze\u200bndesk":          "format characters",
		"evil\u202etxt":          "format characters",
		"bell\a":                 "control",
		"esc\x1b[31m":            "control",
		"reconcile-pending:Acme": "reserved",
		"RECONCILE-PENDING:acme": "reserved",
		"reconcile-pending Acme": "",
	} {
		got := spec.CheckName(name)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("CheckName(%q) = %q, want %q", name, got, want)
		}
	}
}
