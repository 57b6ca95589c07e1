// vitest globalSetup: one API server (with the Tekton CRDs) for the whole e2e run.
import { kubeTestenvGlobalSetup } from '@plumbing/kube-testenv';

export const setup = kubeTestenvGlobalSetup;
