import fs from 'node:fs';
import path from 'node:path';
import type { Tx, TypedDatabase } from '../../cloudfunctions/_lib/platform/typed-db';
import { collectionSchemas, type DocOf } from '../../shared/schemas/collections';

/**
 * The typed database (cloudfunctions/_lib/platform/typed-db.ts) at compile time: `npm run typecheck` checks
 * every `@ts-expect-error` below, so a write the types stopped refusing fails the build. The calls
 * sit in functions that are never run (no database here): only the compiler reads them.
 */
export function writes(db: TypedDatabase, tx: Tx) {
  const _ = db.command;
  const members = db.collection('members');

  // ---- accepted
  void members.doc('m1').update({ data: { nickname: '小林', growth: _.inc(10), updatedAt: db.serverDate() } });
  void members.doc('m1').update({ data: { 'points.reconcileDue': false, 'points.nextEventOn': null, phone: _.remove() } });
  void members.where({ tierId: 'gold' }).update({ data: { tierReviewDueOn: '2026-04-01' } });
  void db
    .collection('coupons')
    .doc('c1')
    .update({ data: { status: 'used', used: _.set(null) } });
  void db.collection('store_hours').add({ data: { _id: 's:2026010100', storeId: 's', hour: '2026010100', orders: 1 } });
  void tx
    .collection('phone_claims')
    .doc('hash')
    .set({ data: { memberId: 'm1', at: new Date() } });
  void tx.collection('invite_phones').add({ data: { inviteeId: 'm2', at: new Date() } });

  // ---- refused
  // @ts-expect-error a misspelt collection
  db.collection('member');
  // @ts-expect-error a misspelt field
  void members.doc('m1').update({ data: { nickName: '小林' } });
  // @ts-expect-error a dotted path that does not exist
  void members.doc('m1').update({ data: { 'points.reconcileDu': false } });
  // @ts-expect-error a value of the wrong type
  void members.doc('m1').update({ data: { growth: '10' } });
  // @ts-expect-error a value of the wrong type at a dotted path
  void members.doc('m1').update({ data: { 'points.available': 'many' } });
  // @ts-expect-error `_.inc` on a string field
  void members.doc('m1').update({ data: { nickname: _.inc(1) } });
  // @ts-expect-error `_.remove()` on a required field
  void members.doc('m1').update({ data: { cardNo: _.remove() } });
  const coupons = db.collection('coupons');
  // @ts-expect-error `_.set` of the wrong type
  void coupons.doc('c1').update({ data: { used: _.set('yesterday') } });
  // @ts-expect-error the server's date on a string field
  void members.doc('m1').update({ data: { nickname: db.serverDate() } });
  // @ts-expect-error `_id` is never updated
  void members.doc('m1').update({ data: { _id: 'm2' } });
  // @ts-expect-error a document missing a required field
  void db.collection('store_hours').add({ data: { storeId: 's', hour: '2026010100' } });
  const claims = tx.collection('phone_claims');
  // @ts-expect-error a misspelt field in a whole document
  void claims.doc('hash').set({ data: { memberId: 'm1', at: new Date(), atr: 1 } });
  const txCoupons = tx.collection('coupons');
  // @ts-expect-error a value outside the field's union
  void txCoupons.doc('c1').update({ data: { status: 'spent' } });
}

/** A stored document's type comes from its collection's name. */
export function reads(order: DocOf<'orders'>): number {
  // @ts-expect-error not a field of an order
  void order.amount;
  return order.amountFen;
}

describe('typed collections', () => {
  it('has a schema for every collection the database declares, and no other', () => {
    const declared = JSON.parse(fs.readFileSync(path.join(__dirname, '../../cloudfunctions/database.json'), 'utf8')) as {
      collections: Record<string, unknown>;
    };
    expect(Object.keys(collectionSchemas).sort()).toEqual(Object.keys(declared.collections).sort());
  });

  it('refuses a stored document with a misspelt or missing field, and admits a whole one', () => {
    const hour = { _id: 's:2026010100', storeId: 's', hour: '2026010100', orders: 3 };
    expect(collectionSchemas.store_hours.safeParse(hour).success).toBe(true);
    expect(collectionSchemas.store_hours.safeParse({ ...hour, order: 3 }).success).toBe(false);
    const { orders: _orders, ...missing } = hour;
    expect(collectionSchemas.store_hours.safeParse(missing).success).toBe(false);
  });
});
