import * as readline from "node:readline";
import { Writable } from "node:stream";
import { RdoctlError } from "../../errors";

/** Gives the password for `user@host`; asked only when the inventory allows password auth. */
export type PasswordSource = (user: string, host: string) => Promise<string>;

/**
 * Asks on the terminal with echo off. Refuses when stdin is not a TTY: a password must never
 * come from a file, a pipe or an environment variable that ends up in logs. Hosts connect in
 * parallel, so questions wait for each other: two at once would both read the same line.
 * @param ask puts one question to the person. @default the terminal, echo off
 */
export function terminalPasswordSource(ask: (question: string) => Promise<string> = askOnTerminal): PasswordSource {
  const cache = new Map<string, Promise<string>>();
  let previous: Promise<unknown> = Promise.resolve();
  return (user, host) => {
    const key = `${user}@${host}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = previous.then(() => ask(`${key}'s password: `));
      previous = pending.catch(() => undefined);
      cache.set(key, pending);
    }
    return pending;
  };
}

function askOnTerminal(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    return Promise.reject(
      new RdoctlError(`password authentication needs a terminal to ask for the password (${question.replace(/: $/, "")})`),
    );
  }
  return new Promise((resolve) => {
    let muted = false;
    const output = new Writable({
      write(chunk, _enc, done) {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}
