export { type EnsureOracleOptions, ensureOracle, ORACLE_GO_DIR, oracleSourceHash } from './build.js';
export { type OracleAnswer, type StartOracleOptions, TektonOracle } from './oracle.js';
export { type Agreement, type DocumentComparison, type SplitMismatch, compareFile, documentLines, isTektonFamilyError, summarize } from './compare.js';
export { type FidelityResult, measureFidelity, yamlFilesUnder } from './fidelity.js';
export { type BaseDocument, type Variant, generateVariants, MUTATIONS, seededRandom } from './variants.js';
export { type Sample, compareSamples, disagreementClass, repositoryTektonFiles } from './differential.js';
