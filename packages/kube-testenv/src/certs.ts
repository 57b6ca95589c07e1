import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from './exec.js';

/** Files of the test cluster's PKI, all inside the cluster's temp dir. */
export interface TestPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  /** Service-account token signing key (private) and verification key (public). */
  readonly saKey: string;
  readonly saPub: string;
}

/**
 * Generates a throwaway CA, a serving certificate for 127.0.0.1/localhost signed by it (openssl,
 * since node:crypto cannot issue certificates) and an RSA service-account key pair (node:crypto).
 */
export async function generatePki(dir: string, openssl = 'openssl'): Promise<TestPki> {
  const pki: TestPki = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    saKey: join(dir, 'sa.key'),
    saPub: join(dir, 'sa.pub'),
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await runChecked(openssl, [
    'req', '-x509', ...ec, '-days', '7', '-subj', '/CN=kube-testenv-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    '-keyout', pki.caKey, '-out', pki.caCert,
  ]);
  const csr = join(dir, 'apiserver.csr');
  const ext = join(dir, 'apiserver.ext');
  await writeFile(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  );
  await runChecked(openssl, ['req', '-new', ...ec, '-subj', '/CN=kube-apiserver', '-keyout', pki.servingKey, '-out', csr]);
  await runChecked(openssl, [
    'x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial',
    '-days', '7', '-extfile', ext, '-out', pki.servingCert,
  ]);
  const sa = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await writeFile(pki.saKey, sa.privateKey, { mode: 0o600 });
  await writeFile(pki.saPub, sa.publicKey);
  return pki;
}
