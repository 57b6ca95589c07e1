// Command tekton-oracle answers, for each YAML document it is given, what Tekton itself answers:
// the admission webhook (SetDefaults then Validate, with strict decoding, as Tekton Pipelines'
// and Triggers' webhooks are configured) and, for runs with an inline spec, the checks the
// reconciler makes before it starts. It imports github.com/tektoncd/pipeline and
// github.com/tektoncd/triggers at the versions the project targets, so its answers are Tekton's.
//
// Usage:
//
//	tekton-oracle [--feature-flags FILE] [FILE...]   one JSON line per document of each FILE
//	tekton-oracle --jsonl [--feature-flags FILE]     requests {"id","yaml"} on stdin, one answer per line
//
// With no FILE and no --jsonl, the YAML stream on stdin is read.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// request is one YAML stream (one or more documents) to judge, in --jsonl mode.
type request struct {
	ID   string `json:"id"`
	YAML string `json:"yaml"`
}

// reply answers one request: one answer per document, in the order kubectl splits them.
type reply struct {
	ID        string   `json:"id"`
	Documents []answer `json:"documents"`
}

func main() {
	flagsFile := flag.String("feature-flags", "", "YAML file with the feature-flags (and feature-flags-triggers) ConfigMaps; default: every API field enabled")
	jsonl := flag.Bool("jsonl", false, "read requests {\"id\":..., \"yaml\":...} as JSON lines on stdin, answer {\"id\", \"documents\"} per line")
	flag.Parse()

	cfg, err := loadConfig(*flagsFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tekton-oracle: %v\n", err)
		os.Exit(2)
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)

	switch {
	case *jsonl:
		err = serveJSONLines(os.Stdin, enc, out, cfg)
	case flag.NArg() == 0:
		err = encodeAll(enc, judgeStream("-", os.Stdin, cfg))
	default:
		for _, file := range flag.Args() {
			if err = judgeFile(file, enc, cfg); err != nil {
				break
			}
		}
	}
	if err != nil {
		out.Flush()
		fmt.Fprintf(os.Stderr, "tekton-oracle: %v\n", err)
		os.Exit(1)
	}
}

// serveJSONLines answers each request as soon as it is read, flushing after each one, so a
// caller can keep one process open for thousands of files.
func serveJSONLines(in io.Reader, enc *json.Encoder, out *bufio.Writer, cfg *config) error {
	dec := json.NewDecoder(bufio.NewReaderSize(in, 1<<16))
	for {
		var req request
		if err := dec.Decode(&req); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("reading request: %w", err)
		}
		docs := judgeStream("", strings.NewReader(req.YAML), cfg)
		if err := enc.Encode(reply{ID: req.ID, Documents: docs}); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

func judgeFile(file string, enc *json.Encoder, cfg *config) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	return encodeAll(enc, judgeStream(file, f, cfg))
}

func encodeAll(enc *json.Encoder, answers []answer) error {
	for _, a := range answers {
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return nil
}

// judgeStream splits a YAML stream into documents as kubectl does and judges each one. A read
// error ends the stream with one invalid-yaml answer.
func judgeStream(file string, in io.Reader, cfg *config) []answer {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	var out []answer
	for index := 0; ; index++ {
		doc, err := reader.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			return append(out, answer{File: file, Index: index, Verdict: verdictInvalidYAML, Stage: "yaml", Errors: []finding{{Message: err.Error()}}})
		}
		a := judge(bytes.Clone(doc), cfg)
		a.File = file
		a.Index = index
		out = append(out, a)
	}
}
