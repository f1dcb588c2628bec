import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

// ESLint loads its flat config with a dynamic import, which jest's module sandbox does not run:
// every case is linted in one child node process. In "imports" mode the type-aware rules are off
// (a case's file need not exist, and the import rules need no types); in "typed" mode each case is
// written to its path for the lint (the project service only types files on disk) and removed after.
// A case that fails to parse throws: an "allowed" case must not pass because nothing was linted.
const LINT = `
const { ESLint } = require('eslint');
const fs = require('node:fs');
const path = require('node:path');
const [mode, rulePattern] = process.argv.slice(1);
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', async () => {
  const overrideConfig =
    mode === 'imports'
      ? {
          languageOptions: { parserOptions: { projectService: false, project: null } },
          rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
        }
      : undefined;
  const eslint = new ESLint({ cwd: process.cwd(), overrideConfig });
  const out = {};
  for (const [name, [filePath, code]] of Object.entries(JSON.parse(input))) {
    const full = path.join(process.cwd(), filePath);
    let r;
    if (mode === 'imports') {
      [r] = await eslint.lintText(code, { filePath: full });
    } else {
      if (fs.existsSync(full)) throw new Error(filePath + ' exists: a typed lint case needs a free path');
      fs.writeFileSync(full, code);
      try {
        [r] = await eslint.lintFiles([full]);
      } finally {
        fs.rmSync(full);
      }
    }
    const fatal = r.messages.find((m) => m.fatal);
    if (fatal) throw new Error(name + ': ' + fatal.message);
    out[name] = r.messages.filter((m) => new RegExp(rulePattern).test(m.ruleId || '')).map((m) => m.message);
  }
  process.stdout.write(JSON.stringify(out));
});`;

type Cases<K extends string> = Record<K, readonly [filePath: string, code: string]>;

function lint<K extends string>(mode: 'imports' | 'typed', rulePattern: string, cases: Cases<K>): Record<K, string[]> {
  const out = execFileSync(process.execPath, ['-e', LINT, mode, rulePattern], { cwd: ROOT, input: JSON.stringify(cases) });
  return JSON.parse(out.toString()) as Record<K, string[]>;
}

/**
 * Lints each case, a small file's text placed at a path of the project (the file need not exist),
 * and answers the import-rule messages ESLint reports for it, by case name.
 */
export function importRuleMessages<K extends string>(cases: Cases<K>): Record<K, string[]> {
  return lint('imports', 'no-restricted-imports', cases);
}

/**
 * Lints each case with the type-aware rules: the file is written at its path (which must be free),
 * linted with the project's types, and removed. Answers the messages of the rules matching `rulePattern`.
 */
export function typedRuleMessages<K extends string>(rulePattern: string, cases: Cases<K>): Record<K, string[]> {
  return lint('typed', rulePattern, cases);
}
