/**
 * Arranging engagement tests (the scheduled jobs that give coupons and send subscribe messages): a
 * registered message template, a member's credits for it, a coupon template, a member, a purchase at
 * the till. Each is what the merchant, the member or the clerk does, through the functions, except
 * the credits, which also stand for what the phone's subscription dialog grants on the platform.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { MessagePurpose } from '../../shared/contracts/marketing';
import { LocalCloud } from '../../local-cloud/services';
import { closeTestCloud, invokeOk, openTestCloud, type TestCloud, type TestCloudOptions } from './local-cloud';
import { realClock, setClock } from './clock';
import { seedEarningRules, seedStoreAndStaff } from './points-kit';
import type { EarningRules } from '../../shared/schemas/points';

const ROOT = path.resolve(__dirname, '../..');

interface JobCloudOptions extends TestCloudOptions {
  /** The instant the clock is frozen at before each test (left real when absent: a test sets its own). */
  at?: string;
  /** the merchant's earning rules, saved before each test (the defaults when absent) */
  earningRules?: EarningRules;
}

/**
 * The per-test cloud of the job and engagement tests, inside a `describe`: before each test a fresh
 * cloud with the store and its clerk and merchant (`seedStoreAndStaff`), the merchant's `earningRules`
 * and the clock frozen at `at` if given; after each, the real clock back (a frozen one would leak into the next file's test) and the
 * cloud closed, its documents checked against their schemas. `receive` gets each test's cloud:
 * `let cloud: TestCloud; useJobCloud((opened) => (cloud = opened));`.
 */
export function useJobCloud(receive: (cloud: TestCloud) => void, { at, earningRules, ...options }: JobCloudOptions = {}): void {
  let cloud: TestCloud | undefined;
  beforeEach(() => {
    cloud = openTestCloud(options);
    seedStoreAndStaff(cloud);
    if (earningRules) seedEarningRules(cloud, earningRules);
    if (at !== undefined) setClock(at);
    receive(cloud);
  });
  afterEach(() => {
    realClock();
    const opened = cloud;
    cloud = undefined;
    if (opened) closeTestCloud(opened);
  });
}

/** The merchant registers a template for `purpose` (a thing, a date and a phrase field unless given). */
export async function registerMessageTemplate(
  cloud: LocalCloud,
  purpose: MessagePurpose,
  templateId: string,
  fields = [
    { key: 'thing1', label: '内容' },
    { key: 'date2', label: '日期' },
    { key: 'phrase3', label: '状态' },
  ],
): Promise<string> {
  await invokeOk(cloud, 'marketing', 'registerTemplate', { templateId, title: `${purpose} 提醒`, purpose, fields }, 'o-boss');
  return templateId;
}

/** `n` accepted one-time subscriptions of the member for the template: the app's count and the platform's. */
export function giveCredits(cloud: LocalCloud, member: { memberId: string; openid: string }, templateId: string, n: number): void {
  cloud.store.insert('subscribe_credits', {
    _id: `${member.memberId}:${templateId}`,
    memberId: member.memberId,
    templateId,
    credits: n,
    accepted: n,
    consumed: 0,
    updatedAt: new Date(),
  });
  cloud.subscriptions.accept(member.openid, templateId, n);
}

/** The merchant creates a ¥10 cash coupon template issuable by `channels`; its id. */
export async function createCouponTemplate(cloud: LocalCloud, title: string, channels: ('birthday' | 'campaign')[]): Promise<string> {
  const { templateId } = await invokeOk(
    cloud,
    'coupon',
    'createTemplate',
    { title, kind: 'cash', thresholdFen: 0, valueFen: 1000, validity: { type: 'relative', days: 30 }, stock: 1000, perMemberLimit: 10, channels },
    'o-boss',
  );
  return templateId;
}

/** A person opens a member card. */
export async function join(cloud: LocalCloud, openid: string): Promise<{ memberId: string; openid: string }> {
  const { memberId } = await invokeOk(cloud, 'member', 'join', { agree: true }, openid);
  return { memberId, openid };
}

/** The clerk `o-clerk` of `store-a` records a purchase of one item of `category`, paid at `paidAt`. */
export async function buy(cloud: LocalCloud, memberId: string, receiptNo: string, paidAt: string, category = 'coffee', amountFen = 1000) {
  return invokeOk(
    cloud,
    'points',
    'recordOrder',
    { storeId: 'store-a', receiptNo, items: [{ sku: `SKU-${category}`, category, priceFen: amountFen, quantity: 1 }], amountFen, paidAt, member: { memberId } },
    'o-clerk',
  );
}

/**
 * Runs `job` in a child process on the cloud's data file (closed first: the test reopens it after),
 * paced at `perSecond`, and kills it (SIGKILL, no clean-up) once the outbox holds `killAfterSent`
 * messages. Answers how many it held then.
 */
export async function runJobAndKill(cloud: TestCloud, job: string, killAfterSent: number, perSecond = 20): Promise<number> {
  const file = path.join(cloud.dir, 'cloud.sqlite');
  cloud.close();
  Object.assign(cloud, { close: () => undefined }); // the afterEach still removes the folder
  // Node itself with tsx's loader: the tsx CLI runs the script in a grandchild, which would outlive a
  // SIGKILL of the CLI and finish the job behind the test's back.
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/job-child.ts', file, job], {
    cwd: ROOT,
    env: { ...process.env, HY_JOB_ITEMS_PER_SECOND: String(perSecond) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.resume();
  child.stderr.resume();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  const sentSoFar = () => {
    try {
      return (reader.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    } catch {
      return 0;
    }
  };
  const deadline = Date.now() + 60_000;
  while (sentSoFar() < killAfterSent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await exited;
  const sent = sentSoFar();
  reader.close();
  return sent;
}

/**
 * The cloud's data file opened again after `runJobAndKill` (close it yourself). Unpaced, as
 * `openTestCloud`'s: functions see only their own environment, and with a test's frozen clock the
 * default pacing would wait ever longer between items.
 */
export function reopenCloud(cloud: TestCloud): LocalCloud {
  return new LocalCloud({
    file: path.join(cloud.dir, 'cloud.sqlite'),
    functionSource: 'source',
    durable: false,
    faults: { conflict: 0, transient: 0, lostReply: 0 },
    functionEnv: { HY_JOB_ITEMS_PER_SECOND: 'Infinity' },
  });
}
