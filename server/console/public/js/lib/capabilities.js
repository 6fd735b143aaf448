/**
 * Optional API features, read once from the public OpenAPI document (`/openapi.json` documents every route, and a
 * test keeps it so). Features another part of the API is still building stay hidden until their route exists:
 * nothing here is a version check, so a server that gains a route lights the control up without a console release.
 *
 * | flag | route | what appears |
 * | --- | --- | --- |
 * | sites | GET /api/v1/sites | the site picker in the reception toolbar |
 * | slots | GET /api/v1/doctors/{id}/slots | a list of free start times in the booking panel (`start_time` on booking) |
 * | transfer | POST /api/v1/queue-entries/{id}/transfer | "Transfer" on the called patient (doctor view) |
 * | priority | PATCH /api/v1/queue-entries/{id} | "Priority" on waiting patients (doctor view): normal, priority, emergency |
 */

/** @typedef {{ sites: boolean, slots: boolean, transfer: boolean, priority: boolean }} Capabilities */

/** @type {Capabilities} */
export const NO_CAPABILITIES = { sites: false, slots: false, transfer: false, priority: false };

/** @returns {Promise<Capabilities>} every flag false when the document cannot be read. */
export async function loadCapabilities() {
  try {
    const res = await fetch('/openapi.json', { signal: AbortSignal.timeout(10000) });
    const paths = res.ok ? (await res.json()).paths || {} : {};
    const has = (path, method) => Boolean(paths[path] && paths[path][method]);
    return {
      sites: has('/api/v1/sites', 'get'),
      slots: has('/api/v1/doctors/{id}/slots', 'get'),
      transfer: has('/api/v1/queue-entries/{id}/transfer', 'post'),
      priority: has('/api/v1/queue-entries/{id}', 'patch'),
    };
  } catch {
    return NO_CAPABILITIES;
  }
}
