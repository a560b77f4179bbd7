/** The pages mailed links open (recovery.routes.ts), as a feature of the public listener under `/recover`. */
import { routerModule, type FeatureModule } from '../http/feature-module.js';
import { recoveryRoutes, type RecoveryRoutesDeps } from './recovery.routes.js';
import { RECOVERY_PREFIX } from './recovery-paths.js';

export const createRecoveryModule = (deps: RecoveryRoutesDeps): FeatureModule => routerModule(RECOVERY_PREFIX, recoveryRoutes(deps));
