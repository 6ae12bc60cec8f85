import { createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileSystemError, isErrnoException, RdoctlError } from "../errors";
import { cloudPaths, ensurePrivateDir } from "../workspace";

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
  /** Keys set with `replace`: what is on disk is overwritten on purpose. */
  private readonly replaced = new Set<string>();
  /** Keys deleted since the last save. */
  private readonly removed = new Set<string>();

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
      if (isErrnoException(err)) throw fileSystemError(err, { path: file, action: "read the secrets file" });
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

  /** Whether the store holds `key`. */
  has(key: string): boolean {
    return this.secrets[key] !== undefined;
  }

  /** The stored value of `key`, without drawing one. */
  get(key: string): string | undefined {
    return this.secrets[key];
  }

  /**
   * Stores a secret taken from elsewhere (an imported answer file, `rdoctl secrets set`).
   * `replace` says the operator means to overwrite what is stored; otherwise {@link save}
   * refuses to replace a value another run saved meanwhile.
   */
  set(key: string, value: string, options: { replace?: boolean } = {}): void {
    if (this.secrets[key] === value) return;
    this.secrets[key] = value;
    this.changed.add(key);
    if (options.replace) this.replaced.add(key);
  }

  /**
   * Draws a new value for a stored key, as long as the old one (`rdoctl secrets rotate`); the
   * answer writer redraws again should Packstack refuse it. Returns false for a key not stored.
   */
  redraw(key: string): boolean {
    const old = this.secrets[key];
    if (old === undefined) return false;
    let value = old;
    while (value === old) value = randomBytes(Math.ceil(old.length / 2)).toString("hex").slice(0, Math.max(old.length, 1));
    this.set(key, value, { replace: true });
    return true;
  }

  /** Forgets `key`, so the next answer file draws a new value. */
  delete(key: string): void {
    if (this.secrets[key] === undefined) return;
    delete this.secrets[key];
    this.changed.add(key);
    this.removed.add(key);
  }

  save(): void {
    if (this.changed.size === 0 && fs.existsSync(this.file)) return;
    ensurePrivateDir(path.dirname(this.file));
    withFileLock(lockFileOf(this.file), () => {
      // Another rdoctl may have saved since this store was opened: keep what it drew, and refuse
      // rather than silently replace a secret it may already have written into an answer file.
      const onDisk = FileSecretStore.read(this.file, this.cloud);
      const clashes = [...this.changed].filter((key) => onDisk[key] !== undefined && onDisk[key] !== this.secrets[key] && !this.replaced.has(key) && !this.removed.has(key));
      if (clashes.length > 0) {
        throw new RdoctlError(`${this.file}: ${clashes.join(", ")} were drawn by another rdoctl run at the same time; run the command again`, 1, "secrets-conflict");
      }
      const merged: Record<string, string> = { ...onDisk, ...this.secrets };
      for (const key of this.removed) delete merged[key];
      Object.assign(this.secrets, merged);
      const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
      const body: SecretsFile = { version: 1, cloud: this.cloud, secrets: sorted };
      writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
    });
    this.changed.clear();
    this.replaced.clear();
    this.removed.clear();
  }
}

function lockFileOf(file: string): string {
  return `${file}.lock`;
}

/** How long a run waits for another to finish with a cloud's secrets before it gives up. */
const LOCK_WAIT_MS = 60_000;
const LOCK_POLL_MS = 25;
/** A lock file left empty (its writer died between create and write) counts as stale after this. */
const EMPTY_LOCK_STALE_MS = 5_000;

/** Lock files this process holds, with their nesting depth (the lock is re-entrant). */
const heldLocks = new Map<string, number>();

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readLockHolder(lockFile: string): { holder?: LockHolder; text: string; ageMs: number } | undefined {
  try {
    const text = fs.readFileSync(lockFile, "utf8");
    const ageMs = Date.now() - fs.statSync(lockFile).mtimeMs;
    try {
      const holder = JSON.parse(text) as LockHolder;
      if (Number.isInteger(holder.pid) && typeof holder.host === "string") return { holder, text, ageMs };
    } catch {
      // An empty or partly written lock: judged by its age below.
    }
    return { text, ageMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** A holder on this machine whose process is gone, or a lock its writer never filled in. */
function isStaleLock(lock: { holder?: LockHolder; ageMs: number }): boolean {
  if (!lock.holder) return lock.ageMs > EMPTY_LOCK_STALE_MS;
  if (lock.holder.host !== os.hostname()) return false;
  try {
    process.kill(lock.holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Runs `fn` holding `lockFile`, created exclusively (O_EXCL) with this process's pid. Waits while
 * another live process holds it; takes over a lock whose holder died. Re-entrant within a process.
 */
export function withFileLock<T>(lockFile: string, fn: () => T, options: { waitMs?: number } = {}): T {
  const depth = heldLocks.get(lockFile) ?? 0;
  if (depth > 0) {
    heldLocks.set(lockFile, depth + 1);
    try {
      return fn();
    } finally {
      heldLocks.set(lockFile, depth);
    }
  }
  acquireFileLock(lockFile, options.waitMs ?? LOCK_WAIT_MS);
  heldLocks.set(lockFile, 1);
  try {
    return fn();
  } finally {
    heldLocks.delete(lockFile);
    fs.rmSync(lockFile, { force: true });
  }
}

function acquireFileLock(lockFile: string, waitMs: number): void {
  const me: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, "wx", 0o600);
      try {
        fs.writeFileSync(fd, JSON.stringify(me));
      } finally {
        fs.closeSync(fd);
      }
      return;
    } catch (err) {
      if (!isErrnoException(err) || err.code !== "EEXIST") {
        if (isErrnoException(err)) throw fileSystemError(err, { path: lockFile, action: "create the lock file" });
        throw err;
      }
    }
    const current = readLockHolder(lockFile);
    if (current && isStaleLock(current)) {
      // Remove it only if it is still the lock judged stale, not one a live run just created.
      if (readLockHolder(lockFile)?.text === current.text) fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      const who = current?.holder ? `rdoctl pid ${current.holder.pid} on ${current.holder.host} since ${current.holder.startedAt}` : "another rdoctl run";
      throw new RdoctlError(`${lockFile}: the cloud's secrets are locked by ${who}; wait for it to finish, or remove the lock file if that process is gone`, 1, "secrets-locked");
    }
    sleep(LOCK_POLL_MS);
  }
}

/**
 * Opens a cloud's secrets store and runs `fn` with it while holding the store's lock, then saves:
 * concurrent runs take turns, so they draw each secret once and agree on it, and whatever `fn`
 * writes (answer files) holds exactly what the store holds.
 */
export function withSecretStore<T>(cloud: string, fn: (store: FileSecretStore) => T, root?: string): T {
  const paths = root === undefined ? cloudPaths(cloud) : cloudPaths(cloud, root);
  ensurePrivateDir(paths.dir);
  return withFileLock(lockFileOf(paths.secrets), () => {
    const store = new FileSecretStore(paths.secrets, cloud);
    const result = fn(store);
    store.save();
    return result;
  });
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
