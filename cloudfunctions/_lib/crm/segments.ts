/**
 * Saved segments (`crm_segments/<segmentId>`, each version also kept as
 * `crm_segment_versions/<segmentId>@<version>`): named by the merchant, found by name, versioned
 * (shared/rules/segments.ts `nextSegmentVersion`: a stale `expectedVersion` is
 * SEGMENT_VERSION_CONFLICT with the version in force).
 */
import crypto from 'node:crypto';
import type { SegmentView } from '../../../shared/contracts/crm';
import { AppError } from '../../../shared/errors';
import { nextSegmentVersion, type SegmentFilter } from '../../../shared/rules/segments';
import type { SegmentDoc } from '../../../shared/schemas/crm';
import { database } from '../platform/cloud';
import { getById, inTransaction, queryDocs, txGet } from '../platform/db';
import type { Editor } from '../platform/settings';

/** One id per name: saving under a name edits that segment. */
const segmentIdOf = (name: string) => `seg-${crypto.createHash('sha256').update(name).digest('hex').slice(0, 20)}`;

export async function saveSegment(
  input: { name: string; filter: SegmentFilter; expectedVersion?: number },
  by: Editor,
  now: Date,
): Promise<{ segmentId: string; version: number }> {
  const segmentId = segmentIdOf(input.name);
  return inTransaction(async (tx) => {
    const current = await txGet<SegmentDoc>(tx, 'crm_segments', segmentId);
    const next = nextSegmentVersion(current, input);
    const doc: Omit<SegmentDoc, '_id'> = {
      ...next,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      updatedBy: by.openid,
      updatedByName: by.name,
    };
    await tx.collection('crm_segments').doc(segmentId).set({ data: doc });
    await tx
      .collection('crm_segment_versions')
      .doc(`${segmentId}@${next.version}`)
      .set({ data: { ...doc, segmentId } });
    return { segmentId, version: next.version };
  });
}

export async function getSegment(segmentId: string): Promise<SegmentDoc> {
  const doc = await getById<SegmentDoc>('crm_segments', segmentId);
  if (!doc) throw new AppError('SEGMENT_NOT_FOUND');
  return doc;
}

const LIST_LIMIT = 200;

export async function listSegments(): Promise<SegmentView[]> {
  const docs = await queryDocs<SegmentDoc>(database().collection('crm_segments').orderBy('updatedAt', 'desc').limit(LIST_LIMIT));
  return docs.map((d) => ({
    segmentId: d._id,
    name: d.name,
    filter: d.filter,
    version: d.version,
    updatedAt: new Date(d.updatedAt).toISOString(),
    updatedByName: d.updatedByName,
  }));
}
