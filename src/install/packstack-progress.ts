import { STATUS_LINE, stripAnsi } from "./diagnose";

/** What Packstack's console output says, line by line. */
export type PackstackEvent =
  | { readonly kind: "step"; readonly title: string; readonly status: "running" | "done" | "error" | "skipped" }
  | { readonly kind: "apply"; readonly manifest: string; readonly status: "running" | "done" | "error" }
  | { readonly kind: "log-dir"; readonly path: string }
  | { readonly kind: "success" }
  | { readonly kind: "error"; readonly message: string };

const MANIFEST_STATUS = /^(\S+\.pp):?$/;

/**
 * Turns Packstack's output into a live step list. Packstack prints a step's title, then (on
 * the same line, once finished) `[ DONE ]` or `[ ERROR ]`: an unfinished last line is the
 * step in progress. Feeding the same text again from the start rebuilds the same state.
 */
export class PackstackProgress {
  private pending = "";
  private runningTitle: string | undefined;
  /** Steps in order with their latest status. */
  readonly steps = new Map<string, "running" | "done" | "error" | "skipped">();
  readonly manifests = new Map<string, "running" | "done" | "error">();
  logDir: string | undefined;
  succeeded = false;
  errorMessage: string | undefined;

  /** Feeds output; returns the events it completes. */
  push(chunk: string): PackstackEvent[] {
    this.pending += chunk;
    const events: PackstackEvent[] = [];
    let nl = this.pending.indexOf("\n");
    while (nl >= 0) {
      events.push(...this.line(this.pending.slice(0, nl)));
      this.pending = this.pending.slice(nl + 1);
      nl = this.pending.indexOf("\n");
    }
    // A title with no status yet: the step Packstack is working on.
    const partial = stripAnsi(this.pending).trim();
    if (partial && !STATUS_LINE.test(partial) && partial !== this.runningTitle && !/^Testing if puppet apply/.test(partial)) {
      // Reported, not recorded: a chunk border may cut the title, the finished line fixes it.
      this.runningTitle = partial;
      if (!this.steps.has(partial)) events.push({ kind: "step", title: partial, status: "running" });
    }
    return events;
  }

  private line(raw: string): PackstackEvent[] {
    const line = stripAnsi(raw).replace(/\r$/, "").trim();
    if (!line) return [];
    const status = STATUS_LINE.exec(line);
    if (status) {
      const title = (status[1] ?? "").trim();
      const word = (status[2] ?? "DONE").toLowerCase() as "done" | "error" | "skipped";
      const manifest = MANIFEST_STATUS.exec(title);
      if (manifest && manifest[1]) {
        const s = word === "skipped" ? "done" : word;
        this.manifests.set(manifest[1], s);
        return [{ kind: "apply", manifest: manifest[1], status: s }];
      }
      this.steps.set(title, word);
      this.runningTitle = undefined;
      return [{ kind: "step", title, status: word }];
    }
    const applying = /^Applying (\S+\.pp)$/.exec(line);
    if (applying && applying[1]) {
      this.manifests.set(applying[1], "running");
      return [{ kind: "apply", manifest: applying[1], status: "running" }];
    }
    const logDir = /installation log file is available at:\s*(\S+)\/openstack-setup\.log/.exec(line);
    if (logDir && logDir[1] && !this.logDir) {
      this.logDir = logDir[1];
      return [{ kind: "log-dir", path: logDir[1] }];
    }
    if (/\*+ Installation completed successfully \*+/.test(line)) {
      this.succeeded = true;
      return [{ kind: "success" }];
    }
    const error = /^ERROR\s*:\s*(.*)$/.exec(line);
    if (error) {
      this.errorMessage = error[1] ?? "";
      return [{ kind: "error", message: this.errorMessage }];
    }
    return [];
  }
}
