package actioncheck_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/reconcile-dev/reconcile/reconcile/actioncheck"
)

type ref = actioncheck.Reference

func TestReferences(t *testing.T) {
	tests := []struct {
		name     string
		template string
		want     []ref
	}{
		{"empty", "", nil},
		{"no reference", "https://api.example.com/orders", nil},
		{"formal", "a${input.orderId}b", []ref{
			{Offset: 1, Text: "${input.orderId}", Root: "input", Path: []string{"orderId"}},
		}},
		{"informal stops at a non-name", "/$input.orderId/x", []ref{
			{Offset: 1, Text: "$input.orderId", Root: "input", Path: []string{"orderId"}},
		}},
		{"trailing dot is text", "$input.orderId.", []ref{
			{Offset: 0, Text: "$input.orderId", Root: "input", Path: []string{"orderId"}},
		}},
		{"quiet formal", "$!{input.x}", []ref{
			{Offset: 0, Text: "$!{input.x}", Root: "input", Path: []string{"x"}, Quiet: true},
		}},
		{"quiet informal", "$!name!", []ref{
			{Offset: 0, Text: "$!name", Root: "name", Quiet: true},
		}},
		{"identifier with digits, underscore and hyphen", "$a1_b-c.d", []ref{
			{Offset: 0, Text: "$a1_b-c.d", Root: "a1_b-c", Path: []string{"d"}},
		}},
		{"literal dollars", "$5 US$ 10 $$ $! ${ $!{1} $_x $", nil},
		{"escaped dollar", `\$input.x \${input.y}`, nil},
		{"escaped backslash then reference", `\\$a`, []ref{
			{Offset: 2, Text: "$a", Root: "a"},
		}},
		{"escape tool", "$esc.dollar5", []ref{
			{Offset: 0, Text: "$esc.dollar5", Root: "esc", Path: []string{"dollar5"}},
		}},
		{"method call with a reference argument", "q=$esc.url($input.q)&", []ref{
			{Offset: 2, Text: "$esc.url($input.q)", Root: "esc", Path: []string{"url"}, Call: true},
			{Offset: 11, Text: "$input.q", Root: "input", Path: []string{"q"}},
		}},
		{"formal method call, chained", "${esc.url($input.q).trim()}", []ref{
			{Offset: 0, Text: "${esc.url($input.q).trim()}", Root: "esc", Path: []string{"url", "trim"}, Call: true},
			{Offset: 10, Text: "$input.q", Root: "input", Path: []string{"q"}},
		}},
		{"nested calls and strings", `$a.b("x)$c", 'y)$d', ($e))`, []ref{
			{Offset: 0, Text: `$a.b("x)$c", 'y)$d', ($e))`, Root: "a", Path: []string{"b"}, Call: true},
			{Offset: 8, Text: "$c", Root: "c"},
			{Offset: 22, Text: "$e", Root: "e"},
		}},
		{"no call without a method name", "$total(USD)", []ref{
			{Offset: 0, Text: "$total", Root: "total"},
		}},
		{"index", "$list[$i].name", []ref{
			{Offset: 0, Text: "$list[$i].name", Root: "list", Path: []string{"name"}},
			{Offset: 6, Text: "$i", Root: "i"},
		}},
		{"unterminated call", "$a.b($c", []ref{
			{Offset: 0, Text: "$a.b($c", Root: "a", Path: []string{"b"}, Call: true},
			{Offset: 5, Text: "$c", Root: "c"},
		}},
		{"line comment", "## $a\n$b ## $c", []ref{
			{Offset: 6, Text: "$b", Root: "b"},
		}},
		{"block comment", "#* $a\n *# $b #* $c", []ref{
			{Offset: 10, Text: "$b", Root: "b"},
		}},
		{"unparsed content", "#[[ $a ]]# $b", []ref{
			{Offset: 11, Text: "$b", Root: "b"},
		}},
		{"directives", "#set($x = $input.a)#if($x == 'a$b')$x#end", []ref{
			{Offset: 5, Text: "$x", Root: "x"},
			{Offset: 10, Text: "$input.a", Root: "input", Path: []string{"a"}},
			{Offset: 23, Text: "$x", Root: "x"},
			{Offset: 35, Text: "$x", Root: "x"},
		}},
		{"unicode offsets are bytes", "é$a", []ref{
			{Offset: 2, Text: "$a", Root: "a"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := actioncheck.References(tt.template)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("References(%q) mismatch (-want +got):\n%s", tt.template, diff)
			}
		})
	}
}
