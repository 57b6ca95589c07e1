export { loadReleaseConfig } from './config.js';
export { redact } from './errors.js';
export { pipelineParams } from './backend.js';
export { prepareRelease } from './plan.js';
export { applyRelease, rerunCommand } from './apply.js';
export { formatPlan } from './format.js';
export { renderTemplate } from './notes.js';
export { makeReleaseContext, nightlyReleaseJobs } from './make-context.js';
export { planReleaseBranch } from './release-branch.js';
