import * as fs from "node:fs";
import { createDisplay, displayMode, formatEvent } from "../install/display";
import type { InstallEvent } from "../install/events";

export const STAGES = ["validate", "answers", "install", "credentials", "deploy", "checks", "summary"] as const;
export type StageName = (typeof STAGES)[number] | "destroy";

/** What `rdoctl up`/`down` report besides the install's own events (schema/events.schema.json). */
export type PipelineEvent =
  | { readonly type: "stage"; readonly stage: StageName; readonly status: "start" | "done" | "skipped" | "failed"; readonly time: string; readonly durationMs?: number; readonly message?: string; readonly error?: string }
  | {
      readonly type: "terraform";
      readonly stack: string;
      readonly action: "init" | "plan" | "apply" | "destroy" | "state";
      readonly status: "start" | "done" | "failed";
      readonly time: string;
      readonly durationMs?: number;
      readonly changes?: { readonly add: number; readonly change: number; readonly destroy: number };
      readonly resources?: readonly string[];
      readonly log?: string;
      readonly error?: string;
    }
  | { readonly type: "result-check"; readonly name: string; readonly ok: boolean; readonly time: string; readonly message?: string; readonly durationMs?: number }
  | {
      readonly type: "summary";
      readonly cloud: string;
      readonly authUrl?: string;
      readonly dashboard?: string;
      readonly endpoints: ReadonlyArray<{ readonly service: string; readonly url: string }>;
      readonly cloudsYaml: string;
      readonly usage: string;
      readonly stacks?: readonly string[];
      readonly artifacts: string;
    }
  | { readonly type: "finished"; readonly ok: boolean; readonly message: string; readonly exitCode: number; readonly time: string; readonly artifacts?: string };

export type AnyEvent = InstallEvent | PipelineEvent;
export type AnySink = (event: AnyEvent) => void;

export const now = (): string => new Date().toISOString();

function formatPipelineEvent(e: PipelineEvent): string | undefined {
  switch (e.type) {
    case "stage": {
      const took = e.durationMs !== undefined ? ` (${(e.durationMs / 1000).toFixed(1)} s)` : "";
      if (e.status === "start") return `== ${e.stage}${e.message ? `: ${e.message}` : ""}`;
      if (e.status === "failed") return `== ${e.stage} FAILED${took}${e.error ? `: ${e.error.split("\n")[0]}` : ""}`;
      return `== ${e.stage} ${e.status}${took}${e.message ? `: ${e.message}` : ""}`;
    }
    case "terraform": {
      if (e.status === "start") return undefined;
      const changes = e.changes ? ` +${e.changes.add} ~${e.changes.change} -${e.changes.destroy}` : "";
      const resources = e.resources ? `: ${e.resources.length ? e.resources.join(", ") : "nothing"}` : "";
      return `[${e.stack}] terraform ${e.action} ${e.status === "done" ? "ok" : "FAILED"}${changes}${resources}${e.log ? ` (log ${e.log})` : ""}`;
    }
    case "result-check":
      return `check ${e.ok ? "ok  " : "FAIL"} ${e.name}${e.message ? `: ${e.message}` : ""}`;
    case "summary": {
      const lines = [`cloud ${e.cloud} is up`];
      if (e.authUrl) lines.push(`  auth URL:   ${e.authUrl}`);
      if (e.dashboard) lines.push(`  dashboard:  ${e.dashboard}`);
      for (const ep of e.endpoints) lines.push(`  ${ep.service.padEnd(12)}${ep.url}`);
      lines.push(`  clouds.yaml: ${e.cloudsYaml} (entry ${e.cloud})`, `  use it:     ${e.usage}`, `  artifacts:  ${e.artifacts}`);
      return lines.join("\n");
    }
    case "finished":
      return e.message;
  }
}

function isPipelineEvent(e: AnyEvent): e is PipelineEvent {
  return e.type === "stage" || e.type === "terraform" || e.type === "result-check" || e.type === "summary" || (e.type === "finished" && "exitCode" in e);
}

/**
 * Renders every event on stdout (NDJSON with --json, else lines; the install's events through
 * the install display, live on a terminal) and appends every event to `<artifacts>/events.ndjson`.
 */
export function createPipelineDisplay(options: { json?: boolean; out?: NodeJS.WritableStream }): {
  sink: AnySink;
  /** Starts (or moves) the events file: events so far are written to it first. */
  recordTo(file: string): void;
  end(): void;
} {
  const out = options.out ?? process.stdout;
  const mode = displayMode({ json: options.json, isTTY: (out as NodeJS.WriteStream).isTTY === true });
  const install = createDisplay(mode, out);
  const pending: string[] = [];
  let file: string | undefined;
  const record = (line: string) => {
    if (file) fs.appendFileSync(file, line);
    else pending.push(line);
  };
  return {
    sink: (e) => {
      const json = JSON.stringify(e) + "\n";
      record(json);
      if (mode === "json") {
        out.write(json);
        return;
      }
      if (!isPipelineEvent(e)) {
        install.sink(e);
        return;
      }
      const line = formatPipelineEvent(e) ?? (e.type === "finished" ? formatEvent({ type: "finished", ok: e.ok, message: e.message }) : undefined);
      if (line === undefined) return;
      const stamp = mode === "plain" ? `${now()} ` : "";
      out.write(line.split("\n").map((l) => stamp + l).join("\n") + "\n");
    },
    recordTo(target) {
      file = target;
      fs.writeFileSync(file, pending.join(""), { mode: 0o600 });
      pending.length = 0;
    },
    end: () => install.end(),
  };
}
