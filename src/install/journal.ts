import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { RdoctlError } from "../errors";
import type { PhaseName } from "./phase-names";

export type StepStatus = "running" | "done" | "failed";

/** One phase on one host. */
export interface JournalStep {
  readonly phase: PhaseName;
  readonly host: string;
  readonly status: StepStatus;
  /** sha256 of the step's inputs: a rerun skips a done step only while this is unchanged. */
  readonly inputHash: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Failure message, redacted before it is recorded (it may quote remote stderr). */
  readonly error?: string;
  /** Small facts a later phase needs, e.g. the Packstack run id. */
  readonly facts?: Readonly<Record<string, string>>;
}

interface JournalFile {
  readonly version: 1;
  readonly cloud: string;
  readonly steps: Record<string, JournalStep>;
}

/** sha256 over a canonical JSON form (object keys sorted), so equal inputs hash equally. */
export function hashInputs(inputs: unknown): string {
  return createHash("sha256").update(canonicalJson(inputs)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The install journal of one cloud: phase × host, with input hashes. Every change is written
 * at once, atomically (temporary file, fsync, rename), so an interrupted install — Ctrl-C,
 * a crash — leaves either the old or the new journal, never half of one.
 */
export class Journal {
  private constructor(
    readonly file: string,
    private data: JournalFile,
  ) {}

  static load(file: string, cloud: string): Journal {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Journal(file, { version: 1, cloud, steps: {} });
      throw err;
    }
    let parsed: JournalFile;
    try {
      parsed = JSON.parse(text) as JournalFile;
    } catch (err) {
      throw new RdoctlError(`${file}: install journal is not valid JSON (${(err as Error).message}); move it aside to start over`);
    }
    if (parsed.version !== 1 || typeof parsed.steps !== "object") {
      throw new RdoctlError(`${file}: unknown install journal format (version ${String(parsed.version)})`);
    }
    if (parsed.cloud !== cloud) {
      throw new RdoctlError(`${file}: journal belongs to cloud ${parsed.cloud}, not ${cloud}`);
    }
    return new Journal(file, parsed);
  }

  private static key(phase: PhaseName, host: string): string {
    return `${phase}/${host}`;
  }

  get(phase: PhaseName, host: string): JournalStep | undefined {
    return this.data.steps[Journal.key(phase, host)];
  }

  steps(): JournalStep[] {
    return Object.values(this.data.steps);
  }

  /** Done, with the same inputs: a rerun may skip it. */
  isDone(phase: PhaseName, host: string, inputHash: string): boolean {
    const step = this.get(phase, host);
    return step?.status === "done" && step.inputHash === inputHash;
  }

  start(phase: PhaseName, host: string, inputHash: string): void {
    this.put({ phase, host, status: "running", inputHash, startedAt: new Date().toISOString() });
  }

  finish(phase: PhaseName, host: string, inputHash: string, facts?: Record<string, string>): void {
    const previous = this.get(phase, host);
    this.put({
      phase,
      host,
      status: "done",
      inputHash,
      startedAt: previous?.startedAt ?? new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      facts,
    });
  }

  fail(phase: PhaseName, host: string, inputHash: string, error: string, facts?: Record<string, string>): void {
    const previous = this.get(phase, host);
    this.put({
      phase,
      host,
      status: "failed",
      inputHash,
      startedAt: previous?.startedAt ?? new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      error,
      facts,
    });
  }

  /**
   * Steps left `running` by an interrupted install: they did not finish, so they count as
   * not done (a rerun redoes them).
   */
  interrupted(): JournalStep[] {
    return this.steps().filter((s) => s.status === "running");
  }

  private put(step: JournalStep): void {
    this.data = { ...this.data, steps: { ...this.data.steps, [Journal.key(step.phase, step.host)]: step } };
    this.save();
  }

  save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + "\n", 0o600);
  }
}

/** Writes `file` through a temporary file in the same directory, fsynced, then renamed. */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = fs.openSync(tmp, "wx", mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
