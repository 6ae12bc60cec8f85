import type { Diagnosis } from "./diagnose";
import type { DryRunDetails } from "./dry-run";
import type { PhaseName } from "./phase-names";
import type { PackstackEvent } from "./packstack-progress";

/** A preflight finding. */
export interface CheckFinding {
  readonly host: string;
  readonly check: string;
  readonly level: "ok" | "warning" | "error";
  readonly message: string;
  readonly hint?: string;
}

/**
 * Everything an install reports, in order. The CLI renders these as a live list (TTY), one
 * line each (pipes), or NDJSON (`--json`). Events never carry secrets: remote output passes
 * through the redactor first.
 */
export type InstallEvent =
  | { readonly type: "plan"; readonly steps: ReadonlyArray<{ phase: PhaseName; host: string; action: "run" | "skip"; reason: string }> }
  | { readonly type: "phase"; readonly phase: PhaseName; readonly status: "start" | "done" | "skipped" | "failed" }
  | {
      readonly type: "step";
      readonly phase: PhaseName;
      readonly host: string;
      readonly status: "running" | "done" | "skipped" | "failed";
      readonly message?: string;
    }
  | ({ readonly type: "check" } & CheckFinding)
  | { readonly type: "output"; readonly host: string; readonly stream: "stdout" | "stderr"; readonly line: string }
  | { readonly type: "packstack"; readonly runId: string; readonly event: PackstackEvent }
  | { readonly type: "info"; readonly host?: string; readonly message: string }
  | { readonly type: "warning"; readonly host?: string; readonly message: string }
  | { readonly type: "diagnosis"; readonly diagnosis: Diagnosis }
  | { readonly type: "dry-run"; readonly details: DryRunDetails }
  | { readonly type: "finished"; readonly ok: boolean; readonly message: string };

export type EventSink = (event: InstallEvent) => void;

/**
 * Replaces every secret value (passwords from the answer file, keystonerc) with `********`.
 * Applied to anything that came from a host before it is reported.
 */
export class Redactor {
  private readonly secrets: string[] = [];

  add(values: Iterable<string>): void {
    for (const v of values) {
      // Very short values ("n", "10") would mangle ordinary text and are not real secrets.
      if (v && v.length >= 6 && !this.secrets.includes(v)) this.secrets.push(v);
    }
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join("********");
    return out;
  }

  /**
   * A sink that redacts string fields of events before passing them on. Field by field, not
   * over the event's JSON: there a secret holding `"` or `\` is escaped and would not match.
   */
  wrap(sink: EventSink): EventSink {
    return (event) => sink(this.redactFields(event) as InstallEvent);
  }

  private redactFields(value: unknown): unknown {
    if (typeof value === "string") return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.redactFields(v));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, this.redactFields(v)]));
    }
    return value;
  }
}
