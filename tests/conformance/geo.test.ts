import { distanceMetres } from '../../local-cloud/database/geo';
import { db, errText, failure, useCloud } from './sdk';

/**
 * 云开发文档 geo: `db.Geo.Point(lng, lat)` is stored as GeoJSON; `_.geoNear({ geometry, maxDistance,
 * minDistance })` (metres) answers the documents nearest first; `_.geoWithin({ geometry | centerSphere })`
 * and `_.geoIntersects({ geometry })`; the aggregation stage `geoNear({ near, distanceField, spherical,
 * query, key, includeLocs, maxDistance })`. wx-server-sdk sends them as `$nearSphere`, `$geoWithin`,
 * `$geoIntersects` and `$geoNear` (seen by driving it through the local transport).
 * A store finder (附近门店) is the feature that needs them.
 */
type Shop = { _id: string; name: string; location: { type: string; coordinates: number[] }; open?: boolean };

// Shanghai: People's Square, then shops at known distances from it.
const CENTER: [number, number] = [121.4737, 31.2304];
const SHOPS: [string, string, number, number, boolean][] = [
  ['jingan', '静安店', 121.4484, 31.2286, true], // about 2.4 km west
  ['xintiandi', '新天地店', 121.4747, 31.2197, true], // about 1.2 km south
  ['lujiazui', '陆家嘴店', 121.5055, 31.2397, false], // about 3.2 km east
  ['hongqiao', '虹桥店', 121.3268, 31.1979, true], // about 14 km west
];

describe('conformance: geo queries over db.Geo points', () => {
  const ctx = useCloud();
  const shops = () => db().collection('shops');
  beforeEach(async () => {
    await db().createCollection('shops');
    const Geo = db().Geo;
    // Inserted out of distance order, so the order of an answer is the engine's doing.
    await shops().add({ data: SHOPS.map(([id, name, lng, lat, open]) => ({ _id: id, name, location: Geo.Point(lng, lat), open })) });
  });

  it('stores db.Geo.Point as GeoJSON, and the SDK reads it back as a db.Geo.Point', async () => {
    const raw = (await ctx.cloud.database.handle('database.getDocument', { collectionName: 'shops', queryType: 'DOC', query: '{"_id":"jingan"}' })) as {
      data: { list: string[] };
    };
    expect(JSON.parse(raw.data.list[0]).location).toEqual({ type: 'Point', coordinates: [{ $numberDouble: '121.4484' }, { $numberDouble: '31.2286' }] });
    const res = await shops().doc('jingan').get();
    const location = (res.data as Shop).location as unknown as { longitude: number; latitude: number };
    expect(location.constructor.name).toBe('Point');
    expect([location.longitude, location.latitude]).toEqual([121.4484, 31.2286]);
  });

  it('geoNear answers the shops within maxDistance, nearest first, and honours minDistance', async () => {
    const _ = db().command;
    const Geo = db().Geo;
    const near = await shops()
      .where({ location: _.geoNear({ geometry: Geo.Point(...CENTER), maxDistance: 5000 }) })
      .get();
    expect((near.data as Shop[]).map((s) => s._id)).toEqual(['xintiandi', 'jingan', 'lujiazui']);
    const ring = await shops()
      .where({ location: _.geoNear({ geometry: Geo.Point(...CENTER), minDistance: 2000, maxDistance: 20000 }) })
      .get();
    expect((ring.data as Shop[]).map((s) => s._id)).toEqual(['jingan', 'lujiazui', 'hongqiao']);
    const openOnly = await shops()
      .where({ open: true, location: _.geoNear({ geometry: Geo.Point(...CENTER), maxDistance: 5000 }) })
      .limit(1)
      .get();
    expect((openOnly.data as Shop[]).map((s) => s._id)).toEqual(['xintiandi']);
  });

  it('geoWithin: inside a polygon, and inside a sphere given in radians (centerSphere)', async () => {
    const _ = db().command;
    const Geo = db().Geo;
    // A box around central Puxi and Lujiazui, excluding Hongqiao.
    const area = Geo.Polygon([
      Geo.LineString([Geo.Point(121.43, 31.21), Geo.Point(121.52, 31.21), Geo.Point(121.52, 31.25), Geo.Point(121.43, 31.25), Geo.Point(121.43, 31.21)]),
    ]);
    const inside = await shops()
      .where({ location: _.geoWithin({ geometry: area }) })
      .orderBy('_id', 'asc')
      .get();
    expect((inside.data as Shop[]).map((s) => s._id)).toEqual(['jingan', 'lujiazui', 'xintiandi']);
    const twoKm = 2000 / 6378100;
    const sphere = await shops()
      .where({ location: _.geoWithin({ centerSphere: [CENTER, twoKm] }) })
      .get();
    expect((sphere.data as Shop[]).map((s) => s._id)).toEqual(['xintiandi']);
  });

  it('geoIntersects: the point of a shop intersects a polygon around it, a stored polygon intersects a point in it', async () => {
    const _ = db().command;
    const Geo = db().Geo;
    const aroundJingan = Geo.Polygon([
      Geo.LineString([Geo.Point(121.44, 31.22), Geo.Point(121.46, 31.22), Geo.Point(121.46, 31.24), Geo.Point(121.44, 31.24), Geo.Point(121.44, 31.22)]),
    ]);
    const hit = await shops()
      .where({ location: _.geoIntersects({ geometry: aroundJingan }) })
      .get();
    expect((hit.data as Shop[]).map((s) => s._id)).toEqual(['jingan']);
    await db().createCollection('zones');
    await db()
      .collection('zones')
      .add({ data: { _id: 'z1', area: aroundJingan } });
    const z = await db()
      .collection('zones')
      .where({ area: _.geoIntersects({ geometry: Geo.Point(121.45, 31.23) }) })
      .get();
    expect(z.data).toHaveLength(1);
    const none = await db()
      .collection('zones')
      .where({ area: _.geoIntersects({ geometry: Geo.Point(121.5, 31.23) }) })
      .get();
    expect(none.data).toHaveLength(0);
  });

  it('the geoNear aggregation stage adds the distance in metres, nearest first, with query, key and includeLocs', async () => {
    const Geo = db().Geo;
    const res = await shops()
      .aggregate()
      .geoNear({
        near: Geo.Point(...CENTER),
        distanceField: 'distance',
        spherical: true,
        key: 'location',
        query: { open: true },
        includeLocs: 'loc',
        maxDistance: 5000,
      })
      .project({ name: 1, distance: 1, loc: 1 })
      .limit(10)
      .end();
    const list = res.list as { _id: string; distance: number; loc: unknown }[];
    expect(list.map((s) => s._id)).toEqual(['xintiandi', 'jingan']);
    expect(list[0].distance).toBeCloseTo(distanceMetres(CENTER, [121.4747, 31.2197]), 3);
    expect(list[0].distance).toBeGreaterThan(1100);
    expect(list[0].distance).toBeLessThan(1300);
    expect(JSON.parse(JSON.stringify(list[1].loc))).toEqual({ type: 'Point', coordinates: [121.4484, 31.2286] });
    // $geoWithin in a later match stage (MongoDB allows it there; $near is only the geoNear stage).
    const area = Geo.Polygon([
      Geo.LineString([Geo.Point(121.43, 31.21), Geo.Point(121.48, 31.21), Geo.Point(121.48, 31.25), Geo.Point(121.43, 31.25), Geo.Point(121.43, 31.21)]),
    ]);
    const within = await shops()
      .aggregate()
      .sort({ _id: 1 })
      .match({ location: db().command.geoWithin({ geometry: area }) })
      .project({ _id: 1 })
      .end();
    expect(within.list).toEqual([{ _id: 'jingan' }, { _id: 'xintiandi' }]);
    const e = await failure(() =>
      shops()
        .aggregate()
        .match({})
        .geoNear({ near: Geo.Point(...CENTER), distanceField: 'd', spherical: true })
        .limit(1)
        .end(),
    );
    expect(errText(e)).toMatch(/first stage/);
  });
});
