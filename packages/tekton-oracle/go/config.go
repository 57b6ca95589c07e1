package main

import (
	"context"
	"fmt"
	"os"

	"bufio"
	"bytes"
	pipelineconfig "github.com/tektoncd/pipeline/pkg/apis/config"
	triggersconfig "github.com/tektoncd/triggers/pkg/apis/config"
	triggerscontexts "github.com/tektoncd/triggers/pkg/apis/triggers/contexts"
	"io"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// allOn is the feature-flags ConfigMap used when none is given: every flag that enables API
// fields or behaviour is on; flags that only restrict (disable-inline-spec,
// require-git-ssh-secret-known-hosts, trusted resources) keep Tekton's defaults.
var allOn = map[string]string{
	"enable-api-fields":              "alpha",
	"enable-cel-in-whenexpression":   "true",
	"enable-param-enum":              "true",
	"enable-artifacts":               "true",
	"enable-concise-resolver-syntax": "true",
	"enable-kubernetes-sidecar":      "true",
	"keep-pod-on-cancel":             "true",
	"enable-provenance-in-status":    "true",
}

// config is the state of the two webhooks' config stores.
type config struct {
	pipeline *pipelineconfig.Config
	triggers *triggersconfig.Config
}

// loadConfig reads the feature-flags ConfigMap (Pipelines) and feature-flags-triggers
// (Triggers) from a YAML file; a missing one means "all on".
func loadConfig(file string) (*config, error) {
	pipelineFlags, triggersFlags := allOn, map[string]string{"enable-api-fields": "alpha"}
	if file != "" {
		maps, err := readConfigMaps(file)
		if err != nil {
			return nil, err
		}
		if m, ok := maps[pipelineconfig.GetFeatureFlagsConfigName()]; ok {
			pipelineFlags = m
		}
		if m, ok := maps[triggersconfig.GetFeatureFlagsConfigName()]; ok {
			triggersFlags = m
		}
	}
	pf, err := pipelineconfig.NewFeatureFlagsFromMap(pipelineFlags)
	if err != nil {
		return nil, fmt.Errorf("%s: feature-flags: %w", file, err)
	}
	pd, err := pipelineconfig.NewDefaultsFromMap(map[string]string{})
	if err != nil {
		return nil, err
	}
	tf, err := triggersconfig.NewFeatureFlagsFromMap(triggersFlags)
	if err != nil {
		return nil, fmt.Errorf("%s: feature-flags-triggers: %w", file, err)
	}
	td, err := triggersconfig.NewDefaultsFromMap(map[string]string{})
	if err != nil {
		return nil, err
	}
	base := pipelineconfig.FromContextOrDefaults(context.Background())
	pc := *base
	pc.FeatureFlags = pf
	pc.Defaults = pd
	return &config{pipeline: &pc, triggers: &triggersconfig.Config{Defaults: td, FeatureFlags: tf}}, nil
}

// context infuses ctx as each webhook's store.ToContext does.
func (c *config) context(ctx context.Context, f family) context.Context {
	if f == familyTriggers {
		return triggerscontexts.WithUpgradeViaDefaulting(triggersconfig.ToContext(ctx, c.triggers))
	}
	return pipelineconfig.ToContext(ctx, c.pipeline)
}

func readConfigMaps(file string) (map[string]map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := reader.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var cm corev1.ConfigMap
		if err := yaml.Unmarshal(doc, &cm); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if cm.Kind == "ConfigMap" {
			out[cm.Name] = cm.Data
		}
	}
}
