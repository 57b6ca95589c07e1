import { kubeTestenvGlobalSetup } from '@plumbing/kube-testenv';

export const setup = kubeTestenvGlobalSetup;
