// A small path router: patterns like `/repos/{owner}/{repo}/git/ref/{ref+}` (`+` spans slashes).

import type { Reply, RequestContext } from './http.js';

export type Handler = (ctx: RequestContext) => Reply;

export interface Route {
  method: string;
  pattern: string;
  /** Only reachable on this host (uploads.github.com serves asset uploads only). */
  host?: 'api' | 'uploads';
  /** Served without a token (github.com pages and signed storage URLs). */
  anonymous?: boolean;
  /** Reached with the GitHub App's JWT (the `/app` endpoints); other routes refuse a JWT. */
  app?: boolean;
  handler: Handler;
}

interface Compiled extends Route {
  regex: RegExp;
  names: string[];
}

export class Router {
  private readonly routes: Compiled[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.pattern
        .split('/')
        .map((seg) => {
          const m = /^\{(\w+)(\+?)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1] ?? '');
          return m[2] ? '(.+)' : '([^/]+)';
        })
        .join('/');
      this.routes.push({ ...route, regex: new RegExp(`^${source}$`), names });
    }
    return this;
  }

  /** The handler and path parameters for a request, or undefined (the server answers 404). */
  match(method: string, path: string, host: 'api' | 'uploads'): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method || (route.host ?? 'api') !== host) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }
}
