import type { DocRule } from '../../check/rule.js';
import { isMap } from '../../yaml/values.js';
import { checkParamSpecs, reportUnusedParams } from '../params/params.js';
import { checkContainer } from './step-rules.js';
import { checkResultDecls } from '../task/task-decls.js';
import { checkSpecVariables } from '../task/variables.js';

/** Fields of a StepAction spec that a step has but a StepAction cannot (stepaction_types.go). */
const NOT_IN_STEPACTION = ['name', 'ref', 'onError', 'timeout', 'workspaces', 'when', 'stdoutConfig', 'stderrConfig', 'steps'] as const;

/**
 * A StepAction: STEPACTION_INVALID (missing image, params in script, a volumeMount name that is not one
 * `$(params.x)`, step-only fields), plus the container, param, result and variable rules shared with steps.
 */
export const stepActionRule: DocRule = {
  id: 'stepaction',
  kinds: ['StepAction'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec)) {
      ctx.report('STEPACTION_INVALID', ['spec'], spec === undefined ? 'a StepAction needs a spec with an image' : 'spec must be a map', { key: true });
      return;
    }
    if (spec.image === undefined || spec.image === null || spec.image === '') {
      ctx.report('STEPACTION_INVALID', ['spec'], 'missing field(s): image', { key: true, hint: 'a StepAction must set image' });
    }
    for (const f of NOT_IN_STEPACTION) {
      if (spec[f] !== undefined) ctx.report('STEPACTION_INVALID', ['spec', f], `${f} is not a StepAction field`, { key: true, hint: f === 'steps' ? 'a StepAction is one step: put image/script at spec level' : 'set it on the step that references the StepAction' });
    }
    checkContainer(ctx, spec, ['spec'], 'stepAction', { volumes: undefined, workspaces: undefined, templateImage: false });
    const params = checkParamSpecs(ctx, spec.params, ['spec', 'params'], { kind: 'StepAction' });
    const results = checkResultDecls(ctx, spec.results, ['spec', 'results'], { step: true });
    const used = new Set<string>();
    checkSpecVariables(ctx, spec, ['spec'], {
      kind: 'stepAction',
      params,
      extraParams: undefined,
      strictParams: true,
      workspaces: undefined,
      results: undefined,
      stepResults: [new Set(results.keys())],
      used,
    });
    reportUnusedParams(ctx, params, used, ['spec', 'params']);
  },
};
