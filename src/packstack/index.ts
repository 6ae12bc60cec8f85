/** Public API of Packstack answer files: generate, check, import, diff, secrets. */
export { generateAnswers, isSecretParam, topologyHostFacts, type AnswerFile, type GenerateOptions } from "./answers";
export { loadCatalog, parseRelease, referenceAnswerFile, type Catalog, type CatalogGroup, type CatalogParam, type LoadedCatalog } from "./catalog";
export { DeterministicSecretSource, FileSecretStore, openSecretStore, writeFileAtomic, type SecretSource } from "./secrets";
export { loadAnswers, type HostFacts, type LoadResult } from "./load";
export { renderAnswerFile } from "./writer";
export { writeAnswerFile, readAnswerFileText } from "./files";
export { checkAnswerFile, formatCheckResult, type CheckOptions, type CheckResult, type Diagnostic } from "./check";
export { importAnswerFile, detectRelease, type ImportOptions, type ImportResult } from "./import";
export { diffAnswerFiles, diffReleases, formatDiff, type Change, type Diff } from "./diff";
