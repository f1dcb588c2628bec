/**
 * The functions' keys, generated once per environment into `.deploy/secrets.<env>.json` (mode 0600,
 * git-ignored). Once phone numbers are stored under them they can never change: this file (or the
 * secret store it is copied to) is the only copy off the cloud.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SECRET_NAMES } from '../../cloudfunctions/_lib/platform/secrets';

type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

export const secretsFile = (root: string, envId: string) => path.join(root, '.deploy', `secrets.${envId}.json`);

export function readSecrets(file: string): Secrets | null {
  if (!fs.existsSync(file)) return null;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const missing = SECRET_NAMES.filter((n) => typeof parsed[n] !== 'string' || !/^[0-9a-f]{64}$/i.test(parsed[n] as string));
  if (missing.length > 0) throw new Error(`${file}: ${missing.join(', ')} missing or not 32 bytes of hex`);
  return Object.fromEntries(SECRET_NAMES.map((n) => [n, parsed[n] as string])) as Secrets;
}

/** Writes new keys; never overwrites a file that exists (that would orphan every stored phone number). */
export function generateSecrets(file: string): Secrets {
  if (fs.existsSync(file)) throw new Error(`${file} exists: keys are generated once and never replaced`);
  const secrets = Object.fromEntries(SECRET_NAMES.map((n) => [n, crypto.randomBytes(32).toString('hex')])) as Secrets;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return secrets;
}

/** Keys that must never change once data is written under them. */
export const DATA_KEYS: readonly string[] = ['HY_PII_KEY', 'HY_PII_HMAC_KEY'];
