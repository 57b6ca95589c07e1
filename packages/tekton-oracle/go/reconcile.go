package main

import (
	"context"
	"fmt"

	pipelineconfig "github.com/tektoncd/pipeline/pkg/apis/config"
	v1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	"github.com/tektoncd/pipeline/pkg/apis/pipeline/v1beta1"
	prresources "github.com/tektoncd/pipeline/pkg/reconciler/pipelinerun/resources"
	"github.com/tektoncd/pipeline/pkg/reconciler/taskrun"
	trresources "github.com/tektoncd/pipeline/pkg/reconciler/taskrun/resources"
	"github.com/tektoncd/pipeline/pkg/workspace"
)

// reconcileChecks runs, for a TaskRun or PipelineRun with an inline spec, the checks Tekton's
// reconcilers make before they start anything (pkg/reconciler/taskrun/taskrun.go prepare and
// pkg/reconciler/pipelinerun/pipelinerun.go reconcile, in their order). v1beta1 runs are
// converted to v1 first, as the reconcilers only see v1. Runs that reference a Pipeline or Task
// by name are not resolved here: only the webhook's answer applies to them.
func reconcileChecks(ctx context.Context, obj crd) []finding {
	switch o := obj.(type) {
	case *v1beta1.TaskRun:
		tr := &v1.TaskRun{}
		if err := o.ConvertTo(ctx, tr); err != nil {
			return []finding{{Message: "conversion to v1: " + err.Error()}}
		}
		return taskRunChecks(ctx, tr)
	case *v1.TaskRun:
		return taskRunChecks(ctx, o)
	case *v1beta1.PipelineRun:
		pr := &v1.PipelineRun{}
		if err := o.ConvertTo(ctx, pr); err != nil {
			return []finding{{Message: "conversion to v1: " + err.Error()}}
		}
		return pipelineRunChecks(ctx, pr)
	case *v1.PipelineRun:
		return pipelineRunChecks(ctx, o)
	}
	return nil
}

func taskRunChecks(ctx context.Context, tr *v1.TaskRun) []finding {
	spec := tr.Spec.TaskSpec
	if spec == nil {
		return nil
	}
	if err := requestsWithinLimits(spec); err != nil {
		return one(err)
	}
	rtr := &trresources.ResolvedTask{TaskName: tr.Name, TaskSpec: spec, Kind: trresources.GetTaskKind(tr)}
	if err := taskrun.ValidateResolvedTask(ctx, tr.Spec.Params, &v1.Matrix{}, rtr); err != nil {
		return one(err)
	}
	if pipelineconfig.FromContextOrDefaults(ctx).FeatureFlags.EnableParamEnum {
		if err := taskrun.ValidateEnumParam(ctx, tr.Spec.Params, spec.Params); err != nil {
			return one(err)
		}
	}
	if err := trresources.ValidateParamArrayIndex(spec, tr.Spec.Params); err != nil {
		return one(err)
	}
	// An inline taskSpec may use workspaces the run binds without declaring them (propagation).
	decls := make([]v1.WorkspaceDeclaration, 0, len(tr.Spec.Workspaces)+len(spec.Workspaces))
	for _, ws := range tr.Spec.Workspaces {
		decls = append(decls, v1.WorkspaceDeclaration{Name: ws.Name})
	}
	decls = append(decls, spec.Workspaces...)
	if err := workspace.ValidateBindings(ctx, decls, tr.Spec.Workspaces); err != nil {
		return one(err)
	}
	return nil
}

func pipelineRunChecks(ctx context.Context, pr *v1.PipelineRun) []finding {
	spec := pr.Spec.PipelineSpec
	if spec == nil {
		return nil
	}
	if err := spec.Validate(ctx); err != nil {
		return one(err)
	}
	checks := []func() error{
		func() error { return prresources.ValidateRequiredParametersProvided(&spec.Params, &pr.Spec.Params) },
		func() error { return prresources.ValidateParamTypesMatching(spec, pr) },
		func() error {
			if !pipelineconfig.FromContextOrDefaults(ctx).FeatureFlags.EnableParamEnum {
				return nil
			}
			return taskrun.ValidateEnumParam(ctx, pr.Spec.Params, spec.Params)
		},
		func() error { return prresources.ValidateObjectParamRequiredKeys(spec.Params, pr.Spec.Params) },
		func() error { return prresources.ValidateParamArrayIndex(spec, pr.Spec.Params) },
		func() error { return prresources.ValidateWorkspaceBindings(spec, pr) },
		func() error { return prresources.ValidateTaskRunSpecs(spec, pr) },
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return one(err)
		}
	}
	prresources.ApplyParametersToWorkspaceBindings(pr)
	applied, err := prresources.ApplyParameters(spec, pr)
	if err != nil {
		return one(err)
	}
	// validatePipelineSpecAfterApplyParameters: onError may only be known after substitution.
	for _, t := range append(append([]v1.PipelineTask{}, applied.Tasks...), applied.Finally...) {
		if fe := t.ValidateOnError(ctx); fe != nil {
			if errs, _ := splitFieldError(fe); len(errs) > 0 {
				return errs
			}
		}
	}
	return nil
}

// requestsWithinLimits is the reconciler's validateTaskSpecRequestResources (unexported
// upstream, pkg/reconciler/taskrun/validate_taskrun.go), copied: a step's request may not
// exceed its limit, or the stepTemplate's limit when the step sets none.
func requestsWithinLimits(spec *v1.TaskSpec) error {
	for _, step := range spec.Steps {
		for k, request := range step.ComputeResources.Requests {
			limit, ok := step.ComputeResources.Limits[k]
			if !ok && spec.StepTemplate != nil {
				limit, ok = spec.StepTemplate.ComputeResources.Limits[k]
			}
			if ok && limit.Cmp(request) == -1 {
				return fmt.Errorf("invalid request resource value: %v must be less or equal to limit %v", request.String(), limit.String())
			}
		}
	}
	return nil
}

func one(err error) []finding {
	return []finding{{Message: err.Error()}}
}
