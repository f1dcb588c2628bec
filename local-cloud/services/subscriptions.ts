import type Database from 'better-sqlite3';

/**
 * One-time subscribe-message acceptances per member and template (what `wx.requestSubscribeMessage`
 * grants on the phone: each "accept" allows one send). Kept in the store file, out of the functions'
 * reach: the cloud offers no API to read them, so functions keep their own count.
 */
export class SubscriptionCredits {
  constructor(private readonly db: Database.Database) {
    db.exec(
      'CREATE TABLE IF NOT EXISTS subscribe_credits (openid TEXT NOT NULL, template_id TEXT NOT NULL, credits INTEGER NOT NULL, PRIMARY KEY (openid, template_id)) WITHOUT ROWID',
    );
  }

  accept(openid: string, templateId: string, count = 1): number {
    const row = this.db
      .prepare(
        'INSERT INTO subscribe_credits (openid, template_id, credits) VALUES (?, ?, ?) ON CONFLICT (openid, template_id) DO UPDATE SET credits = credits + excluded.credits RETURNING credits',
      )
      .get(openid, templateId, count) as { credits: number };
    return row.credits;
  }

  left(openid: string, templateId: string): number {
    const row = this.db.prepare('SELECT credits FROM subscribe_credits WHERE openid = ? AND template_id = ?').get(openid, templateId) as
      { credits: number } | undefined;
    return row?.credits ?? 0;
  }

  /** Uses one acceptance; false when none is left. */
  take(openid: string, templateId: string): boolean {
    return (
      this.db.prepare('UPDATE subscribe_credits SET credits = credits - 1 WHERE openid = ? AND template_id = ? AND credits > 0').run(openid, templateId)
        .changes > 0
    );
  }
}
