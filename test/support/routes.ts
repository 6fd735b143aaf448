import type { Router } from 'express';
import type { App } from '../../server/app';
import { apiRouters, publicApiRouters, rootRouters } from '../../server/routes';

export interface RouteInfo {
  method: string;
  path: string;
  openapiPath: string;
}

/**
 * Every route the app registers (health, metrics, the display and console pages, public and authenticated `/api/v1`
 * features), read from the Express routers themselves.
 */
export function registeredRoutes(app: App): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (router: Router, prefix: string) => {
    for (const layer of (router as unknown as { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> }).stack) {
      if (!layer.route) continue;
      for (const m of Object.keys(layer.route.methods)) {
        const path = `${prefix}${layer.route.path}`;
        out.push({ method: m, path, openapiPath: path.replace(/:(\w+)/g, '{$1}') });
      }
    }
  };
  for (const make of rootRouters) walk(make(app.ctx), '');
  for (const make of [...publicApiRouters, ...apiRouters]) walk(make(app.ctx), '/api/v1');
  return out;
}
