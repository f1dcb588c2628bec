import type Database from 'better-sqlite3';

interface OutboxMessage {
  id: number;
  kind: 'subscribeMessage';
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState?: string;
  createdAt: string;
}

/** Records subscribe messages instead of sending them; kept in the store file, out of the functions' reach. */
export class Outbox {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)`);
  }

  private readonly refusals = new Map<string, number>();

  /**
   * Makes the platform refuse sends to `touser` with `errCode` (43101: the user has no subscription,
   * 40003: bad openid …) until cleared with null: what the cloud does for a recipient, locally.
   */
  refuse(touser: string, errCode: number | null): void {
    if (errCode === null) this.refusals.delete(touser);
    else this.refusals.set(touser, errCode);
  }

  refusalFor(touser: string): number | undefined {
    return this.refusals.get(touser);
  }

  record(message: Omit<OutboxMessage, 'id' | 'createdAt' | 'kind'>): OutboxMessage {
    const createdAt = new Date().toISOString();
    const info = this.db.prepare('INSERT INTO outbox (kind, body, created_at) VALUES (?, ?, ?)').run('subscribeMessage', JSON.stringify(message), createdAt);
    return { id: Number(info.lastInsertRowid), kind: 'subscribeMessage', createdAt, ...message };
  }

  list(limit = 200): OutboxMessage[] {
    const rows = this.db.prepare('SELECT id, kind, body, created_at FROM outbox ORDER BY id DESC LIMIT ?').all(limit) as {
      id: number;
      kind: 'subscribeMessage';
      body: string;
      created_at: string;
    }[];
    return rows.map((r) => ({ id: r.id, kind: r.kind, createdAt: r.created_at, ...(JSON.parse(r.body) as Omit<OutboxMessage, 'id' | 'kind' | 'createdAt'>) }));
  }
}
