import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DocumentStore } from '../../local-cloud/store';
import { LocalCloud } from '../../local-cloud/services';
import { db } from './sdk';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const WRITER = path.join(__dirname, 'fixtures/durable-writer.ts');

/** Starts the writer, SIGKILLs it once `enough` acknowledgements arrived; answers every acknowledged line. */
function runAndKill(file: string, mode: 'docs' | 'tx', enough: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // tsx runs the script in a child node process: start it in its own process group and kill the group.
    const child = spawn(TSX, [WRITER, file, mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`writer too slow: ${acked.length} acks; stderr: ${stderr}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ') || line.startsWith('commit ')) acked.push(line.split(' ')[1]);
      if (!killed && acked.length >= enough) {
        killed = true;
        killGroup();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'close': the pipes are drained, so every line printed before the kill landed is counted.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${stderr}`));
      else resolve(acked);
    });
  });
}

describe('conformance: durability across SIGKILL', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-durable-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('every acknowledged add survives a SIGKILL of the writer, and the store reopens cleanly', async () => {
    const file = path.join(dir, 'cloud.sqlite');
    const acked = await runAndKill(file, 'docs', 40);
    expect(acked.length).toBeGreaterThanOrEqual(40);

    const store = new DocumentStore(file);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const ids = new Set(store.scan('ledger').map((s) => s.doc._id));
      for (const id of acked) expect(ids.has(id)).toBe(true);
      // Writes are sequential: what is stored is a prefix d0..dK, with at most the in-flight one extra.
      expect(ids.size).toBeLessThanOrEqual(acked.length + 1);
      const doc = store.get('ledger', acked[0])!.doc;
      expect(doc.createdAt).toBeInstanceOf(Date);
    } finally {
      store.close();
    }

    // And the reopened file serves the SDK again, through a new LocalCloud.
    const cloud = new LocalCloud({ file, durable: true, faults: { conflict: 0, transient: 0, lostReply: 0 } });
    try {
      const last = acked[acked.length - 1];
      expect((await db().collection('ledger').doc(last).get()).data).toMatchObject({ _id: last });
      await db()
        .collection('ledger')
        .add({ data: { _id: 'after-crash', n: -1 } });
      expect(cloud.store.get('ledger', 'after-crash')).toBeDefined();
      expect((await db().collection('ledger').count()).total).toBeGreaterThanOrEqual(acked.length + 1);
    } finally {
      cloud.close();
    }
  });

  it('a transaction committed before SIGKILL is fully present; the one in flight is absent entirely', async () => {
    const file = path.join(dir, 'cloud.sqlite');
    const committed = (await runAndKill(file, 'tx', 8)).map(Number);
    expect(committed.length).toBeGreaterThanOrEqual(8);

    const store = new DocumentStore(file);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const byTx = new Map<number, number>();
      for (const { doc } of store.scan('ledger')) byTx.set(doc.tx as number, (byTx.get(doc.tx as number) ?? 0) + 1);
      for (const n of committed) expect(byTx.get(n)).toBe(5);
      // Every transaction in the file is whole: 5 of 5 documents, never a part.
      for (const [, parts] of byTx) expect(parts).toBe(5);
      const maxCommitted = Math.max(...committed);
      // At most the transaction whose commit was under way when the kill landed is there unacknowledged.
      expect(Math.max(...byTx.keys())).toBeLessThanOrEqual(maxCommitted + 1);
      const progress = store.get('job_runs', 'progress')!.doc.lastTx as number;
      expect(progress).toBe(Math.max(...byTx.keys()));
    } finally {
      store.close();
    }
  });
});
