/** Quotes a string for a POSIX shell: single quotes, with embedded ones closed and escaped. */
export function shQuote(value: string): string {
  if (/^[A-Za-z0-9_\/.,:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Splits a stream of text chunks into whole lines; the remainder waits for the next chunk.
 * `flush()` delivers a last line with no newline.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        onLine(pending.slice(0, nl).replace(/\r$/, ""));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf("\n");
      }
    },
    flush() {
      if (pending) onLine(pending);
      pending = "";
    },
  };
}
