import type { DryRunDetails } from "./dry-run";
import type { EventSink, InstallEvent } from "./events";

export type DisplayMode = "tty" | "plain" | "json";

/**
 * How to render: NDJSON with --json; the redrawn live area only on an interactive terminal.
 * CI runners often give a pseudo-terminal (CI=true) whose log keeps every redraw as noise,
 * and a dumb terminal cannot move the cursor: both get plain lines.
 */
export function displayMode(how: { json?: boolean; isTTY?: boolean; env?: NodeJS.ProcessEnv }): DisplayMode {
  if (how.json) return "json";
  const env = how.env ?? process.env;
  const ci = env.CI !== undefined && env.CI !== "" && !/^(false|0|no)$/i.test(env.CI);
  return how.isTTY && !ci && env.TERM !== "dumb" ? "tty" : "plain";
}

/** One event as a plain line (or nothing: some events only matter to the live view). */
export function formatEvent(e: InstallEvent): string | undefined {
  switch (e.type) {
    case "plan": {
      const run = e.steps.filter((s) => s.action === "run");
      const lines = [`plan: ${run.length} step(s) to run, ${e.steps.length - run.length} done`];
      for (const s of e.steps) lines.push(`  ${s.action === "run" ? "run " : "skip"} ${s.phase.padEnd(9)} ${s.host.padEnd(16)} ${s.reason}`);
      return lines.join("\n");
    }
    case "phase":
      return e.status === "start" ? `== ${e.phase}` : e.status === "failed" ? `== ${e.phase} FAILED` : undefined;
    case "step":
      return `[${e.host}] ${e.phase}: ${e.status}${e.message ? ` (${e.message})` : ""}`;
    case "check": {
      const mark = e.level === "ok" ? "ok  " : e.level === "warning" ? "WARN" : "FAIL";
      return `[${e.host}] ${mark} ${e.check}: ${e.message}${e.hint ? ` — ${e.hint}` : ""}`;
    }
    case "output":
      return `[${e.host}] ${e.line}`;
    case "packstack": {
      const ev = e.event;
      if (ev.kind === "step") return ev.status === "running" ? undefined : `packstack: ${ev.title} [${ev.status.toUpperCase()}]`;
      if (ev.kind === "apply") return `packstack: ${ev.status === "running" ? "applying" : ev.status === "done" ? "applied" : "FAILED"} ${ev.manifest}`;
      if (ev.kind === "log-dir") return `packstack: log directory ${ev.path}`;
      if (ev.kind === "success") return "packstack: installation completed successfully";
      return `packstack: ERROR ${ev.message}`;
    }
    case "info":
      return e.host ? `[${e.host}] ${e.message}` : e.message;
    case "warning":
      return `${e.host ? `[${e.host}] ` : ""}warning: ${e.message}`;
    case "diagnosis":
      return undefined; // printed by the CLI with the error
    case "dry-run":
      return formatDryRun(e.details);
    case "finished":
      return e.message;
  }
}

function formatDryRun(d: DryRunDetails): string {
  const lines = ["hosts (how rdoctl would connect):"];
  const width = Math.max(...d.hosts.map((h) => h.host.length));
  for (const h of d.hosts) {
    lines.push(`  ${h.host.padEnd(width)}  ${h.route} [${h.roles.join(",")}]`);
    lines.push(`  ${"".padEnd(width)}  auth: ${h.auth.join(", ")}; host key: ${h.hostKey}`);
  }
  const r = d.release;
  lines.push(`release ${r.version} (${r.codename}): repositories ${r.repositories.join(", ")}; packages ${r.packages.join(", ")}`);
  const a = d.answers;
  const names = (what: string, keys: readonly string[]) => (keys.length ? [`${keys.length} ${what} (${keys.join(", ")})`] : []);
  if (a.status === "not uploaded yet") lines.push("answer file: not uploaded yet");
  else if (a.status === "unchanged") lines.push(`answer file: unchanged since the last upload (${a.lastUpload})`);
  else {
    const parts = [...names("changed", a.changed), ...names("added", a.added), ...names("removed", a.removed)];
    lines.push(`answer file: changed since the last upload (${a.lastUpload}): ${parts.join(", ") || "layout only"}`);
  }
  if (d.actions.length === 0) lines.push("would run: nothing");
  else lines.push("would run:");
  for (const act of d.actions) lines.push(`  ${act.phase} on ${act.hosts.join(", ")}: ${act.what}`);
  return lines.join("\n");
}

/**
 * Renders events: NDJSON (`--json`), one line per event (pipes, CI logs), or on a TTY a
 * scrolling log of finished things with a redrawn live area below: running steps with their
 * latest output line, and Packstack's current step.
 */
export function createDisplay(mode: DisplayMode, out: NodeJS.WritableStream = process.stdout): { sink: EventSink; end(): void } {
  if (mode === "json") return { sink: (e) => out.write(JSON.stringify(e) + "\n"), end: () => undefined };
  if (mode === "plain") {
    return {
      sink: (e) => {
        const line = formatEvent(e);
        // Timestamped (UTC) so a CI log shows where the time went.
        const stamp = new Date().toISOString();
        if (line !== undefined) out.write(line.split("\n").map((l) => `${stamp} ${l}`).join("\n") + "\n");
      },
      end: () => undefined,
    };
  }
  const live = new Map<string, string>();
  let drawn = 0;
  // A pty may report 0 columns (e.g. under script(1)): fall back to a usual width.
  const width = () => {
    const cols = (out as NodeJS.WriteStream).columns ?? process.stdout.columns;
    return cols && cols > 20 ? cols - 1 : 100;
  };
  const clip = (s: string) => (s.length > width() ? s.slice(0, width() - 1) + "…" : s);
  const redraw = (permanent: string | undefined) => {
    let buf = drawn > 0 ? `\x1b[${drawn}A\x1b[0J` : "";
    if (permanent !== undefined) buf += permanent + "\n";
    const rows = [...live.values()].map(clip);
    buf += rows.map((r) => r + "\n").join("");
    drawn = rows.length;
    out.write(buf);
  };
  return {
    sink: (e) => {
      let permanent: string | undefined;
      if (e.type === "step") {
        const key = `${e.phase}/${e.host}`;
        if (e.status === "running") live.set(key, `… ${e.phase} ${e.host}`);
        else {
          live.delete(key);
          if (e.phase === "run") live.delete("packstack");
          permanent = `${e.status === "done" ? "✔" : e.status === "skipped" ? "·" : "✘"} ${e.phase} ${e.host}${e.message ? ` — ${e.message}` : ""}`;
        }
      } else if (e.type === "output") {
        if (!e.line.trim()) return;
        for (const [key, row] of live) if (key.endsWith(`/${e.host}`)) live.set(key, `${row.split(" │ ")[0]} │ ${e.line.trim()}`);
      } else if (e.type === "packstack") {
        const ev = e.event;
        if (ev.kind === "step" && ev.status === "running") live.set("packstack", `… packstack: ${ev.title}`);
        else if (ev.kind === "apply" && ev.status === "running") live.set("packstack", `… packstack: applying ${ev.manifest}`);
        else {
          // Finished: the live row waits for Packstack's next step (or goes with the run).
          live.delete("packstack");
          const line = formatEvent(e);
          permanent = line && (ev.kind === "step" ? `${ev.status === "error" ? "✘" : "✔"} ${line}` : line);
        }
      } else {
        permanent = formatEvent(e);
      }
      redraw(permanent);
    },
    end: () => {
      live.clear();
      redraw(undefined);
    },
  };
}
