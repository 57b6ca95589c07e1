package main

import (
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

const (
	originKey          = "config.kubernetes.io/origin"
	transformationsKey = "alpha.config.kubernetes.io/transformations"
)

// trackingFS reads the disk, except that every kustomization file it serves asks for origin
// annotations (buildMetadata) and has its remote resources taken out (remembered in `remote`).
type trackingFS struct {
	filesys.FileSystem
	remote []string
}

func isKustomizationFile(path string) bool {
	base := filepath.Base(path)
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		if base == n {
			return true
		}
	}
	return false
}

// isRemote: what kustomize would fetch (a URL, a git repository), never a local path.
func isRemote(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "git@") || strings.Contains(s, "?ref=") ||
		strings.HasPrefix(s, "github.com/") || strings.HasPrefix(s, "gitlab.com/") || strings.HasPrefix(s, "bitbucket.org/")
}

func (f *trackingFS) ReadFile(path string) ([]byte, error) {
	data, err := f.FileSystem.ReadFile(path)
	if err != nil || !isKustomizationFile(path) {
		return data, err
	}
	var k map[string]interface{}
	if yaml.Unmarshal(data, &k) != nil || k == nil {
		return data, nil // kustomize says what is wrong with it
	}
	for _, key := range []string{"resources", "bases", "components"} {
		list, ok := k[key].([]interface{})
		if !ok {
			continue
		}
		kept := []interface{}{}
		for _, e := range list {
			if s, ok := e.(string); ok && isRemote(s) {
				f.remote = append(f.remote, s)
				continue
			}
			kept = append(kept, e)
		}
		k[key] = kept
	}
	meta, _ := k["buildMetadata"].([]interface{})
	k["buildMetadata"] = append(meta, "originAnnotations")
	out, err := yaml.Marshal(k)
	if err != nil {
		return data, nil
	}
	return out, nil
}

// stripBuildMetadata removes what origin tracking added, leaving the object kubectl would apply.
func stripBuildMetadata(r *resource.Resource) {
	a := r.GetAnnotations()
	delete(a, originKey)
	delete(a, transformationsKey)
	_ = r.SetAnnotations(a)
}
