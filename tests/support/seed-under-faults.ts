import { seedDemoData, seedState, SEED_MARKER } from '../../local-cloud/tools';
import { closeTestCloud, openTestCloud } from './local-cloud';

/** Issue 9 item 13: the demo seed under injected faults, at the caller's size (default run and soak). */
export function itSeedsUnderFaults(members: number, historyDays?: number): void {
  it(`seeds ${members} members (${historyDays ?? 'the full'} days of history) through transient faults and lost replies, writes its marker last, and a half-seeded store is known as such`, async () => {
    const cloud = openTestCloud({ faults: { conflict: 0, transient: 0.15, lostReply: 0.1, seed: 13 } });
    try {
      expect(await seedState()).toBe('empty');
      const counts = await seedDemoData(cloud, { members, historyDays });
      expect(await seedState()).toBe('done');
      expect(cloud.store.scan('members')).toHaveLength(counts.members);
      expect(cloud.store.scan('ledger')).toHaveLength(counts.ledger);
      // every member's ledger sums to its balance: nothing written twice, nothing missing
      const ledger = cloud.store.scan('ledger').map((s) => s.doc as unknown as { memberId: string; delta: number });
      for (const m of cloud.store.scan('members').map((s) => s.doc as unknown as { _id: string; points: { available: number } })) {
        expect(ledger.filter((e) => e.memberId === m._id).reduce((s, e) => s + e.delta, 0)).toBe(m.points.available);
      }
      cloud.store.remove('settings', SEED_MARKER);
      expect(await seedState()).toBe('partial');
    } finally {
      closeTestCloud(cloud);
    }
    // The seed walks every day of 15 months (joins, orders, the nightly snapshot for the dashboard).
  }, 600_000);
}
