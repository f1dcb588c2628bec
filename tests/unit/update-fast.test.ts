import { update } from 'mingo';
import { applySimpleUpdate } from '../../local-cloud/database/update-fast';

/** The direct path for plain updates gives exactly what mingo's updater gives, or leaves it to mingo. */
describe('plain updates applied without mingo', () => {
  const base = () => ({
    _id: 'd',
    n: 1,
    s: 'x',
    at: new Date('2026-01-01T00:00:00Z'),
    points: { available: 10, lots: [{ id: 'l1' }], seq: 3 },
    tags: ['a'],
    nil: null as unknown,
  });
  const cases: Array<Record<string, Record<string, unknown>>> = [
    { $set: { s: 'y' } },
    { $set: { s: 'x' } }, // unchanged
    { $set: { 'points.available': 12, 'points.reconcileDue': true } },
    { $set: { 'points.seq': 3 } }, // unchanged
    { $set: { 'new.deep.path': 1 } },
    { $set: { at: new Date('2026-01-01T00:00:00Z') } }, // same instant: unchanged
    { $set: { at: new Date('2026-01-02T00:00:00Z') } },
    { $set: { points: { available: 10, lots: [{ id: 'l1' }], seq: 3 } } }, // deep-equal: unchanged
    { $set: { points: { seq: 4 } } },
    { $inc: { n: 2, 'points.seq': 1 } },
    { $inc: { n: 0 } }, // unchanged
    { $inc: { missing: 0 } }, // created
    { $inc: { 'a.b': 5 } },
    { $unset: { s: '' } },
    { $unset: { nope: '' } }, // unchanged
    { $set: { s: 'z' }, $inc: { n: -1 }, $unset: { tags: '' } },
  ];
  it.each(cases)('%j', (modifier) => {
    const ours = base();
    const theirs = base();
    const changed = applySimpleUpdate(ours, modifier);
    const modified = update(theirs, modifier as never);
    expect(changed).toBe(modified.length > 0);
    expect(ours).toEqual(theirs);
  });

  it('leaves arrays, positional paths, other operators, conflicts and type errors to mingo', () => {
    const untouched = (modifier: Record<string, Record<string, unknown>>) => {
      const d = base();
      expect(applySimpleUpdate(d, modifier)).toBeNull();
      expect(d).toEqual(base());
    };
    untouched({ $push: { tags: 'b' } });
    untouched({ $set: { 'tags.0': 'b' } });
    untouched({ $set: { 'points.lots.0.id': 'x' } });
    untouched({ $set: { 'points.lots.$[].id': 'x' } });
    untouched({ $set: { points: 1, 'points.seq': 2 } });
    untouched({ $set: { 's.inner': 1 } }); // through a string
    untouched({ $set: { 'nil.inner': 1 } }); // through null
    untouched({ $inc: { s: 1 } });
    untouched({ $inc: { n: '1' } });
  });
});
