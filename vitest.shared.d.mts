export declare function config(test?: Record<string, unknown>): Record<string, unknown>;
export declare function e2eConfig(o?: { include?: string[]; globalSetup?: string }): Record<string, unknown>;
