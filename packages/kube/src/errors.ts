import { PlumbingError } from '@plumbing/model';

const CODES: Record<number, string> = {
  400: 'KUBE_BAD_REQUEST',
  401: 'KUBE_UNAUTHORIZED',
  403: 'KUBE_FORBIDDEN',
  404: 'KUBE_NOT_FOUND',
  409: 'KUBE_CONFLICT',
  410: 'KUBE_GONE',
  422: 'KUBE_INVALID',
  429: 'KUBE_THROTTLED',
};

/** Strips query strings (they may hold continue tokens) from a path shown in a message. */
function shown(path: string): string {
  return path.split('?')[0]!;
}

/** An HTTP error answer as a PlumbingError: the API's own Status message, never request headers. */
export function kubeError(status: number, method: string, path: string, body: string): PlumbingError {
  let message = '';
  let reason = '';
  try {
    const s = JSON.parse(body) as { message?: string; reason?: string };
    message = s.message ?? '';
    reason = s.reason ?? '';
  } catch {
    message = body.slice(0, 200);
  }
  const code = CODES[status] ?? (status >= 500 ? 'KUBE_SERVER_ERROR' : 'KUBE_API');
  const err = new PlumbingError(code, `${method} ${shown(path)}: ${status}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`);
  return Object.assign(err, { status });
}

export function unreachable(server: string, method: string, path: string, cause: Error): PlumbingError {
  return new PlumbingError('KUBE_UNREACHABLE', `${method} ${shown(path)}: cannot reach ${server}: ${cause.message}`, { cause });
}

/** The HTTP status of a wrapped API error, if it was one. */
export function statusOf(e: unknown): number | undefined {
  return e instanceof PlumbingError && typeof (e as PlumbingError & { status?: number }).status === 'number' ? (e as PlumbingError & { status: number }).status : undefined;
}
