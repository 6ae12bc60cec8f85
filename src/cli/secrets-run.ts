import * as fs from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../errors";
import { generateAnswers, isSecretParam } from "../packstack/answers";
import { loadCatalog, packstackDataDir, type CatalogParam } from "../packstack/catalog";
import { openSecretStore, withSecretStore, type FileSecretStore, type SecretSource } from "../packstack/secrets";
import { closest } from "../topology/did-you-mean";
import { loadTopology } from "../topology/load";
import { RELEASES, type Topology } from "../topology/model";
import { regenerateAnswerFiles, type Regenerated } from "./answer-files";
import { plural, writeEnvelope } from "./output";

const MASK = "********";

interface RotationData {
  /** Secrets whose change on an installed cloud loses data → why. */
  readonly keep: Readonly<Record<string, string>>;
  /** Packstack plugin name (without its number) → the service an operator knows. */
  readonly services: Readonly<Record<string, string>>;
}

function rotationData(): RotationData {
  const file = path.join(path.dirname(packstackDataDir()), "secrets", "rotation.json");
  return JSON.parse(fs.readFileSync(file, "utf8")) as RotationData;
}

/** The catalog entry of a secret key: the topology's release first, else any release that has it. */
function secretParam(key: string, topology: Topology): CatalogParam | undefined {
  for (const release of [topology.release, ...RELEASES]) {
    const param = loadCatalog(release).byUpperName.get(key.toUpperCase());
    if (param && isSecretParam(param)) return param;
  }
  return undefined;
}

/** The service that reads a secret: `keystone_100` → keystone, `amqp_002` → RabbitMQ. */
function serviceOf(param: CatalogParam | undefined, data: RotationData): string {
  if (!param) return "unknown";
  const plugin = param.plugin.replace(/_\d+$/, "");
  return data.services[plugin] ?? plugin;
}

function unknownSecret(key: string, topology: Topology, store: FileSecretStore): RdoctlError {
  const known = [...new Set([...store.keys(), ...loadCatalog(topology.release).params.filter(isSecretParam).map((p) => p.name)])];
  const suggestion = closest(key.toUpperCase(), known);
  return new RdoctlError(
    `${key}: not a password or key of cloud ${topology.name}${suggestion ? `; did you mean ${suggestion}?` : ""} (\`rdoctl secrets show INVENTORY\` lists them)`,
    1,
    "unknown-secret",
  );
}

export function showSecrets(inventory: string, keys: readonly string[], options: { reveal: boolean; json: boolean }): void {
  const topology = loadTopology(inventory);
  const store = openSecretStore(topology.name);
  const data = rotationData();
  const used = loadCatalog(topology.release).orderedParams.filter(isSecretParam).map((p) => p.name);
  const all = [...new Set([...store.keys(), ...used])].sort();
  for (const key of keys) if (!all.includes(key.toUpperCase())) throw unknownSecret(key, topology, store);
  const shown = keys.length > 0 ? keys.map((k) => k.toUpperCase()) : all;
  const rows = shown.map((key) => {
    const value = store.get(key);
    return {
      key,
      stored: value !== undefined,
      service: serviceOf(secretParam(key, topology), data),
      ...(value !== undefined ? { value: options.reveal ? value : MASK } : {}),
    };
  });
  if (options.json) {
    writeEnvelope("secrets show", 0, [], { cloud: topology.name, store: store.file, revealed: options.reveal, secrets: rows });
    return;
  }
  const width = Math.max(...rows.map((r) => r.key.length), 3);
  const lines = rows.map((r) => `${r.key.padEnd(width)}  ${(r.value ?? "(not drawn yet)").padEnd(options.reveal ? 0 : 15)}  ${r.service}`.trimEnd());
  process.stdout.write(`${lines.join("\n")}\n`);
  const stored = rows.filter((r) => r.stored).length;
  process.stderr.write(
    `rdoctl: cloud ${topology.name}: ${plural(stored, "secret")} stored in ${store.file}${options.reveal ? "" : "; values masked (--reveal prints them)"}\n`,
  );
}

/**
 * The value for `secrets set`: typed at a terminal without echo (twice, to catch a typo), or
 * piped on stdin; never from the command line, where ps and shell history keep it.
 */
export async function readValueFromStdin(key: string): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await promptHidden(`${key} (not shown): `);
    const again = await promptHidden(`${key} again: `);
    if (first !== again) throw new RdoctlError(`${key}: the two values differ; nothing was changed`, 1, "secret-value");
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** Reads one line from the terminal with echo off; Ctrl-C interrupts (exit 130). */
function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    // Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
    stdin.setRawMode(true);
    process.stderr.write(prompt);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const done = (result: () => void): void => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      result();
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return done(() => resolve(value));
        if (char === "\u0003") return done(() => reject(new RdoctlError("interrupted; nothing was changed", 130, "interrupted")));
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}

function checkValue(key: string, value: string): void {
  const problem =
    value === ""
      ? "is empty"
      : /[\u0000-\u001f\u007f]/.test(value)
        ? "holds a line break or control character, which an answer file cannot hold"
        : value.trim() !== value
          ? "starts or ends with whitespace, which Packstack's file reader strips"
          : undefined;
  if (problem) throw new RdoctlError(`${key}: the value given on stdin ${problem}; nothing was changed`, 1, "secret-value");
}

/** A view of the store that draws what is missing but saves nothing: for a trial generation. */
function unsaved(store: FileSecretStore): SecretSource {
  return { description: store.description, secret: (key, length, acceptable) => store.secret(key, length, acceptable), save: () => undefined };
}

function describeRegenerated(regenerated: readonly Regenerated[]): string {
  if (regenerated.length === 0) return "no answer file was written from the store yet (`rdoctl answers INVENTORY` writes one)";
  return `regenerated ${plural(regenerated.length, "answer file")}: ${regenerated.map((r) => r.file).join(", ")}`;
}

export function setSecret(inventory: string, rawKey: string, value: string, options: { json: boolean }): void {
  const topology = loadTopology(inventory);
  const key = rawKey.toUpperCase();
  const data = rotationData();
  checkValue(key, value);
  const result = withSecretStore(topology.name, (store) => {
    const param = secretParam(key, topology);
    if (!param) throw unknownSecret(rawKey, topology, store);
    store.set(key, value, { replace: true });
    // A value Packstack would replace (a CONFIG_HEAT_AUTH_ENC_KEY that parses as a float) is
    // redrawn by the writer: refuse it before anything is saved.
    const trial = generateAnswers(topology, { secrets: unsaved(store) });
    if (store.get(key) !== value) throw new RdoctlError(`${key}: Packstack would replace this value with one of its own (${param.processors.join(", ")}); choose another; nothing was changed`, 1, "secret-value");
    const written = trial.values[key];
    if (written !== undefined && written !== value && trial.secretKeys.includes(key) && loadCatalog(topology.release).byName.has(key)) {
      // An inventory override (or a value derived from another key) wins over the store.
      throw new RdoctlError(`${key}: the answer file would not use the stored value (the inventory sets it under packstack:, or Packstack derives it); nothing was changed`, 1, "secret-not-used");
    }
    return { ...regenerateAnswerFiles(topology, store), file: store.file, service: serviceOf(param, data), usedByRelease: loadCatalog(topology.release).byName.has(key) };
  });
  const rerun = `run \`rdoctl install ${inventory}\` so Packstack applies it (${result.service})`;
  if (options.json) {
    writeEnvelope("secrets set", 0, [], { cloud: topology.name, store: result.file, key, regenerated: result.regenerated, forgotten: result.forgotten, services: [result.service], next: rerun });
    return;
  }
  const unused = result.usedByRelease ? "" : ` (Packstack ${topology.release} does not use it)`;
  process.stdout.write(`set ${key} of cloud ${topology.name} in ${result.file}${unused}; ${describeRegenerated(result.regenerated)}\n${rerun}\n`);
}

export function rotateSecrets(inventory: string, keys: readonly string[], options: { all: boolean; force: boolean; json: boolean }): void {
  if (options.all === (keys.length > 0)) throw new RdoctlError(options.all ? "give either keys or --all, not both" : "give the keys to rotate, or --all", 2, "usage");
  const topology = loadTopology(inventory);
  const data = rotationData();
  const result = withSecretStore(topology.name, (store) => {
    const wanted = options.all ? store.keys() : keys.map((k) => k.toUpperCase());
    const skipped: { key: string; reason: string }[] = [];
    const rotated: string[] = [];
    for (const key of wanted) {
      if (!store.has(key)) throw secretParam(key, topology) ? new RdoctlError(`${key}: not drawn yet for cloud ${topology.name}, so nothing to rotate`, 1, "unknown-secret") : unknownSecret(key, topology, store);
      const keep = data.keep[key];
      if (keep && !options.force) {
        if (!options.all) throw new RdoctlError(`${key}: not rotated: ${keep}; --force rotates it anyway`, 1, "rotation-loses-data");
        skipped.push({ key, reason: keep });
        continue;
      }
      store.redraw(key);
      rotated.push(key);
    }
    // Settles values the writer would redraw, and saves, before the files are rewritten.
    generateAnswers(topology, { secrets: store });
    const services = [...new Set(rotated.map((key) => serviceOf(secretParam(key, topology), data)))].sort();
    return { ...regenerateAnswerFiles(topology, store), rotated, skipped, services, file: store.file };
  });
  const rerun = `run \`rdoctl install ${inventory}\` so Packstack reconfigures ${result.services.join(", ")} with the new values; until then the cloud still uses the old ones`;
  if (options.json) {
    writeEnvelope("secrets rotate", 0, [], { cloud: topology.name, store: result.file, rotated: result.rotated, skipped: result.skipped, regenerated: result.regenerated, forgotten: result.forgotten, services: result.services, next: rerun });
    return;
  }
  const lines = [`rotated ${plural(result.rotated.length, "secret")} of cloud ${topology.name} in ${result.file}; ${describeRegenerated(result.regenerated)}`];
  for (const s of result.skipped) lines.push(`kept ${s.key}: ${s.reason} (--force rotates it)`);
  if (result.rotated.length > 0) lines.push(rerun);
  process.stdout.write(`${lines.join("\n")}\n`);
}
