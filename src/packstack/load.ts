import { randomBytes } from "node:crypto";
import type { CatalogParam, LoadedCatalog, StepCheck } from "./catalog";
import { evaluateFunctionPreCondition } from "./preconditions";
import { KeyError, processorFor, type ProcessorContext } from "./processors";
import { pythonJsonLoads } from "./pyjson";
import { pyRepr, pyReprJson, pyStr, type PackstackValue } from "./pyrepr";
import { ParamValidationError, validatorFor, isInetAddress } from "./validators";
import { isIP } from "node:net";

/**
 * Packstack's reading of an answer file (`_handleAnswerFileParams`), then the checks its plugins
 * run before contacting any host, then the value checks of later setup steps
 * (data/packstack/step-checks.json): groups in catalog order, each pre-condition evaluated, the
 * keys of groups that are on read (missing → default, deprecated names → used when the new key
 * is missing), processed, validated. Packstack stops at the first failure; this loader goes on
 * and returns every failure, the first being the one Packstack prints. Only failures to read
 * the file itself (a KeyError, conflicting deprecated names) stop it.
 */

/** What Packstack would take from the machine it runs on. */
export interface HostFacts {
  /** IP of the deployer's default-route interface. */
  readonly deployer_ip: string;
  /** `socket.gethostname()` on the deployer. */
  readonly deployer_hostname: string;
  /** `$HOME` of the user running Packstack. */
  readonly home: string;
}

export interface LoadOptions {
  /** Facts for host-derived defaults of missing keys. @default the catalog's pins */
  readonly hostFacts?: HostFacts;
  /** Draws Packstack's uuid-based secrets. @default crypto.randomBytes */
  readonly randomHex?: (length: number) => string;
}

export interface LoadFailure {
  /** The parameter being read, when the failure belongs to one. */
  readonly key?: string;
  /**
   * `validation`: a validator; `answer-file`: reading (KeyError, deprecated conflict);
   * `post-load`: plugins' checks before any host is contacted; `step`: a setup step's check of
   * a value, after Packstack has started working on the hosts.
   */
  readonly stage: "validation" | "answer-file" | "post-load" | "step";
  /** What Packstack prints (`Parameter KEY failed validation: ...` for validation failures). */
  readonly message: string;
}

/** A loaded value Packstack then replaces with another before using it. */
export interface LoadRewrite {
  readonly key: string;
  /** The value as loaded. */
  readonly from: string;
  /** What Packstack uses instead. */
  readonly to: string;
  /** Why, in words, with the condition. */
  readonly why: string;
}

export interface LoadNote {
  readonly key: string;
  readonly message: string;
}

export interface LoadResult {
  /** What Packstack stops with: the first of {@link failures}. */
  readonly failure?: LoadFailure;
  /** Every failure, in the order Packstack would meet them had it not stopped at the first. */
  readonly failures: readonly LoadFailure[];
  /** Processed values, in the order Packstack loaded them (Packstack's CONF). */
  readonly config: ReadonlyMap<string, PackstackValue>;
  /** Groups skipped because their pre-condition was false. */
  readonly skippedGroups: readonly string[];
  /** Keys that were missing and took their default. */
  readonly defaulted: readonly string[];
  /** Keys whose value came from a deprecated name. */
  readonly deprecatedUsed: readonly { readonly key: string; readonly from: readonly string[] }[];
  /** What validators could not check offline. */
  readonly notes: readonly LoadNote[];
  /** Loaded values Packstack silently replaces before using them. */
  readonly rewrites: readonly LoadRewrite[];
}

const HEX_IN_NOTE = /(\d+) (?:random )?hex characters/;

/** Length of the hex string Packstack draws for a generated parameter, from its default_note. */
export function generatedHexLength(param: CatalogParam): number {
  const match = HEX_IN_NOTE.exec(param.default_note ?? "");
  return match ? Number(match[1]) : 16;
}

export function resolveTemplate(template: string, facts: HostFacts): string {
  return template.replace(/\{(deployer_ip|deployer_hostname|home)\}/g, (_, name: keyof HostFacts) => facts[name]);
}

/** The value Packstack uses when the key is missing from the answer file. */
export function packstackDefault(param: CatalogParam, facts: HostFacts, randomHex: (n: number) => string): string {
  switch (param.default_kind) {
    case "host-derived":
      return resolveTemplate(param.default_template ?? param.default ?? "", facts);
    case "generated":
    case "generated-secret":
      return param.raw_default ?? randomHex(generatedHexLength(param));
    default:
      return param.raw_default ?? param.default ?? "";
  }
}

function cryptoHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString("hex").slice(0, length);
}

class Stop extends Error {
  constructor(readonly failure: LoadFailure) {
    super(failure.message);
  }
}

/**
 * Loads answers as Packstack does. `lookup` gives the raw value of a key as the answer file has
 * it (case-insensitive lookups are the caller's business), or undefined when missing.
 */
export function loadAnswers(
  catalog: LoadedCatalog,
  lookup: (key: string) => string | undefined,
  options: LoadOptions = {},
): LoadResult {
  const facts = options.hostFacts ?? catalog.pins;
  const randomHex = options.randomHex ?? cryptoHex;
  const config = new Map<string, PackstackValue>();
  const skippedGroups: string[] = [];
  const defaulted: string[] = [];
  const deprecatedUsed: { key: string; from: string[] }[] = [];
  const notes: LoadNote[] = [];
  const failures: LoadFailure[] = [];
  const passwords = new Map<string, string>();
  const context: ProcessorContext = {
    config,
    home: facts.home,
    randomHex,
  };

  const loadParam = (name: string): PackstackValue => {
    const param = catalog.byName.get(name);
    if (!param) throw new Stop({ stage: "answer-file", message: `'${name}'` });
    let value: string | undefined = lookup(name);
    if (value === undefined) {
      const from: string[] = [];
      for (const old of param.deprecates) {
        const oldValue = lookup(old);
        if (oldValue === undefined || oldValue === "") continue;
        if (value === undefined) value = oldValue;
        from.push(old);
        if (value !== oldValue) {
          throw new Stop({
            key: name,
            stage: "answer-file",
            message:
              `Parameter ${name} deprecates following parameters:\n[${param.deprecates.map((d) => `'${d}'`).join(", ")}].\n` +
              `Please either use parameter ${name} or use same value for all deprecated parameters.`,
          });
        }
      }
      if (value !== undefined) {
        if (!deprecatedUsed.some((d) => d.key === name)) deprecatedUsed.push({ key: name, from });
      } else {
        value = packstackDefault(param, facts, randomHex);
        if (!defaulted.includes(name)) defaulted.push(name);
      }
    }
    let processed: PackstackValue = value;
    for (const processorName of param.processors) {
      try {
        if (processorName === "process_password" && processed === "PW_PLACEHOLDER" && passwords.has(name)) {
          processed = passwords.get(name)!;
          continue;
        }
        processed = processorFor(processorName)(processed, name, context);
        if (processorName === "process_password" && typeof processed === "string") passwords.set(name, processed);
      } catch (err) {
        if (err instanceof KeyError) throw new Stop({ key: name, stage: "answer-file", message: err.message });
        throw err;
      }
    }
    for (const validatorName of param.validators) {
      try {
        const note = validatorFor(validatorName)(processed, param.option_list);
        if (note) notes.push({ key: name, message: note });
      } catch (err) {
        if (err instanceof ParamValidationError) {
          // A pre-condition may read a key before its own group does: one failure per key.
          if (!failures.some((f) => f.key === name)) failures.push({ key: name, stage: "validation", message: `Parameter ${name} failed validation: ${err.message}` });
          break;
        }
        throw err;
      }
    }
    config.set(name, processed);
    return processed;
  };

  try {
    for (const group of catalog.orderedGroups) {
      const condition = group.pre_condition;
      let on: boolean;
      if (condition.kind === "always") on = true;
      else if (condition.kind === "param") on = loadParam(condition.param) === condition.equals;
      else {
        try {
          on = evaluateFunctionPreCondition(condition, config) === condition.equals;
        } catch (err) {
          if (err instanceof KeyError) throw new Stop({ stage: "answer-file", message: err.message });
          throw err;
        }
      }
      if (!on) {
        skippedGroups.push(group.name);
        continue;
      }
      for (const name of group.params) loadParam(name);
    }
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    failures.push(err.failure);
    return { failure: failures[0], failures, config, skippedGroups, defaulted, deprecatedUsed, notes, rewrites: [] };
  }
  // Values that failed already would only echo their failure in the later checks.
  const checked = new Map([...config].filter(([key]) => !failures.some((f) => f.key === key)));
  failures.push(...postLoadFailures(checked), ...stepFailures(catalog.stepChecks, checked));
  const first = failures[0];
  const rewrites = rewritesOf(catalog, config);
  return { ...(first ? { failure: first } : {}), failures, config, skippedGroups, defaulted, deprecatedUsed, notes, rewrites };
}

/** A comma-separated list as Packstack splits it (`[i.strip() for i in v.split(',') if i]`). */
const listOf = (value: string): string => value.split(",").map((item) => item.trim()).filter(Boolean).join(",");

/** Rewrites of values the file sets to something else than Packstack's own default (its default's rewrite is Packstack's business). */
function rewritesOf(catalog: LoadedCatalog, config: ReadonlyMap<string, PackstackValue>): LoadRewrite[] {
  const found: LoadRewrite[] = [];
  for (const rewrite of catalog.rewrites) {
    if (!config.has(rewrite.key)) continue;
    if (pyStr(config.get(rewrite.key)!) === catalog.byName.get(rewrite.key)?.default) continue;
    const conditions = Object.entries(rewrite.when);
    if (!conditions.every(([key, value]) => config.get(key) === value)) continue;
    const from = pyStr(config.get(rewrite.key)!);
    if (rewrite.unlessContains !== undefined && from.includes(rewrite.unlessContains)) continue;
    if (listOf(from) === listOf(rewrite.becomes)) continue;
    const condition = conditions.map(([key, value]) => `${key}=${value}`).join(" and ");
    found.push({ key: rewrite.key, from, to: rewrite.becomes, why: `with ${condition} Packstack uses "${rewrite.becomes}" instead (${rewrite.why})` });
  }
  return found;
}

/** Python's whitespace, as `str.strip()` removes it. */
const PY_STRIP = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** A Python `re` pattern of step-checks.json as a JavaScript one (named groups; `\d` is any Unicode digit in Python 3). */
function pythonPattern(pattern: string): RegExp {
  return new RegExp(pattern.replace(/\(\?P</g, "(?<").replace(/\\d/g, "\\p{Nd}"), "u");
}

function stepFailures(checks: readonly StepCheck[], config: ReadonlyMap<string, PackstackValue>): LoadFailure[] {
  const failures: LoadFailure[] = [];
  for (const check of checks) {
    if (!config.has(check.key)) continue;
    const raw = pyStr(config.get(check.key)!);
    const value = check.strip ? raw.replace(PY_STRIP, "") : raw;
    if (pythonPattern(check.pattern).test(value)) continue;
    failures.push({
      key: check.key,
      stage: "step",
      message: `${check.message} (${check.key}=${raw}: Packstack accepts the file, then stops at the step "${check.step}"; expected ${check.expected})`,
    });
  }
  return failures;
}

type HostKind = "ipv4" | "ipv6" | "name";

function hostKind(host: string): HostKind {
  const bare = host.trim();
  if (isIP(bare) === 4) return "ipv4";
  const unbracketed = bare.replace(/^\[|\]$/g, "");
  if (isIP(unbracketed) === 6 && isInetAddress(unbracketed)) return "ipv6";
  return "name";
}

/** Hosts Packstack installs to (`filtered_hosts`): every *_HOST / *_HOSTS value loaded. */
export function packstackHosts(config: ReadonlyMap<string, PackstackValue>): string[] {
  const excluded = new Set(
    pyStr(config.get("EXCLUDE_SERVERS") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const dbInstall = config.get("CONFIG_MARIADB_INSTALL") === "y";
  const vcenter = config.get("CONFIG_VMWARE_BACKEND") === "y";
  const hosts = new Set<string>();
  for (const [key, value] of config) {
    if (typeof value !== "string") continue;
    if (key === "CONFIG_MARIADB_HOST" && !dbInstall) continue;
    if (key === "CONFIG_VCENTER_HOST" && vcenter) continue;
    if (key.endsWith("_HOST")) {
      const host = value.split("/")[0]!;
      if (host) hosts.add(host);
    } else if (key.endsWith("_HOSTS")) {
      for (const item of value.split(",")) {
        const host = item.trim().split("/")[0]!;
        if (host) hosts.add(host);
      }
    }
  }
  return [...hosts].filter((h) => !excluded.has(h));
}

/** The plugins' checks before any host is contacted; each is independent of the others. */
function postLoadFailures(config: ReadonlyMap<string, PackstackValue>): LoadFailure[] {
  const failures: LoadFailure[] = [];
  for (const check of [glanceForNova, allocationPoolsList, oneHostFormat]) {
    try {
      check(config);
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      failures.push(err.failure);
    }
  }
  return failures;
}

function glanceForNova(config: ReadonlyMap<string, PackstackValue>): void {
  // glance_200.initSequences
  if (config.get("CONFIG_GLANCE_INSTALL") !== "y" && config.get("CONFIG_NOVA_INSTALL") === "y") {
    throw new Stop({ stage: "post-load", message: "Glance is required to install Nova properly. Please set CONFIG_GLANCE_INSTALL=y" });
  }
}

function allocationPoolsList(config: ReadonlyMap<string, PackstackValue>): void {
  // provision_700.initSequences: the key is read only when demo provisioning is on.
  const poolsKey = "CONFIG_PROVISION_DEMO_ALLOCATION_POOLS";
  const pools = config.get(poolsKey);
  const poolsText = typeof pools === "string" ? pools : "[]";
  const loaded = pythonJsonLoads(poolsText);
  if ("error" in loaded) {
    throw new Stop({ key: poolsKey, stage: "post-load", message: loaded.error });
  }
  const parsed = loaded.value;
  if (!Array.isArray(parsed)) {
    // Python's str(KeyError(msg)) is repr(msg); the value inside is the parsed one, repr'd.
    throw new Stop({ key: poolsKey, stage: "post-load", message: pyRepr(`Key ${poolsKey} is not a list: ${pyReprJson(parsed)}`) });
  }
}

function oneHostFormat(config: ReadonlyMap<string, PackstackValue>): void {
  // prescript_000.choose_ip_version walks a Python set: the order, hence the outcome of a mix, is random.
  const hosts = packstackHosts(config);
  const kinds = new Set(hosts.map(hostKind));
  if (kinds.has("ipv4") && kinds.has("ipv6") && !kinds.has("name")) {
    throw new Stop({
      stage: "post-load",
      message: "Inconsistent host format. Please use either IPv4 addresses, IPv6 adresses or hostnames for all host variables. ",
    });
  }
  if (kinds.has("name") && kinds.size > 1) {
    const names = hosts.filter((h) => hostKind(h) === "name");
    const addresses = hosts.filter((h) => hostKind(h) !== "name");
    throw new Stop({
      stage: "post-load",
      message:
        `Inconsistent host format. Please use either IPv4 addresses, IPv6 adresses or hostnames for all host variables. ` +
        `(host names ${names.join(", ")} mixed with addresses ${addresses.join(", ")}: Packstack accepts or rejects this at random, depending on the order it walks a Python set)`,
    });
  }
}
