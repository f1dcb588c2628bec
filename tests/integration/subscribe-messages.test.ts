import { closeTestCloud, invoke, invokeOk, openTestCloud, type TestCloud } from '../support/local-cloud';
import { seedStoreAndStaff, type Any } from '../support/points-kit';
import { creditsOf, sendMessage } from '../../cloudfunctions/_lib/messages/messages';
import { fieldProblem, kindOfKey, messageProblems } from '../../shared/rules/message-fields';

const TPL = 'tplPointsExpiry0001';

describe('subscribe-message field formats', () => {
  it('checks each kind as WeChat does', () => {
    expect(kindOfKey('thing1')).toBe('thing');
    expect(kindOfKey('character_string12')).toBe('character_string');
    expect(kindOfKey('thing')).toBeNull();
    expect(kindOfKey('colour1')).toBeNull();
    expect(fieldProblem('thing', '一二三四五六七八九十一二三四五六七八九十')).toBeNull();
    expect(fieldProblem('thing', '一二三四五六七八九十一二三四五六七八九十一')).toMatch(/20/);
    expect(fieldProblem('phrase', '已到账')).toBeNull();
    expect(fieldProblem('phrase', '积分即将过期')).toMatch(/5/);
    expect(fieldProblem('phrase', 'ok')).not.toBeNull();
    expect(fieldProblem('number', '120')).toBeNull();
    expect(fieldProblem('number', '12a')).not.toBeNull();
    expect(fieldProblem('amount', '¥100.00')).toBeNull();
    expect(fieldProblem('amount', '100元')).toBeNull();
    expect(fieldProblem('amount', '100')).not.toBeNull();
    expect(fieldProblem('date', '2026年3月2日')).toBeNull();
    expect(fieldProblem('date', '2026-03-02 15:01')).toBeNull();
    expect(fieldProblem('date', '下周二')).not.toBeNull();
    expect(fieldProblem('time', '15:01')).toBeNull();
    expect(fieldProblem('time', '25:01')).not.toBeNull();
    expect(fieldProblem('character_string', 'CP-2026-0001')).toBeNull();
    expect(fieldProblem('character_string', '券码 1')).not.toBeNull();
    expect(fieldProblem('name', '林小满')).toBeNull();
    expect(fieldProblem('name', 'Lin Xiaoman')).toBeNull();
    expect(fieldProblem('name', '林小满abc')).not.toBeNull();
    expect(fieldProblem('thing', '')).not.toBeNull();
    expect(messageProblems(['thing1', 'date2'], { thing1: '积分', extra3: 'x' })).toEqual([
      { key: 'date2', problem: '缺少字段' },
      { key: 'extra3', problem: '模板中没有这个字段' },
    ]);
  });
});

describe('subscribe messages: registry, credits, one send path', () => {
  let cloud: TestCloud;
  let memberId: string;
  beforeEach(async () => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    memberId = (await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-sub')).memberId;
    await invokeOk(
      cloud,
      'marketing',
      'registerTemplate',
      {
        templateId: TPL,
        title: '积分过期提醒',
        purpose: 'points_expiry',
        fields: [
          { key: 'number1', label: '即将过期积分' },
          { key: 'date2', label: '过期日期' },
          { key: 'thing3', label: '温馨提示' },
        ],
        page: 'pages/points/index',
      },
      'o-boss',
    );
  });
  afterEach(() => closeTestCloud(cloud));

  const message = (key: string, data: Record<string, string> = { number1: '120', date2: '2026年3月2日', thing3: '积分即将过期，请尽快使用' }) =>
    sendMessage({ key, memberId, openid: 'o-sub', purpose: 'points_expiry', data, now: new Date() });
  const logOf = (key: string) => cloud.store.get('message_log', key)?.doc as Any;

  it('keeps the registry for the merchant and shows the active templates to members', async () => {
    expect(
      await invoke(
        cloud,
        'marketing',
        'registerTemplate',
        { templateId: 'tplX00000001', title: 'x', purpose: 'birthday', fields: [{ key: 'thing1', label: 'a' }] },
        'o-sub',
      ),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(
      await invoke(
        cloud,
        'marketing',
        'registerTemplate',
        { templateId: 'tplX00000001', title: 'x', purpose: 'birthday', fields: [{ key: 'colour1', label: 'a' }] },
        'o-boss',
      ),
    ).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const seen = await invokeOk(cloud, 'marketing', 'listTemplates', {}, 'o-sub');
    expect(seen).toEqual([expect.objectContaining({ templateId: TPL, purpose: 'points_expiry', page: 'pages/points/index', active: true })]);
  });

  it('sends only with a credit, consumes one per send, never twice per key', async () => {
    expect(await message('k1')).toEqual({ status: 'no_credit' });
    expect(cloud.outbox.list()).toHaveLength(0);
    expect(logOf('k1')).toMatchObject({ status: 'no_credit', memberId });

    expect(await invokeOk(cloud, 'member', 'recordSubscriptions', { accepted: [TPL, 'tplUnknown0001'] }, 'o-sub')).toEqual({
      recorded: [{ templateId: TPL, credits: 1 }],
      ignored: ['tplUnknown0001'],
    });
    await invokeOk(cloud, 'member', 'recordSubscriptions', { accepted: [TPL] }, 'o-sub');
    expect(await creditsOf(memberId, TPL)).toBe(2);

    expect(await message('k2')).toEqual({ status: 'sent' });
    expect(await message('k2')).toEqual({ status: 'duplicate' });
    expect(await creditsOf(memberId, TPL)).toBe(1);
    expect(cloud.outbox.list()).toEqual([
      expect.objectContaining({
        touser: 'o-sub',
        templateId: TPL,
        page: 'pages/points/index',
        data: { number1: { value: '120' }, date2: { value: '2026年3月2日' }, thing3: { value: '积分即将过期，请尽快使用' } },
      }),
    ]);
    expect(logOf('k2')).toMatchObject({ status: 'sent', templateId: TPL });
  });

  it('refuses invalid field values before sending, without touching a credit', async () => {
    await invokeOk(cloud, 'member', 'recordSubscriptions', { accepted: [TPL] }, 'o-sub');
    const r = await message('k3', { number1: '一百二十', date2: '2026年3月2日', thing3: '这是一段超过二十个字符的很长很长很长的提示文字' });
    expect(r.status).toBe('invalid');
    expect(r.issues?.map((i) => i.key)).toEqual(['number1', 'thing3']);
    expect(await creditsOf(memberId, TPL)).toBe(1);
    expect(cloud.outbox.list()).toHaveLength(0);
  });

  it('records the platform’s refusal per recipient and gives no credit back', async () => {
    await invokeOk(cloud, 'member', 'recordSubscriptions', { accepted: [TPL] }, 'o-sub');
    cloud.outbox.refuse('o-sub', 43101);
    expect(await message('k4')).toEqual({ status: 'failed', errCode: 43101 });
    expect(logOf('k4')).toMatchObject({ status: 'failed', errCode: 43101 });
    expect(await creditsOf(memberId, TPL)).toBe(0);
    cloud.outbox.refuse('o-sub', null);
    // the next message has no credit left: not attempted
    expect(await message('k5')).toEqual({ status: 'no_credit' });
    expect(cloud.outbox.list()).toHaveLength(0);
  });
});
