/** Where kustomize says a rendered object came from (its `config.kubernetes.io/origin` annotation). */
export interface KustomizeOrigin {
  /** The resource's file, relative to the kustomization directory that was built. */
  path?: string;
  repo?: string;
  ref?: string;
  /** For a generated object: the kustomization file whose generator made it (relative, as `path`). */
  configuredIn?: string;
  configuredBy?: { apiVersion?: string; kind?: string; name?: string };
}

/** What a real kustomize rendered for one kustomization directory, or its error. */
export interface KustomizeBuild {
  objects: { yaml: string; origin?: KustomizeOrigin }[];
  /** Remote resources left out (never fetched). */
  remote: string[];
  /** kustomize's own message when the build failed. */
  error?: string;
}

/**
 * The kustomize port: renders kustomization directories (relative to the repository root), or
 * says why it cannot (no Go to build kustomize with): then check renders with the built-in
 * approximation and says so.
 */
export type KustomizeBuilder = (dirs: readonly string[]) => Promise<{ builds: ReadonlyMap<string, KustomizeBuild> } | { unavailable: string }>;
