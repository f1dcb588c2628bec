import { AppError, type ErrorCode } from '../../shared/errors';
import type { Tx } from './db';
import type { SetOf } from './typed-db';
import type { CollectionName, DocOf } from '../../shared/schemas/collections';
import { txGet } from './db';
import crypto from 'node:crypto';
import { forgetSettings } from './settings-read';

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
