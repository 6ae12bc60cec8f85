// Runs the CLI from sources (tsx) for tests that drive `rdoctl` as a child process.
import { main } from "../../src/cli/main";

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`rdoctl: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 70;
  },
);
