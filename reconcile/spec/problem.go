package spec

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Problem is an error in the spec directory, located in a file on disk.
// Its fields are exactly those of an entry of the JSON plan's "errors".
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Errorf returns a Problem at pos in file, about the key path ptr.
func Errorf(file string, pos Position, ptr, format string, args ...any) Problem {
	return Problem{File: file, Line: pos.Line, Column: pos.Column, Path: ptr, Message: fmt.Sprintf(format, args...)}
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.File == "" {
		return p.Message
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	if p.Path != "" {
		fmt.Fprintf(&b, ": %s", p.Path)
	}
	fmt.Fprintf(&b, ": %s", p.Message)
	return b.String()
}

// Problems is every problem found in a spec directory. It is a terminal
// error: retrying cannot help until the files change.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders ps by file, position, path and message.
func (ps Problems) Sort() {
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Message, b.Message))
	})
}

// Err returns ps sorted as an error, or nil when ps is empty.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	ps.Sort()
	return ps
}

// AsProblems returns the problems err carries, if any.
func AsProblems(err error) (Problems, bool) {
	var ps Problems
	if errors.As(err, &ps) {
		return ps, true
	}
	var p Problem
	if errors.As(err, &p) {
		return Problems{p}, true
	}
	return nil, false
}
