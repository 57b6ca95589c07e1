// kustomize-render: kustomize's own library (sigs.k8s.io/kustomize/api, krusty) rendering
// kustomization directories for plumbing check, with each object's origin. Built on first use
// by @plumbing/kustomize.
//
// Protocol: one JSON request per stdin line, {"id": "...", "dir": "/abs/dir"}; one JSON reply
// per stdout line, in order: {"id", "objects": [{"yaml", "origin"}], "remote": [...], "error"}.
// Nothing is fetched: remote resources are taken out of every kustomization before kustomize
// reads it (and listed in "remote"), and the process runs with git and HTTP pointed nowhere.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

type request struct {
	ID  string `json:"id"`
	Dir string `json:"dir"`
}

type object struct {
	YAML   string           `json:"yaml"`
	Origin *resource.Origin `json:"origin,omitempty"`
}

type reply struct {
	ID      string   `json:"id"`
	Objects []object `json:"objects"`
	Remote  []string `json:"remote,omitempty"`
	Error   string   `json:"error,omitempty"`
}

func main() {
	if len(os.Args) > 1 {
		// One directory, as `kubectl kustomize DIR` would (for a person trying it by hand).
		out := render(os.Args[1])
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintf(os.Stderr, "kustomize-render: bad request: %v\n", err)
			continue
		}
		rep := render(req.Dir)
		rep.ID = req.ID
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(os.Stderr, "kustomize-render: %v\n", err)
			os.Exit(1)
		}
		if err := out.Flush(); err != nil {
			os.Exit(1)
		}
	}
}

// render builds one kustomization directory; a build error is part of the reply, never a crash.
func render(dir string) (rep reply) {
	rep.Objects = []object{}
	defer func() {
		if p := recover(); p != nil {
			rep.Objects = []object{}
			rep.Error = fmt.Sprintf("kustomize panicked: %v", p)
		}
	}()
	fs := &trackingFS{FileSystem: filesys.MakeFsOnDisk()}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(fs, dir)
	rep.Remote = fs.remote
	if err != nil {
		rep.Error = err.Error()
		return rep
	}
	for _, r := range m.Resources() {
		o, err := r.GetOrigin()
		if err != nil {
			rep.Error = err.Error()
			return rep
		}
		stripBuildMetadata(r)
		y, err := r.AsYAML()
		if err != nil {
			rep.Error = err.Error()
			return rep
		}
		rep.Objects = append(rep.Objects, object{YAML: string(y), Origin: o})
	}
	return rep
}
