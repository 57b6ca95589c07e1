package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	pipelinev1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	pipelinev1alpha1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1alpha1"
	pipelinev1beta1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1beta1"
	resolutionv1alpha1 "github.com/tektoncd/pipeline/pkg/apis/resolution/v1alpha1"
	resolutionv1beta1 "github.com/tektoncd/pipeline/pkg/apis/resolution/v1beta1"
	triggersv1alpha1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1alpha1"
	triggersv1beta1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"knative.dev/pkg/apis"
	"sigs.k8s.io/yaml"
)

// crd is what the webhooks need of a type: knative's resourcesemantics.GenericCRD.
type crd interface {
	apis.Defaultable
	apis.Validatable
	metav1.Object
}

// family says which webhook (and which feature flags) judges a kind.
type family int

const (
	familyPipeline family = iota
	familyTriggers
)

type kindEntry struct {
	family family
	fresh  func() crd
}

// kinds is the union of the `types` maps of Tekton Pipelines' and Triggers' cmd/webhook/main.go.
var kinds = map[schema.GroupVersionKind]kindEntry{
	pipelinev1alpha1.SchemeGroupVersion.WithKind("VerificationPolicy"):  {familyPipeline, func() crd { return &pipelinev1alpha1.VerificationPolicy{} }},
	pipelinev1alpha1.SchemeGroupVersion.WithKind("StepAction"):          {familyPipeline, func() crd { return &pipelinev1alpha1.StepAction{} }},
	pipelinev1beta1.SchemeGroupVersion.WithKind("Pipeline"):             {familyPipeline, func() crd { return &pipelinev1beta1.Pipeline{} }},
	pipelinev1beta1.SchemeGroupVersion.WithKind("Task"):                 {familyPipeline, func() crd { return &pipelinev1beta1.Task{} }},
	pipelinev1beta1.SchemeGroupVersion.WithKind("TaskRun"):              {familyPipeline, func() crd { return &pipelinev1beta1.TaskRun{} }},
	pipelinev1beta1.SchemeGroupVersion.WithKind("PipelineRun"):          {familyPipeline, func() crd { return &pipelinev1beta1.PipelineRun{} }},
	pipelinev1beta1.SchemeGroupVersion.WithKind("CustomRun"):            {familyPipeline, func() crd { return &pipelinev1beta1.CustomRun{} }},
	pipelinev1beta1.SchemeGroupVersion.WithKind("StepAction"):           {familyPipeline, func() crd { return &pipelinev1beta1.StepAction{} }},
	pipelinev1.SchemeGroupVersion.WithKind("Task"):                      {familyPipeline, func() crd { return &pipelinev1.Task{} }},
	pipelinev1.SchemeGroupVersion.WithKind("Pipeline"):                  {familyPipeline, func() crd { return &pipelinev1.Pipeline{} }},
	pipelinev1.SchemeGroupVersion.WithKind("TaskRun"):                   {familyPipeline, func() crd { return &pipelinev1.TaskRun{} }},
	pipelinev1.SchemeGroupVersion.WithKind("PipelineRun"):               {familyPipeline, func() crd { return &pipelinev1.PipelineRun{} }},
	resolutionv1alpha1.SchemeGroupVersion.WithKind("ResolutionRequest"): {familyPipeline, func() crd { return &resolutionv1alpha1.ResolutionRequest{} }},
	resolutionv1beta1.SchemeGroupVersion.WithKind("ResolutionRequest"):  {familyPipeline, func() crd { return &resolutionv1beta1.ResolutionRequest{} }},

	triggersv1alpha1.SchemeGroupVersion.WithKind("ClusterTriggerBinding"): {familyTriggers, func() crd { return &triggersv1alpha1.ClusterTriggerBinding{} }},
	triggersv1alpha1.SchemeGroupVersion.WithKind("ClusterInterceptor"):    {familyTriggers, func() crd { return &triggersv1alpha1.ClusterInterceptor{} }},
	triggersv1alpha1.SchemeGroupVersion.WithKind("Interceptor"):           {familyTriggers, func() crd { return &triggersv1alpha1.Interceptor{} }},
	triggersv1alpha1.SchemeGroupVersion.WithKind("EventListener"):         {familyTriggers, func() crd { return &triggersv1alpha1.EventListener{} }},
	triggersv1alpha1.SchemeGroupVersion.WithKind("TriggerBinding"):        {familyTriggers, func() crd { return &triggersv1alpha1.TriggerBinding{} }},
	triggersv1alpha1.SchemeGroupVersion.WithKind("TriggerTemplate"):       {familyTriggers, func() crd { return &triggersv1alpha1.TriggerTemplate{} }},
	triggersv1alpha1.SchemeGroupVersion.WithKind("Trigger"):               {familyTriggers, func() crd { return &triggersv1alpha1.Trigger{} }},
	triggersv1beta1.SchemeGroupVersion.WithKind("ClusterTriggerBinding"):  {familyTriggers, func() crd { return &triggersv1beta1.ClusterTriggerBinding{} }},
	triggersv1beta1.SchemeGroupVersion.WithKind("EventListener"):          {familyTriggers, func() crd { return &triggersv1beta1.EventListener{} }},
	triggersv1beta1.SchemeGroupVersion.WithKind("TriggerBinding"):         {familyTriggers, func() crd { return &triggersv1beta1.TriggerBinding{} }},
	triggersv1beta1.SchemeGroupVersion.WithKind("TriggerTemplate"):        {familyTriggers, func() crd { return &triggersv1beta1.TriggerTemplate{} }},
	triggersv1beta1.SchemeGroupVersion.WithKind("Trigger"):                {familyTriggers, func() crd { return &triggersv1beta1.Trigger{} }},
}

// tektonGroups are the API groups whose unknown versions or kinds the API server refuses
// (no CRD serves them) rather than another tool's business.
var tektonGroups = map[string]bool{
	"tekton.dev":            true,
	"triggers.tekton.dev":   true,
	"resolution.tekton.dev": true,
}

// judge answers for one YAML document. A panic inside Tekton's code is reported as a refusal
// at stage "panic" rather than ending the process: one odd document must not cost the others.
func judge(doc []byte, cfg *config) (a answer) {
	defer func() {
		if r := recover(); r != nil {
			a.Verdict = verdictRefused
			a.Stage = "panic"
			a.Errors = []finding{{Message: fmt.Sprint(r)}}
		}
	}()
	if len(bytes.TrimSpace(stripComments(doc))) == 0 {
		return answer{Verdict: verdictEmpty}
	}
	raw, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return answer{Verdict: verdictInvalidYAML, Stage: "yaml", Errors: []finding{{Message: err.Error()}}}
	}
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return answer{Verdict: verdictEmpty}
	}
	if err := json.Unmarshal(raw, &tm); err != nil {
		return answer{Verdict: verdictNotTekton, Errors: []finding{{Message: err.Error()}}}
	}
	a = answer{APIVersion: tm.APIVersion, Kind: tm.Kind, Name: tm.Metadata.Name}
	gv, err := schema.ParseGroupVersion(tm.APIVersion)
	if err != nil || !tektonGroups[gv.Group] {
		a.Verdict = verdictNotTekton
		return a
	}
	entry, ok := kinds[gv.WithKind(tm.Kind)]
	if !ok {
		a.Verdict = verdictRefused
		a.Stage = "decode"
		a.Errors = []finding{{Message: fmt.Sprintf("no matches for kind %q in version %q", tm.Kind, tm.APIVersion)}}
		return a
	}
	return admit(a, raw, entry, cfg)
}

// admit runs what the API server and the webhooks run on create: strict decoding, object-meta
// validation, SetDefaults, Validate, then the reconciler's pre-start checks for runs.
func admit(a answer, raw []byte, entry kindEntry, cfg *config) answer {
	obj := entry.fresh()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		return refuse(a, "decode", []finding{{Message: err.Error()}})
	}
	if errs := validateMeta(obj); len(errs) > 0 {
		return refuse(a, "metadata", errs)
	}
	ctx := apis.WithinCreate(cfg.context(context.Background(), entry.family))
	obj.SetDefaults(ctx)
	errs, warns := splitFieldError(obj.Validate(ctx))
	a.Warnings = warns
	if len(errs) > 0 {
		return refuse(a, "webhook", errs)
	}
	if errs := reconcileChecks(ctx, obj); len(errs) > 0 {
		return refuse(a, "reconciler", errs)
	}
	a.Verdict = verdictAccepted
	return a
}

func refuse(a answer, stage string, errs []finding) answer {
	a.Verdict = verdictRefused
	a.Stage = stage
	a.Errors = errs
	return a
}

// stripComments drops comment-only lines, so a document of comments counts as empty.
func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(string(doc), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || t == "---" {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}
