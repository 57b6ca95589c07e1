import { join } from 'node:path';
import type { TestPki } from './certs.js';

export interface EtcdFlagsInput {
  readonly dataDir: string;
  readonly clientPort: number;
}

/** A single-member etcd on loopback; no fsync (a test cluster's data is thrown away). */
export function etcdFlags(input: EtcdFlagsInput): string[] {
  const client = `http://127.0.0.1:${input.clientPort}`;
  return [
    '--name=kube-testenv',
    `--data-dir=${input.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    // Port 0: the peer listener is bound but never used by a single member.
    '--listen-peer-urls=http://127.0.0.1:0',
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

export interface ApiserverFlagsInput {
  readonly dir: string;
  readonly etcdClientPort: number;
  readonly securePort: number;
  readonly pki: TestPki;
  readonly tokenFile: string;
}

/**
 * What a 1.3x kube-apiserver needs to start alone on loopback: etcd, a serving certificate, a
 * static-token admin in system:masters, RBAC, service-account issuer and keys. The ServiceAccount
 * admission plugin is disabled because no controller manager creates default service accounts.
 */
export function apiserverFlags(input: ApiserverFlagsInput): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${input.etcdClientPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${input.securePort}`,
    `--cert-dir=${join(input.dir, 'cert-dir')}`,
    `--tls-cert-file=${input.pki.servingCert}`,
    `--tls-private-key-file=${input.pki.servingKey}`,
    `--client-ca-file=${input.pki.caCert}`,
    `--token-auth-file=${input.tokenFile}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${input.pki.saPub}`,
    `--service-account-signing-key-file=${input.pki.saKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

/** The static token file line: `token,user,uid,group` (system:masters bypasses authorization). */
export function tokenFileLine(token: string, user = 'admin'): string {
  return `${token},${user},${user},system:masters\n`;
}
