// Package examples holds the three example questionnaires and sample answers that
// `koe serve --demo` loads, written for koe and embedded in the binary.
package examples

import "embed"

//go:embed *.yaml
var files embed.FS

// Definitions lists the embedded survey definitions by file name.
var Definitions = []string{"meeting-feedback.yaml", "practice-survey.yaml", "registration.yaml"}

// File returns an embedded file.
func File(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err) // the names are constants of this package
	}
	return b
}
