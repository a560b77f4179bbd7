/** The sign-in journey (interaction.routes.ts, forgot-password.routes.ts) as a feature of the public listener, under `/interaction`. */
import { routerModule, type FeatureModule } from '../http/feature-module.js';
import { interactionRoutes, type InteractionDeps } from './interaction.routes.js';
import { forgotPasswordRoutes, type ForgotPasswordDeps } from './forgot-password.routes.js';
import { INTERACTION_PREFIX } from './paths.js';

export const createInteractionModule = (deps: InteractionDeps & ForgotPasswordDeps): FeatureModule => routerModule(INTERACTION_PREFIX, interactionRoutes(deps), forgotPasswordRoutes(deps));
