package actioncheck_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// validAction is the example action of the package brief, which breaks
// no rule.
const validAction = `{
  "name": "Get order status",
  "category": "Orders",
  "secure": false,
  "config": {
    "timeoutSeconds": 10,
    "request": {
      "requestUrlTemplate": "https://api.example.com/orders/${input.orderId}?lang=$!{input.language}",
      "requestType": "GET",
      "headers": {
        "Accept": "application/json",
        "X-Api-Key": "${credentials.apiKey}"
      },
      "requestTemplate": "${input.rawRequest}"
    },
    "response": {
      "translationMap": {
        "status": "$.order.status",
        "items": "$.order.items[*].sku"
      },
      "translationMapDefaults": {"items": "[]"},
      "successTemplate": "{\"status\": ${status}, \"items\": ${items}}"
    }
  },
  "contract": {
    "input": {
      "inputSchema": {
        "type": "object",
        "required": ["orderId"],
        "properties": {
          "orderId": {"type": "string"},
          "language": {"type": "string"}
        }
      }
    },
    "output": {
      "successSchema": {
        "type": "object",
        "properties": {
          "status": {"type": "string"},
          "items": {"type": "array", "items": {"type": "string"}}
        }
      }
    }
  },
  "tests": [
    {
      "name": "a shipped order",
      "input": {"orderId": "A-1"},
      "output": {"status": "shipped", "items": ["sku-1"]}
    },
    {
      "name": "any order has a status",
      "input": {"orderId": "B-2"},
      "outputSchema": {"type": "object", "required": ["status"]}
    }
  ]
}`

// decode unmarshals JSON into generic values, as the caller's decoder does.
func decode(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON %s: %v", s, err)
	}
	return v
}

// edit is one change to an action.
type edit func(t testing.TB, action map[string]any)

// set sets the value at a JSON pointer, given as JSON, creating the maps on
// the way.
func set(ptr, value string) edit {
	return func(t testing.TB, action map[string]any) {
		t.Helper()
		put(t, action, ptr, decode(t, value), false)
	}
}

// setString sets a string at a JSON pointer.
func setString(ptr, value string) edit {
	return func(t testing.TB, action map[string]any) {
		t.Helper()
		put(t, action, ptr, value, false)
	}
}

// del deletes the map key at a JSON pointer.
func del(ptr string) edit {
	return func(t testing.TB, action map[string]any) {
		t.Helper()
		put(t, action, ptr, nil, true)
	}
}

func put(t testing.TB, action map[string]any, ptr string, v any, remove bool) {
	t.Helper()
	segs := strings.Split(ptr, "/")[1:]
	for i, s := range segs {
		segs[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
	}
	var cur any = action
	for i, s := range segs {
		last := i == len(segs)-1
		switch x := cur.(type) {
		case map[string]any:
			if last {
				if remove {
					delete(x, s)
				} else {
					x[s] = v
				}
				return
			}
			if x[s] == nil {
				x[s] = map[string]any{}
			}
			cur = x[s]
		case []any:
			n, err := strconv.Atoi(s)
			if err != nil || n >= len(x) {
				t.Fatalf("bad index %q in %s", s, ptr)
			}
			if last {
				x[n] = v
				return
			}
			cur = x[n]
		default:
			t.Fatalf("cannot follow %s: %T at %q", ptr, cur, s)
		}
	}
}

// action returns the valid action with edits applied.
func action(t testing.TB, edits ...edit) map[string]any {
	t.Helper()
	a := decode(t, validAction).(map[string]any)
	for _, e := range edits {
		e(t, a)
	}
	return a
}

// nestedLists returns n lists nested in one another, as JSON.
func nestedLists(n int) string {
	return strings.Repeat("[", n) + strings.Repeat("]", n)
}
