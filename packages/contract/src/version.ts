/**
 * The release this code is: the `version` of this package's package.json, which every workspace
 * package shares with the root package.json (version.test.ts holds them equal). Read from the
 * package beside the code, so it is right both from a checkout (src/) and from the built image
 * (dist/, where the root package.json is not shipped). Shown by `portcullis --version`, in the
 * admin `/healthz` body and as the `portcullis_build_info` metric.
 */
import { z } from 'zod';
import manifest from '../package.json' with { type: 'json' };

export const PORTCULLIS_VERSION: string = z.object({ version: z.string().min(1) }).parse(manifest).version;
