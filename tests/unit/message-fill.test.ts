import { asName, fillFields, fieldProblem, kindOfKey, memberCalled, nameOffer, type MessageOffer } from '../../shared/rules/message-fields';
import { birthdayToday, birthdayWindow, DEFAULT_ENGAGEMENT_SETTINGS } from '../../shared/rules/engagement';

/** Issue 26 item 1: messages filled from the member's data by the merchant's labels, never skipped. */
describe('subscribe-message fields from the member and the merchant’s labels', () => {
  const birthdayOffers = (nickname: string): MessageOffer[] => [
    ...nameOffer(nickname),
    { value: '生日免费饮品券', kinds: ['thing'], words: ['礼', '券'] },
    { value: `${memberCalled(nickname)}，生日快乐`, kinds: ['thing'], words: ['祝福', '提示'] },
    { value: '2026年6月18日', kinds: ['date'], words: ['生日'] },
  ];

  it('puts each value where the label asks for it, whatever the field order', () => {
    const fields = [
      { key: 'thing1', label: '礼品名称' },
      { key: 'thing2', label: '祝福语' },
      { key: 'name3', label: '会员姓名' },
      { key: 'date4', label: '生日日期' },
    ];
    expect(fillFields(fields, birthdayOffers('小林'), '2026-06-15')).toEqual({
      data: { thing1: '生日免费饮品券', thing2: '小林，生日快乐', name3: '小林', date4: '2026年6月18日' },
      fallbacks: [],
    });
    // a thing field labelled as a name takes the nickname as written
    const named = fillFields(
      [
        { key: 'thing1', label: '会员昵称' },
        { key: 'thing2', label: '温馨提示' },
      ],
      birthdayOffers('Mia_12'),
      '2026-06-15',
    );
    expect(named.data).toEqual({ thing1: 'Mia_12', thing2: 'Mia_12，生日快乐' });
  });

  it('gives a nickname that fails the 姓名 check a valid form, and greets the default nickname as 会员', () => {
    expect(asName('小林12')).toBe('小林');
    expect(asName('Mia_12')).toBe('Mia');
    expect(asName('😀123')).toBe('会员');
    expect(asName('微信用户')).toBe('会员');
    expect(asName('王小明')).toBe('王小明');
    for (const n of ['小林12', 'Mia_12', '😀123', '微信用户', '一二三四五六七八九十一二']) expect(fieldProblem('name', asName(n))).toBeNull();
    const { data } = fillFields(
      [
        { key: 'name1', label: '寿星' },
        { key: 'thing2', label: '祝福语' },
      ],
      birthdayOffers('微信用户'),
      '2026-06-15',
    );
    expect(data).toEqual({ name1: '会员', thing2: '会员，生日快乐' });
  });

  it('does not repeat a value a labelled field took when the next field asks by kind', () => {
    const title = '满100减20';
    const offers: MessageOffer[] = [
      ...nameOffer('小林'),
      { value: title, kinds: ['thing'], words: ['券', '名称'] },
      { value: title, kinds: ['thing'] },
      { value: '优惠券即将过期，请尽快使用', kinds: ['thing'] },
    ];
    const fields = [
      { key: 'thing1', label: '优惠券名称' },
      { key: 'name3', label: '会员姓名' },
      { key: 'thing4', label: '温馨提示' },
    ];
    expect(fillFields(fields, offers, '2026-06-15').data).toEqual({ thing1: title, name3: '小林', thing4: '优惠券即将过期，请尽快使用' });
  });

  it('fills a field no offer fits with a valid stand-in, and says which', () => {
    const fields = [
      { key: 'phrase1', label: '状态' },
      { key: 'amount2', label: '金额' },
      { key: 'time3', label: '时间' },
      { key: 'thing4', label: '说明' },
    ];
    const r = fillFields(
      fields,
      [
        { value: '这是一段超过二十个字的说明文字，会被截断到二十个字以内', kinds: ['thing'] },
        { value: 'not-han', kinds: ['phrase'] },
      ],
      '2026-06-15',
    );
    expect(r.fallbacks).toEqual(['phrase1', 'amount2', 'time3']);
    for (const [key, value] of Object.entries(r.data)) expect(fieldProblem(kindOfKey(key)!, value)).toBeNull();
    expect([...r.data.thing4]).toHaveLength(20);
  });
});

/** Issue 26 item 2: a late-set birthday still gets this year's gift; the card greets on the day. */
describe('birthday as promised', () => {
  it('a birthday inside the lead window is in today’s run until its day has passed', () => {
    const window = birthdayWindow('2026-06-16', 3);
    expect(window.map((w) => w.day)).toEqual(['2026-06-19', '2026-06-18', '2026-06-17', '2026-06-16']);
    // set on the 16th for the 18th (two days ahead, inside the 3-day lead): gifted this year, on today's run
    expect(window.find((w) => w.monthDays.includes('06-18'))).toEqual({ day: '2026-06-18', year: 2026, monthDays: ['06-18'] });
    // on the day itself still; the day after, no longer (next year's run takes it)
    expect(birthdayWindow('2026-06-18', 3).some((w) => w.monthDays.includes('06-18'))).toBe(true);
    expect(birthdayWindow('2026-06-19', 3).some((w) => w.monthDays.includes('06-18'))).toBe(false);
    // across the new year the gift is next year's; 29 February on 28 February of a common year
    expect(birthdayWindow('2026-12-31', 3).find((w) => w.monthDays.includes('01-01'))).toMatchObject({ year: 2027 });
    expect(birthdayWindow('2027-02-27', 3).find((w) => w.monthDays.includes('02-29'))).toMatchObject({ day: '2027-02-28', year: 2027 });
    expect(birthdayWindow('2026-06-16', 0)).toEqual([{ day: '2026-06-16', year: 2026, monthDays: ['06-16'] }]);
  });

  it('the card’s birthday view: on the day only, with the points multiplier', () => {
    const b = DEFAULT_ENGAGEMENT_SETTINGS.birthday;
    expect(birthdayToday('06-18', '2026-06-18', b)).toEqual({ multiplier: 2 });
    expect(birthdayToday('06-18', '2026-06-17', b)).toBeNull();
    expect(birthdayToday(undefined, '2026-06-18', b)).toBeNull();
    expect(birthdayToday('02-29', '2027-02-28', { ...b, pointsMultiplier: 1 })).toEqual({ multiplier: 1 });
  });
});
