import { z } from 'zod';
import { instant } from './common';
import { rfmSegmentSchema } from '../rules/rfm';
import { segmentFilterSchema } from '../rules/segments';

/**
 * `members.crm`: what the merchant's search and segments filter on, precomputed by the nightly jobs
 * (cloudfunctions/_lib/crm): each field indexed (cloudfunctions/database.json), so a filter is one
 * indexed query and no page open reads every member. Every part is optional: a job writes its own
 * part by dotted path, and a member no job has reached yet has none.
 */
export const memberCrmSchema = z
  .object({
    /** the automatic tags as the last `member-tags` run (or a manual tagging) computed them (shared/rules/member-tags.ts) */
    autoTags: z.array(z.string()).default([]),
    /** the merchant's tags (`crm.tagMembers`) */
    manualTags: z.array(z.string()).default([]),
    /** automatic then manual, without repeats: what the `tags` filter queries (multikey index) */
    tags: z.array(z.string()).default([]),
    /** RFM scores and segment of the last `rfm-scores` run; null: no purchase in the window */
    rfm: z
      .object({ r: z.number().int().min(1).max(5), f: z.number().int().min(1).max(5), m: z.number().int().min(1).max(5), segment: rfmSegmentSchema })
      .strict()
      .nullable()
      .optional(),
    /** the stores the member bought at within the RFM window (multikey index) */
    storeIds: z.array(z.string()).default([]),
  })
  .strict();

/** `crm_segments/<segmentId>`: a saved segment, the version in force. */
export const segmentDocSchema = z
  .object({
    _id: z.string(),
    name: z.string(),
    filter: segmentFilterSchema,
    version: z.number().int().min(1),
    createdAt: instant,
    updatedAt: instant,
    updatedBy: z.string(),
    updatedByName: z.string(),
  })
  .strict();
export type SegmentDoc = z.infer<typeof segmentDocSchema>;

/** `crm_segment_versions/<segmentId>@<version>`: every saved version (a campaign names the one it sent to). */
export const segmentVersionDocSchema = segmentDocSchema.extend({ segmentId: z.string() }).strict();

/** `crm_notes/note:<requestId>`: a merchant's note on a member (shared/rules/member-notes.ts). */
export const memberNoteDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    text: z.string(),
    by: z.string(),
    byName: z.string(),
    at: instant,
  })
  .strict();
export type MemberNoteDoc = z.infer<typeof memberNoteDocSchema>;

/** `crm_tag_names/<tag>`: a manual tag the merchant has used, so the tags page can list it without reading every member. */
export const tagNameDocSchema = z.object({ _id: z.string(), createdAt: instant }).strict();
export type TagNameDoc = z.infer<typeof tagNameDocSchema>;
