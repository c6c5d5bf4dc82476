package actioncheck_test

import (
	"strings"
	"testing"

	"github.com/reconcile-dev/reconcile/reconcile/actioncheck"
)

// TestEveryRuleCanFail mutates the valid action once per rule and expects
// exactly one problem, from that rule.
func TestEveryRuleCanFail(t *testing.T) {
	tests := []struct {
		rule string
		edit edit
		at   string
		says string
	}{
		{"1 no $ref", set(outProps+"/status", `{"$ref": "#/s"}`),
			outProps + "/status/$ref", `"$ref" is not allowed`},
		{"2 no nested input objects", set(inProps+"/language", `{"type": "object"}`),
			inProps + "/language", "cannot nest objects"},
		{"3 reserved input names", set(inProps+"/orgid", `{"type": "string"}`),
			inProps + "/orgid", "reserved by Genesys"},
		{"4 no nested output arrays", set(outProps+"/items/items", `{"type": "array"}`),
			outProps + "/items/items", "array of arrays"},
		{"5 depth", set(outProps+"/items/examples", nestedLists(actioncheck.MaxDepth)),
			outSchema, "levels deep"},
		{"6 request references", setString(urlT, "https://x/${input.orderId}?price=$price"),
			urlT, "unknown reference $price"},
		{"7 success template references", setString(successT, "${status} ${total}"),
			successT, "does not define"},
		{"8 translation map", setString(tmap+"/items", "order.items"),
			tmap + "/items", "not a JSONPath"},
		{"9 tests", setString("/tests/1/input/orderNo", "B-2"),
			"/tests/1/input/orderNo", "not a declared input"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			got := actioncheck.Check(action(t, tt.edit))
			if len(got) != 1 || got[0].At != tt.at || !strings.Contains(got[0].Message, tt.says) {
				t.Errorf("Check = %q, want one problem at %q saying %q", got, tt.at, tt.says)
			}
		})
	}
}
