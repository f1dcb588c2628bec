import { beijingTime, exportFileName, formatMyData, myDataSections, signedPoints, UTF8_BOM, yuanText, type MyDataExport } from '../../shared/rules/data-export';

/** One member's export as the function answers it (ISO instants in UTC). */
function sample(): MyDataExport {
  return {
    exportedAt: '2026-12-07T16:30:00.000Z', // 2026-12-08 00:30 in Beijing: the file names the Beijing day
    format: 'huiyuan-member-export/1',
    member: {
      _id: 'm1',
      cardNo: '880000000001',
      nickname: '小林',
      avatarUrl: '',
      tierId: 'silver',
      growth: 1200,
      points: { available: 300, pending: 20, debt: 0, lots: [], pendingLots: [] } as unknown as MyDataExport['member']['points'],
      registeredAt: '2026-05-05T06:00:00.000Z',
      updatedAt: '2026-05-05T06:00:00.000Z',
      source: 'miniprogram',
      gender: 'female',
      birthday: { month: 7, day: 14, year: 1995 },
      privacy: { version: '2026-05', acceptedAt: '2026-05-05T06:00:00.000Z' },
      wechatOpenid: 'o-lin',
      phone: '13800138000',
    },
    orders: [
      {
        _id: 'pos:s1:R9',
        storeId: 's1',
        receiptNo: 'R9',
        memberId: 'm1',
        items: [{ sku: 'LAT', category: '饮品', name: '拿铁', priceFen: 3200, quantity: 2 }],
        amountFen: 6400,
        paidAt: '2026-06-01T02:05:00.000Z',
        channel: 'staff',
        staffOpenid: 'o-clerk',
        rulesVersion: 1,
        points: 64,
        growth: 64,
        lotId: 'lot',
        flags: [],
        refundedFen: 3200,
        pointsClawed: 32,
        growthClawed: 32,
        createdAt: '2026-06-01T02:05:00.000Z',
      },
    ],
    ledger: [
      {
        _id: 'refund:1',
        memberId: 'm1',
        kind: 'refund',
        delta: -800,
        pendingDelta: 0,
        reason: '退款扣回',
        ref: { type: 'order', id: 'o' },
        balanceAfter: 300,
        pendingAfter: 0,
        createdAt: '2026-06-02T12:00:00.000Z',
      },
      {
        _id: 'order:1:earn',
        memberId: 'm1',
        kind: 'earn',
        delta: 0,
        pendingDelta: 1100,
        reason: '消费 ¥110.00',
        ref: { type: 'order', id: 'o' },
        balanceAfter: 1100,
        pendingAfter: 1100,
        createdAt: '2026-06-01T02:05:00.000Z',
        maturesOn: '2026-06-08',
      },
    ],
    coupons: [
      {
        _id: '123456789012',
        templateId: 't',
        templateVersion: 1,
        memberId: 'm1',
        issueKey: 'k',
        channel: 'claim_center',
        status: 'used',
        terms: {
          title: '满100减20',
          description: '',
          kind: 'cash',
          thresholdFen: 10000,
          valueFen: 2000,
          discountPercent: null,
          maxDiscountFen: null,
          storeIds: null,
          stackable: false,
        },
        issuedAt: '2026-06-01T01:00:00.000Z',
        startsAt: '2026-06-01T01:00:00.000Z',
        endsAt: '2026-06-30T16:00:00.000Z',
        used: {
          at: '2026-06-03T03:00:00.000Z',
          storeId: 's1',
          storeName: '一号店',
          staff: { openid: 'x', name: '店员', role: 'staff' },
          orderId: null,
          verificationId: 'v',
        },
      },
    ],
    tierChanges: [
      {
        _id: 'tc1',
        memberId: 'm1',
        configVersion: 1,
        kind: 'upgrade',
        fromTierId: 'normal',
        toTierId: 'silver',
        growth: 1200,
        reason: '成长值达到 1000',
        at: '2026-06-01T02:05:00.000Z',
      },
    ],
    mallOrders: [
      {
        _id: 'mo-1',
        requestId: 'r1',
        memberId: 'm1',
        itemId: 'i1',
        kind: 'physical',
        title: '帆布袋',
        quantity: 1,
        pointsSpent: 500,
        cashFen: 0,
        status: 'shipped',
        entryId: 'e',
        spentLots: [],
        couponIds: [],
        codes: [],
        address: { name: '林小', phone: '13800138000', region: '上海市 浦东新区', detail: '世纪大道 1 号' },
        shipping: { carrier: '顺丰', trackingNo: 'SF123', shippedAt: '2026-06-05T08:00:00.000Z', by: 'o-boss' },
        cancelledAt: null,
        refundEntryId: null,
        createdAt: '2026-06-04T15:59:00.000Z',
      },
    ],
    checkins: [
      {
        _id: 'm1:202606',
        memberId: 'm1',
        month: '2026-06',
        days: { '02': { points: 5, streak: 2, makeUp: true }, '01': { points: 2, streak: 1 } },
        makeUps: 1,
      },
    ],
    accessLog: [{ by: 'member_code', at: '2026-06-01T02:04:00.000Z', staff: '小吴', role: 'staff', storeId: 's1' }],
    names: { stores: { s1: '一号店' }, tiers: { normal: '普通会员', silver: '银卡' } },
  };
}

describe('the data export a person reads', () => {
  it('formats instants in Beijing time, money in yuan, points signed', () => {
    expect(beijingTime('2026-06-04T15:59:00.000Z')).toBe('2026-06-04 23:59');
    expect(beijingTime('2026-06-04T16:00:00.000Z')).toBe('2026-06-05 00:00');
    expect(beijingTime(null)).toBe('');
    expect(yuanText(6400)).toBe('¥64.00');
    expect(yuanText(5)).toBe('¥0.05');
    expect([signedPoints(300), signedPoints(-800), signedPoints(0)]).toEqual(['+300', '−800', '0']);
  });

  it('has one section per kind, in order, with Chinese columns', () => {
    const sections = myDataSections(sample());
    expect(sections.map((s) => s.title)).toEqual(['会员信息', '积分明细', '优惠券', '订单', '商城兑换', '签到', '等级变动', '查询记录']);
    for (const s of sections) for (const c of s.columns) expect(c).toMatch(/^[\u4e00-\u9fff]+$/);
  });

  it('the txt file: the member card, then the rows of each kind, oldest first', () => {
    const text = formatMyData(sample(), 'txt');
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines.slice(0, 2)).toEqual(['我的会员数据', '导出时间：2026-12-08 00:30（北京时间）']);
    for (const line of [
      '会员卡号：880000000001',
      '等级：银卡',
      '可用积分：300',
      '生日：1995 年 7 月 14 日',
      '性别：女',
      '开卡时间：2026-05-05 14:00',
      '同意隐私政策：2026-05 版，2026-05-05 14:00',
      '同意会员服务协议：未同意',
    ])
      expect(lines).toContain(line);
    const ledger = lines.indexOf('【积分明细】（2 条）');
    expect(lines.slice(ledger + 1, ledger + 4)).toEqual([
      '时间 | 类型 | 积分 | 说明 | 可用余额 | 生效日期',
      '2026-06-01 10:05 | 获得 | +1100（待生效） | 消费 ¥110.00 | 1100 | 2026-06-08',
      '2026-06-02 20:00 | 退款扣回 | −800 | 退款扣回 | 300 | —',
    ]);
    expect(lines).toContain('123456789012 | 满100减20 | 满¥100.00减¥20.00 | 已使用 | 2026-06-01 09:00 | 2026-06-01 至 2026-06-30 | 2026-06-03 11:00 一号店');
    expect(lines).toContain('2026-06-01 10:05 | 一号店 | R9 | 拿铁×2 | ¥64.00 | +64 | +64 | 退款 ¥32.00，积分 −32 | 店员录入');
    expect(lines).toContain(
      '2026-06-04 23:59 | 帆布袋×1 | 实物 | −500 | — | 已发货 | 顺丰 SF123（2026-06-05 16:00 发货） | 林小 13800138000 上海市 浦东新区 世纪大道 1 号 | — | —',
    );
    const checkin = lines.indexOf('【签到】（2 条）');
    expect(lines.slice(checkin + 2, checkin + 4)).toEqual(['2026-06-01 | +2 | 1 | 签到', '2026-06-02 | +5 | 2 | 补签']);
    expect(lines).toContain('2026-06-01 10:05 | 升级 | 普通会员 → 银卡 | 1200 | 成长值达到 1000');
    expect(lines).toContain('2026-06-01 10:04 | 扫描会员码 | 店员 小吴 | 一号店');
    // no UTC instant and no raw key leaks into the readable file
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
    expect(text).not.toMatch(/\b(pendingDelta|amountFen|createdAt|refund|earn)\b/);
  });

  it('an unused coupon past its end reads 已过期 (the nightly job has not marked it yet)', () => {
    const d = sample();
    d.coupons[0] = { ...d.coupons[0], status: 'unused', used: null };
    expect(myDataSections(d)[2].rows[0][3]).toBe('已过期');
    d.coupons[0] = { ...d.coupons[0], endsAt: '2027-01-01T00:00:00.000Z' };
    expect(myDataSections(d)[2].rows[0][3]).toBe('未使用');
  });

  it('an empty kind says so', () => {
    const text = formatMyData({ ...sample(), mallOrders: [], checkins: [] }, 'txt');
    expect(text).toContain('【商城兑换】（0 条）\r\n暂无记录');
    expect(text).toContain('【签到】（0 条）\r\n暂无记录');
  });

  it('the csv file: a BOM for Excel, one table per section, quoted cells, and no formula injection', () => {
    const d = sample();
    d.member.nickname = '=HYPERLINK("http://x","点我")';
    const csv = formatMyData(d, 'csv');
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toContain('【积分明细】（2 条）');
    expect(lines).toContain('时间,类型,积分,说明,可用余额,生效日期');
    expect(lines).toContain('2026-06-02 20:00,退款扣回,−800,退款扣回,300,');
    expect(lines).toContain('2026-06-01 10:05,一号店,R9,拿铁×2,¥64.00,+64,+64,退款 ¥32.00，积分 −32,店员录入');
    expect(lines).toContain('昵称,"\t=HYPERLINK(""http://x"",""点我"")"');
  });

  it('names the file by card number and the Beijing day', () => {
    expect(exportFileName(sample(), 'csv')).toBe('我的会员数据-880000000001-2026-12-08.csv');
    expect(exportFileName(sample(), 'json')).toBe('我的会员数据-880000000001-2026-12-08.json');
  });
});
