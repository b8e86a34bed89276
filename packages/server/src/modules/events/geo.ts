const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres between two WGS-84 points. */
export function haversineM(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A lng/lat box that contains every point within `radiusM` of the centre (a cheap index pre-filter). */
export function boundingBox(c: { lng: number; lat: number }, radiusM: number): { minLng: number; maxLng: number; minLat: number; maxLat: number } {
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLng = dLat / Math.max(Math.cos(rad(c.lat)), 1e-6);
  return { minLng: c.lng - dLng, maxLng: c.lng + dLng, minLat: c.lat - dLat, maxLat: c.lat + dLat };
}
