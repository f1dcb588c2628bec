import { AppError, type ErrorCode } from '../../../shared/errors';
import type { Tx } from './db';
import type { SetOf } from './typed-db';
import type { CollectionName, DocOf } from '../../../shared/schemas/collections';
import { txGet } from './db';
import crypto from 'node:crypto';
import { forgetSettings, settingsDoc, type SettingsId } from './settings-read';
import { log } from './log';

/**
 * One policy for versioned settings (the tier ladder, the earning rules, and later coupon and
 * campaign settings): the editor sends the version they edited (`expectedVersion`); the save answers
 * the settings' conflict code with the current version when someone saved in between; each save is
 * a new version `current.version + 1` kept in the history, with `updatedBy` (the editor's OPENID)
 * and `updatedByName` (for people).
 */
export interface VersionedDoc {
  version: number;
  updatedAt: Date;
  updatedBy: string;
  updatedByName?: string;
}

/** The collections that hold versioned settings. */
type VersionedCollection = Extract<CollectionName, 'settings' | 'tier_configs'>;

export interface VersionedSettings<T, N extends VersionedCollection> {
  collection: N;
  /** `_id` of the version in force */
  currentId: string;
  /** `_id` under which version `v` is kept */
  historyId: (version: number) => string;
  conflictCode: Extract<ErrorCode, 'RULES_VERSION_CONFLICT' | 'TIER_CONFIG_VERSION_CONFLICT'>;
  /** the version of the built-in defaults (before any save) */
  defaultVersion: number;
  /** the document a save writes for version `version` */
  toDoc: (value: T, meta: VersionedDoc) => SetOf<DocOf<N>>;
  /** written once as the first history entry (the defaults the members were rated under), if given */
  defaultsDoc?: (meta: VersionedDoc) => SetOf<DocOf<N>>;
  /** `settings/<stampId>` rewritten with each save (version and a fresh token): per-instance copies check it */
  stampId?: string;
}

export interface Editor {
  openid: string;
  name: string;
}

/** Saves `value` as the next version inside the caller's transaction; answers the new version. */
export async function saveVersioned<T, N extends VersionedCollection>(
  tx: Tx,
  spec: VersionedSettings<T, N>,
  value: T,
  expectedVersion: number,
  by: Editor,
  now: Date,
): Promise<number> {
  const current = await txGet<VersionedDoc>(tx, spec.collection, spec.currentId);
  const currentVersion = current?.version ?? spec.defaultVersion;
  if (expectedVersion !== currentVersion) throw new AppError(spec.conflictCode, undefined, { currentVersion });
  if (!current && spec.defaultsDoc) {
    const meta = { version: currentVersion, updatedAt: now, updatedBy: 'default', updatedByName: '默认设置' };
    await tx
      .collection(spec.collection)
      .doc(spec.historyId(currentVersion))
      .set({ data: spec.defaultsDoc(meta) });
  }
  const version = currentVersion + 1;
  const data = spec.toDoc(value, { version, updatedAt: now, updatedBy: by.openid, updatedByName: by.name });
  await tx.collection(spec.collection).doc(spec.currentId).set({ data });
  await tx.collection(spec.collection).doc(spec.historyId(version)).set({ data });
  if (spec.stampId)
    await tx
      .collection('settings')
      .doc(spec.stampId)
      .set({ data: { version, token: crypto.randomUUID() } });
  forgetSettings();
  return version;
}

/** What `loadVersioned` parses a stored value with: a zod schema, or a function shaped like its `safeParse`. */
interface StoredValueParser<T> {
  safeParse(stored: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } };
}

/**
 * The versioned setting `settings/<id>` as this call read it (with the call's other settings, in one
 * request: settings-read.ts), its value kept under `key`: the defaults at version 0 before any save
 * (a document saved before versions existed counts as version 0 too); the defaults at the stored
 * version, with the issues logged, when the stored value does not validate, so a bad document never
 * stops an order or a job.
 */
export async function loadVersioned<K extends 'rules' | 'settings', T>(
  id: SettingsId,
  key: K,
  schema: StoredValueParser<T>,
  defaults: T,
): Promise<{ version: number } & Record<K, T>> {
  const doc = await settingsDoc<{ version?: number } & Partial<Record<K, unknown>>>(id);
  const answer = (version: number, value: T) => ({ version, [key]: value }) as { version: number } & Record<K, T>;
  if (!doc) return answer(0, defaults);
  const parsed = schema.safeParse(doc[key]);
  if (!parsed.success) {
    // `points-rules` logs as [points], `engagement` as [engagement]: the feature's tag
    log.error(`[${id.replace(/-rules$/, '')}] stored ${key} do not validate; using defaults`, parsed.error.issues);
    return answer(doc.version ?? 0, defaults);
  }
  return answer(doc.version ?? 0, parsed.data);
}
