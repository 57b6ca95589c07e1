// GitHub's error bodies (`message`, `errors`, `documentation_url`), in a module of their own so that
// http.ts and credentials.ts do not import each other.

export const DOCS_URL = 'https://docs.github.com/rest';

export interface FieldError {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, errors?: FieldError[], headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.errors = errors;
    this.headers = headers;
  }

  toBody(): Record<string, unknown> {
    return { message: this.message, ...(this.errors ? { errors: this.errors } : {}), documentation_url: DOCS_URL, status: String(this.status) };
  }
}
