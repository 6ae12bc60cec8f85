import * as fs from "node:fs";
import * as path from "node:path";
import { RELEASES, releaseNamed, releaseNamesList, type Release } from "../topology/model";
import { RdoctlError } from "../errors";

/**
 * Typed view of `data/packstack/catalog-RELEASE.json`: every parameter Packstack of that release
 * knows, its group and the group's pre-condition, as Packstack's own plugins register them.
 * The catalogs are the source of truth; nothing here lists parameters or per-release facts.
 */

export type DefaultKind = "literal" | "processed" | "host-derived" | "generated" | "generated-secret";

export interface CatalogParam {
  readonly name: string;
  readonly order: number;
  readonly group: string;
  readonly plugin: string;
  /** The `# ...` comment text of the answer file; null when Packstack writes none. */
  readonly description: string | null;
  readonly prompt: string | null;
  readonly cmd_option: string | null;
  /** What `--gen-answer-file` writes; null for generated values. */
  readonly default: string | null;
  readonly default_kind: DefaultKind;
  /** For host-derived defaults: the value with `{deployer_ip}`, `{home}`, `{deployer_hostname}`. */
  readonly default_template?: string;
  /** Packstack's DEFAULT_VALUE before processing (e.g. `PW_PLACEHOLDER`, `y` for booleans). */
  readonly raw_default: string | null;
  readonly default_note?: string;
  readonly option_list: readonly string[];
  readonly validators: readonly string[];
  readonly processors: readonly string[];
  readonly masked: boolean;
  readonly use_default: boolean;
  readonly need_confirm: boolean;
  readonly loose_validation: boolean;
  readonly condition: boolean;
  readonly deprecates: readonly string[];
  readonly message: string | null;
  readonly message_values: readonly string[] | null;
}

export type PreCondition =
  | { readonly kind: "always" }
  | { readonly kind: "param"; readonly param: string; readonly equals: string; readonly expression: string }
  | {
      readonly kind: "function";
      readonly function: string;
      readonly equals: boolean;
      readonly expression: string;
      readonly reads: readonly string[];
    };

export interface CatalogGroup {
  readonly name: string;
  readonly order: number;
  readonly plugin: string;
  readonly plugin_title: string;
  readonly description: string;
  readonly pre_condition: PreCondition;
  readonly post_condition: unknown;
  readonly params: readonly string[];
}

export interface CatalogPins {
  readonly deployer_ip: string;
  readonly deployer_hostname: string;
  readonly home: string;
  readonly distro: string;
}

export interface SequenceStep {
  readonly title: string;
  readonly function: string;
}

export interface Catalog {
  readonly release: Release;
  readonly branch: string;
  readonly commit: string;
  readonly commit_date: string;
  readonly answer_file: string;
  readonly pins: CatalogPins;
  readonly groups: readonly CatalogGroup[];
  readonly params: readonly CatalogParam[];
  readonly sequences_for_reference_answers: readonly { readonly sequence: string; readonly steps: readonly SequenceStep[] }[];
}

/** A check Packstack makes on a value in a setup step, after the file was accepted (data/packstack/step-checks.json). */
export interface StepCheck {
  readonly key: string;
  readonly releases: readonly Release[];
  /** Python regular expression as Packstack writes it (`re.match`). */
  readonly pattern: string;
  /** Whether Packstack strips the value before matching. */
  readonly strip: boolean;
  readonly message: string;
  readonly expected: string;
  readonly where: string;
  /** Title of the setup step that stops. */
  readonly step: string;
}

/** A value Packstack replaces after loading the file (data/packstack/rewrites.json). */
export interface Rewrite {
  readonly key: string;
  readonly releases: readonly Release[];
  /** Loaded values under which Packstack rewrites the key. */
  readonly when: Readonly<Record<string, string>>;
  /** Packstack keeps a value containing this text. */
  readonly unlessContains?: string;
  readonly becomes: string;
  readonly why: string;
}

/** A catalog with lookups built once. */
export interface LoadedCatalog extends Catalog {
  /** Checks of later setup steps that apply to this release. */
  readonly stepChecks: readonly StepCheck[];
  /** Values this release replaces after loading the file. */
  readonly rewrites: readonly Rewrite[];
  /** Groups sorted by `order` (Packstack's load order). */
  readonly orderedGroups: readonly CatalogGroup[];
  /** Parameters in answer-file order: groups by order, then each group's `params` list. */
  readonly orderedParams: readonly CatalogParam[];
  readonly byName: ReadonlyMap<string, CatalogParam>;
  /** Upper-cased parameter name → parameter (answer-file keys are case-insensitive). */
  readonly byUpperName: ReadonlyMap<string, CatalogParam>;
  readonly groupByName: ReadonlyMap<string, CatalogGroup>;
}

let cachedDataDir: string | undefined;

/**
 * `data/packstack` of the project. Found by walking up from this file to the directory that
 * holds package.json, so it works from `src/` (vitest, tsx) and from `dist/src/` alike.
 */
export function packstackDataDir(): string {
  if (cachedDataDir) return cachedDataDir;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "data", "packstack"))) {
      cachedDataDir = path.join(dir, "data", "packstack");
      return cachedDataDir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`data/packstack not found above ${__dirname}`);
    dir = parent;
  }
}

export function isRelease(value: string): value is Release {
  return (RELEASES as readonly string[]).includes(value);
}

/** Parses a `--release` value (a version or its codename); the error lists the supported releases. */
export function parseRelease(value: string): Release {
  const release = releaseNamed(value);
  if (release) return release;
  throw new RdoctlError(`unknown release "${value}"; rdoctl supports ${releaseNamesList()}`, 2);
}

const cache = new Map<Release, LoadedCatalog>();

/** The catalog of `release`, read once per process. */
export function loadCatalog(release: Release): LoadedCatalog {
  const hit = cache.get(release);
  if (hit) return hit;
  const file = path.join(packstackDataDir(), `catalog-${release}.json`);
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Catalog;
  const byName = new Map(raw.params.map((p) => [p.name, p] as const));
  const orderedGroups = [...raw.groups].sort((a, b) => a.order - b.order);
  const orderedParams = orderedGroups.flatMap((g) =>
    g.params.map((name) => {
      const param = byName.get(name);
      if (!param) throw new Error(`${file}: group ${g.name} lists unknown parameter ${name}`);
      return param;
    }),
  );
  const stepChecks = (JSON.parse(fs.readFileSync(path.join(packstackDataDir(), "step-checks.json"), "utf8")) as { checks: StepCheck[] }).checks;
  const rewrites = (JSON.parse(fs.readFileSync(path.join(packstackDataDir(), "rewrites.json"), "utf8")) as { rewrites: Rewrite[] }).rewrites;
  const loaded: LoadedCatalog = {
    ...raw,
    stepChecks: stepChecks.filter((c) => c.releases.includes(release)),
    rewrites: rewrites.filter((r) => r.releases.includes(release)),
    orderedGroups,
    orderedParams,
    byName,
    byUpperName: new Map(raw.params.map((p) => [p.name.toUpperCase(), p] as const)),
    groupByName: new Map(raw.groups.map((g) => [g.name, g] as const)),
  };
  cache.set(release, loaded);
  return loaded;
}

/** The answer file `--gen-answer-file` of that release writes (host-derived values pinned). */
export function referenceAnswerFile(release: Release): string {
  return fs.readFileSync(path.join(packstackDataDir(), `answers-${release}.txt`), "utf8");
}
