/**
 * The tags page: the automatic tags with their rules, and the manual tags the merchant has used
 * (`crm_tag_names`, written when a tag is first added), each counted on the indexed `crm.tags`.
 * Requests on the cloud: settings + 1 name list + 1 count per tag (8 automatic + the manual ones).
 */
import type { TagListView } from '../../../shared/contracts/crm';
import { tagRules } from '../../../shared/rules/member-tags';
import type { TagNameDoc } from '../../../shared/schemas/crm';
import { database } from '../platform/cloud';
import { queryDocs } from '../platform/db';
import { loadLifecycleSettings } from '../lifecycle';
import { countMembers } from './query';

const MANUAL_SHOWN = 100;

export async function listTags(today: string): Promise<TagListView> {
  const [{ settings }, names] = await Promise.all([
    loadLifecycleSettings(),
    queryDocs<TagNameDoc>(database().collection('crm_tag_names').orderBy('_id', 'asc').limit(MANUAL_SHOWN)),
  ]);
  const rules = tagRules(settings.dormancy);
  const counts = await Promise.all([...rules.map((r) => r.tag as string), ...names.map((n) => n._id)].map((tag) => countMembers({ tags: [tag] }, today)));
  return {
    auto: rules.map((r, i) => ({ tag: r.tag, rule: r.rule, count: counts[i] })),
    manual: names.map((n, i) => ({ tag: n._id, count: counts[rules.length + i] })),
  };
}

/** Records manual tag names as they are first added (a set by name: safe to repeat). */
export async function recordTagNames(tags: readonly string[], now: Date): Promise<void> {
  const db = database();
  for (const tag of tags) {
    await db
      .collection('crm_tag_names')
      .doc(tag)
      .set({ data: { createdAt: now } });
  }
}
