import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

// ESLint loads its flat config with a dynamic import, which jest's module sandbox does not run:
// every case is linted in one child node process.
const LINT = `
const { ESLint } = require('eslint');
const path = require('node:path');
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = {};
  for (const [name, [filePath, code]] of Object.entries(JSON.parse(input))) {
    const [r] = await eslint.lintText(code, { filePath: path.join(process.cwd(), filePath) });
    out[name] = r.messages.filter((m) => /no-restricted-imports/.test(m.ruleId || '')).map((m) => m.message);
  }
  process.stdout.write(JSON.stringify(out));
});`;

/**
 * Lints each case, a small file's text placed at a path of the project (the file need not exist),
 * and answers the import-rule messages ESLint reports for it, by case name.
 */
export function importRuleMessages<K extends string>(cases: Record<K, readonly [filePath: string, code: string]>): Record<K, string[]> {
  return JSON.parse(execFileSync(process.execPath, ['-e', LINT], { cwd: ROOT, input: JSON.stringify(cases) }).toString()) as Record<K, string[]>;
}
