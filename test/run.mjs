// `npm test`: formatting, types, then the whole vitest suite. Ends with the plain line
// "N passed, N failed" that CI reads (vitest's own summary is not one it recognises).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: false }).status ?? 1;
const bin = (name) => path.join('node_modules', '.bin', name);

const checks = [
  ['prettier', [bin('prettier'), '--check', '.']],
  ['typecheck', [bin('tsc'), '-p', 'tsconfig.json', '--noEmit']],
];
let failedChecks = 0;
for (const [name, [cmd, ...args]] of checks) {
  console.log(`\n> ${name}`);
  if (run(cmd, args) !== 0) {
    failedChecks++;
    console.log(`${name} failed`);
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'emulsion-vitest-'));
const report = path.join(dir, 'report.json');
console.log('\n> vitest');
const status = run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A file that fails to load has no tests but must still fail the run.
  failed += json.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
} catch {
  failed += 1;
}
rmSync(dir, { recursive: true, force: true });
passed += checks.length - failedChecks;
failed += failedChecks;
if (status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && status === 0 ? 0 : 1);
