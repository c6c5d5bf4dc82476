package orgdiff

import (
	"encoding/json"
	"io"
)

// JSONFormatVersion is the version of the JSON object JSON prints.
const JSONFormatVersion = 1

// jsonDiff is the JSON object of a Diff: its lists are never null.
type jsonDiff struct {
	FormatVersion int           `json:"formatVersion"`
	Left          string        `json:"left"`
	Right         string        `json:"right"`
	Differ        []Integration `json:"differ"`
	OnlyLeft      []Only        `json:"onlyLeft"`
	OnlyRight     []Only        `json:"onlyRight"`
	Ambiguous     []Ambiguous   `json:"ambiguous"`
	Same          int           `json:"same"`
}

// JSON prints d for programs: one JSON object on one line.
func JSON(w io.Writer, d Diff) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonDiff{
		FormatVersion: JSONFormatVersion,
		Left:          d.Left,
		Right:         d.Right,
		Differ:        nonNil(d.Differ),
		OnlyLeft:      nonNil(d.OnlyLeft),
		OnlyRight:     nonNil(d.OnlyRight),
		Ambiguous:     nonNil(d.Ambiguous),
		Same:          d.Same,
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
