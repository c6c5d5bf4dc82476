package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// object is a JSON object that keeps the order of its keys, so the editor
// schemas derived from the embedded files read like them.
type object struct {
	keys []string
	vals map[string]any // values: *object, []any, string, json.Number, bool or nil
}

func newObject() *object { return &object{vals: map[string]any{}} }

func (o *object) get(k string) (any, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// set puts v under k: in k's place if o has it, last otherwise.
func (o *object) set(k string, v any) *object {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

// decodeOrdered parses one JSON value, keeping object keys in order.
func decodeOrdered(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := decodeValue(d)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

func decodeValue(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := newObject()
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			o.set(k.(string), v)
		}
		_, err := d.Token() // '}'
		return o, err
	case json.Delim('['):
		l := []any{}
		for d.More() {
			v, err := decodeValue(d)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		_, err := d.Token() // ']'
		return l, err
	}
	return tok, nil
}

// encodeOrdered writes v as indented JSON, HTML characters unescaped (the
// descriptions hold <placeholders>), with a final newline.
func encodeOrdered(v any) ([]byte, error) {
	var compact bytes.Buffer
	if err := encodeValue(&compact, v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func encodeValue(w *bytes.Buffer, v any) error {
	switch c := v.(type) {
	case *object:
		w.WriteByte('{')
		for i, k := range c.keys {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := encodeValue(w, k); err != nil {
				return err
			}
			w.WriteByte(':')
			if err := encodeValue(w, c.vals[k]); err != nil {
				return err
			}
		}
		w.WriteByte('}')
	case []any:
		w.WriteByte('[')
		for i, e := range c {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := encodeValue(w, e); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	default:
		e := json.NewEncoder(w)
		e.SetEscapeHTML(false)
		if err := e.Encode(c); err != nil {
			return err
		}
		w.Truncate(w.Len() - 1) // Encode's newline
	}
	return nil
}
