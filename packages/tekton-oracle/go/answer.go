package main

import (
	"strings"

	"knative.dev/pkg/apis"
)

// Verdicts. "accepted" and "refused" are Tekton's answers; the others say the document is not
// one Tekton judges (no apiVersion/kind, another API group, an empty document, unreadable YAML).
const (
	verdictAccepted    = "accepted"
	verdictRefused     = "refused"
	verdictNotTekton   = "not-tekton"
	verdictEmpty       = "empty"
	verdictInvalidYAML = "invalid-yaml"
)

// answer is one JSON line of output.
type answer struct {
	ID         string `json:"id,omitempty"`
	File       string `json:"file,omitempty"`
	Index      int    `json:"index"`
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Name       string `json:"name,omitempty"`
	Verdict    string `json:"verdict"`
	// Stage that refused: yaml, decode (strict JSON decoding, as the webhook does), metadata
	// (the API server's object-meta rules), webhook (SetDefaults + Validate), reconciler.
	Stage    string    `json:"stage,omitempty"`
	Errors   []finding `json:"errors,omitempty"`
	Warnings []finding `json:"warnings,omitempty"`
}

// finding is one error or warning: Tekton's message and the field paths it names.
type finding struct {
	Message string   `json:"message"`
	Paths   []string `json:"paths,omitempty"`
}

// splitFieldError flattens a knative FieldError into errors and warnings, one per leaf.
func splitFieldError(fe *apis.FieldError) (errs, warns []finding) {
	if fe == nil {
		return nil, nil
	}
	for _, e := range leaves(fe.Filter(apis.ErrorLevel)) {
		errs = append(errs, e)
	}
	for _, w := range leaves(fe.Filter(apis.WarningLevel)) {
		warns = append(warns, w)
	}
	return errs, warns
}

func leaves(fe *apis.FieldError) []finding {
	if fe == nil {
		return nil
	}
	var out []finding
	for _, e := range fe.WrappedErrors() {
		msg := e.Message
		if e.Details != "" {
			msg += ": " + e.Details
		}
		out = append(out, finding{Message: msg, Paths: e.Paths})
	}
	if len(out) == 0 && strings.TrimSpace(fe.Error()) != "" {
		out = append(out, finding{Message: fe.Error()})
	}
	return out
}
