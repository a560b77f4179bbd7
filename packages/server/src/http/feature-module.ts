/**
 * A feature of the public listener (the sign-in interactions, the account page, the demo, the
 * stylesheet) as one value: the path prefix it owns and the middleware that answers under it.
 * The public app mounts the list it is given and derives "ours or the provider's" from these
 * prefixes, so a new feature is one module and one line in the composition root.
 *
 * `routes` is one middleware rather than a router: a feature with several routers (the account
 * page) composes their `routes()` side by side, which keeps each route's own template
 * (`_matchedRoute`, the metrics label) exactly as a nested router would not.
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';

export interface FeatureModule {
  /** Paths equal to this or below it (`${prefix}/…`) are this feature's; the provider never sees them. */
  prefix: string;
  routes: Middleware;
}

/** A feature made of one or more routers, tried in the order given. */
export function routerModule(prefix: string, ...routers: Router[]): FeatureModule {
  return { prefix, routes: compose(routers.map((router) => router.routes() as unknown as Middleware)) };
}
