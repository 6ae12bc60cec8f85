import * as fs from "node:fs";
import * as path from "node:path";

type StageStatus = "running" | "done" | "failed" | "interrupted";

interface JournalData {
  run?: { startedAt: string; artifacts: string; outcome?: string; endedAt?: string };
  stages: Record<string, { status: StageStatus; at: string; durationMs?: number; error?: string }>;
}

/**
 * What the last `rdoctl up` of a cloud got to (`<cloud dir>/up.json`), so a rerun can say where
 * it continues from. The work itself is resumable by its own records: the install journal and
 * the Terraform state.
 */
export class UpJournal {
  private constructor(
    private readonly file: string,
    private data: JournalData,
  ) {}

  static open(file: string): UpJournal {
    let data: JournalData = { stages: {} };
    try {
      data = JSON.parse(fs.readFileSync(file, "utf8")) as JournalData;
    } catch {
      // first run, or an unreadable journal: start afresh (it is only a record)
    }
    return new UpJournal(file, { stages: data.stages ?? {}, run: data.run });
  }

  /** `stopped at deploy (failed: …) on …`, or undefined when the last run finished or there was none. */
  describeLast(): string | undefined {
    const run = this.data.run;
    if (!run) return undefined;
    const open = Object.entries(this.data.stages).find(([, s]) => s.status !== "done");
    if (!open && run.outcome === "done") return `finished ${run.endedAt ?? run.startedAt}`;
    if (!open) return `stopped (${run.outcome ?? "unknown"}) ${run.endedAt ?? run.startedAt}`;
    const [name, s] = open;
    return `stopped at ${name} (${s.status}${s.error ? `: ${s.error.split("\n")[0]}` : ""}) ${s.at}`;
  }

  beginRun(artifacts: string): void {
    this.data = { run: { startedAt: new Date().toISOString(), artifacts }, stages: this.data.stages };
    this.save();
  }

  start(stage: string): void {
    this.data.stages[stage] = { status: "running", at: new Date().toISOString() };
    this.save();
  }

  finish(stage: string, status: StageStatus, durationMs: number, error?: string): void {
    this.data.stages[stage] = { status, at: new Date().toISOString(), durationMs, error };
    this.save();
  }

  endRun(outcome: string): void {
    if (this.data.run) Object.assign(this.data.run, { outcome, endedAt: new Date().toISOString() });
    this.save();
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
