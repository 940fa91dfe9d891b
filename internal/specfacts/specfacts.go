// Package specfacts derives the facts file of Skyvern's published OpenAPI
// spec: its operations, parameters, schemas, member names, types, required
// flags, formats, defaults and enums, with every description, summary,
// title, prose example and vendor extension taken out.
//
// The facts file (skyvern-openapi-facts.json in this folder) is what the
// conformance tests of the SDK and of internal/schemacheck read, so that
// every clone runs every conformance test. It is regenerated from the full
// spec with
//
//	go run ./internal/specfacts/cmd/specfacts PATH/TO/skyvern-openapi.json
//
// and a test of the root package fails when the full spec sits beside the
// clone (../shared/reference, or SKYVERN_OPENAPI_SPEC) and the committed file
// differs from what Facts makes of it.
package specfacts

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"regexp"
	"strings"
)

// File is the name of the facts file, in this package's folder.
const File = "skyvern-openapi-facts.json"

// Committed is the facts file as committed.
//
//go:embed skyvern-openapi-facts.json
var Committed []byte

// prose lists the keywords whose values are words for people, not facts
// about the wire.
var prose = map[string]bool{
	"description": true, "summary": true, "title": true, "externalDocs": true,
	"example": true, "termsOfService": true, "contact": true, "license": true,
}

// named lists the keywords whose members are names chosen by the API
// (a schema's properties, the spec's paths and schemas, media types,
// status codes): their keys are facts, whatever they are called.
var named = map[string]bool{
	"properties": true, "patternProperties": true, "schemas": true, "paths": true,
	"content": true, "responses": true, "mapping": true, "headers": true,
	"$defs": true, "definitions": true, "securitySchemes": true,
}

// token matches an example or a default that is a value of an enum-like
// string (an engine name, a status): short, with no spaces. Others are
// sentences, and left out.
var token = regexp.MustCompile(`^[A-Za-z0-9_.:/\-]{1,64}$`)

// Facts returns the facts file made from the full spec: JSON with sorted
// keys, indented by one space, ending in a newline.
func Facts(spec []byte) ([]byte, error) {
	var doc any
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, err
	}
	doc = strip(doc, false)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// strip returns v without its prose. names says that v's keys are names,
// which are kept whatever they are.
func strip(v any, names bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, m := range v {
			if !names && (prose[k] || strings.HasPrefix(k, "x-")) {
				continue
			}
			switch {
			case !names && k == "examples":
				if ex := tokens(m); ex != nil {
					out[k] = ex
				}
			case !names && k == "default":
				if s, ok := m.(string); !ok || s == "" || token.MatchString(s) { // else a sentence
					out[k] = m
				}
			default:
				out[k] = strip(m, !names && named[k])
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = strip(m, false)
		}
		return out
	}
	return v
}

// tokens returns examples if every one is an enum-like token, else nil.
func tokens(examples any) []any {
	list, ok := examples.([]any)
	if !ok || len(list) == 0 {
		return nil
	}
	for _, e := range list {
		if s, ok := e.(string); !ok || !token.MatchString(s) {
			return nil
		}
	}
	return list
}
