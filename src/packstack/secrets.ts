import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../errors";
import { cloudPaths } from "../workspace";

/**
 * Where the passwords and keys of an answer file come from. Packstack draws new ones on every
 * run (and CONFIG_HORIZON_SECRET_KEY, CONFIG_SWIFT_HASH, CONFIG_HEAT_AUTH_ENC_KEY,
 * CONFIG_CEILOMETER_SECRET even before it reads the file); rdoctl draws each once per cloud and
 * reuses it, so regenerating an answer file gives the same file.
 */
export interface SecretSource {
  /** Names the source in the answer-file header. */
  readonly description: string;
  /**
   * The secret for `key`: `hexLength` hex characters, the same on every call. `acceptable`
   * rejects values Packstack would replace (a CONFIG_HEAT_AUTH_ENC_KEY that parses as a float).
   */
  secret(key: string, hexLength: number, acceptable?: (value: string) => boolean): string;
  /** Persists what was drawn since the last call; a no-op for sources that keep nothing. */
  save(): void;
}

const MAX_DRAWS = 100;

function draw(make: (attempt: number) => string, acceptable: ((value: string) => boolean) | undefined, key: string): string {
  for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
    const value = make(attempt);
    if (!acceptable || acceptable(value)) return value;
  }
  throw new Error(`no acceptable secret for ${key} after ${MAX_DRAWS} draws`);
}

interface SecretsFile {
  readonly version: 1;
  readonly cloud: string;
  readonly secrets: Record<string, string>;
}

/**
 * Secrets of one cloud in a JSON file (mode 0600, directory 0700) under the workspace, outside
 * git. Values are drawn from crypto.randomBytes on first use and written on {@link save}, which
 * replaces the file atomically (temporary file + rename).
 */
export class FileSecretStore implements SecretSource {
  readonly description = "per-cloud secrets file (mode 0600, outside git)";
  private readonly secrets: Record<string, string>;
  /** Keys drawn or set by this process since the last save. */
  private readonly changed = new Set<string>();

  constructor(
    /** Path of the JSON file. */
    readonly file: string,
    /** Cloud name recorded in the file. */
    readonly cloud: string,
  ) {
    this.secrets = FileSecretStore.read(file, cloud);
  }

  private static read(file: string, cloud: string): Record<string, string> {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw err;
    }
    // A secrets file anyone else can read is repaired rather than trusted as is.
    if ((fs.statSync(file).mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
    let parsed: SecretsFile;
    try {
      parsed = JSON.parse(text) as SecretsFile;
    } catch (err) {
      throw new RdoctlError(`${file}: secrets file is not JSON (${(err as Error).message}); restore it from a backup, or delete it to draw new secrets`);
    }
    if (typeof parsed !== "object" || parsed === null || typeof parsed.secrets !== "object" || parsed.secrets === null) {
      throw new RdoctlError(`${file}: secrets file has no "secrets" object`);
    }
    if (parsed.cloud !== undefined && parsed.cloud !== cloud) {
      throw new RdoctlError(`${file}: secrets file belongs to cloud "${parsed.cloud}", not "${cloud}"`);
    }
    return { ...parsed.secrets };
  }

  secret(key: string, hexLength: number, acceptable?: (value: string) => boolean): string {
    const existing = this.secrets[key];
    if (existing !== undefined && (!acceptable || acceptable(existing))) return existing;
    const value = draw(() => randomBytes(Math.ceil(hexLength / 2)).toString("hex").slice(0, hexLength), acceptable, key);
    this.secrets[key] = value;
    this.changed.add(key);
    return value;
  }

  /** Keys held, sorted. */
  keys(): string[] {
    return Object.keys(this.secrets).sort();
  }

  /** Stores a secret taken from elsewhere (e.g. an imported answer file). */
  set(key: string, value: string): void {
    if (this.secrets[key] === value) return;
    this.secrets[key] = value;
    this.changed.add(key);
  }

  save(): void {
    if (this.changed.size === 0 && fs.existsSync(this.file)) return;
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if ((fs.statSync(dir).mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
    // Another rdoctl may have saved since this store was opened: keep what it drew, and refuse
    // rather than silently replace a secret it may already have written into an answer file.
    const onDisk = FileSecretStore.read(this.file, this.cloud);
    const clashes = [...this.changed].filter((key) => onDisk[key] !== undefined && onDisk[key] !== this.secrets[key]);
    if (clashes.length > 0) {
      throw new RdoctlError(`${this.file}: ${clashes.join(", ")} were drawn by another rdoctl run at the same time; run the command again`);
    }
    const merged = { ...onDisk, ...this.secrets };
    Object.assign(this.secrets, merged);
    const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
    const body: SecretsFile = { version: 1, cloud: this.cloud, secrets: sorted };
    writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
    this.changed.clear();
  }
}

/** Writes `text` to `file` with mode 0600: a temporary file in the same directory, then rename. */
export function writeFileAtomic(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = fs.openSync(temp, "wx", 0o600);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.chmodSync(temp, 0o600);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** The secrets store of a cloud: `cloudPaths(cloud).secrets` under the workspace. */
export function openSecretStore(cloud: string, root?: string): FileSecretStore {
  const paths = root === undefined ? cloudPaths(cloud) : cloudPaths(cloud, root);
  return new FileSecretStore(paths.secrets, cloud);
}

const TEST_KEY = "rdoctl deterministic test secrets";

/**
 * Secrets derived from a label and the key (HMAC-SHA256): the same on every machine, so the
 * example answer files in git can be regenerated and compared. Anyone can recompute them:
 * never for a real cloud, and the answer-file header says so.
 */
export class DeterministicSecretSource implements SecretSource {
  readonly description = "deterministic test source (NOT for real clouds)";

  constructor(
    /** Mixed into every secret, usually the cloud name. */
    readonly label: string,
  ) {}

  secret(key: string, hexLength: number, acceptable?: (value: string) => boolean): string {
    return draw(
      (attempt) => {
        let out = "";
        for (let block = 0; out.length < hexLength; block++) {
          out += createHmac("sha256", TEST_KEY).update(`${this.label}\u0000${key}\u0000${attempt}\u0000${block}`).digest("hex");
        }
        return out.slice(0, hexLength);
      },
      acceptable,
      key,
    );
  }

  save(): void {
    // Nothing is kept: every value can be derived again.
  }
}
