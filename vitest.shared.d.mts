export declare function config(test?: Record<string, unknown>): Record<string, unknown>;
