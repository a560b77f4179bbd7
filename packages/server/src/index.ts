export { createPortcullis } from './composition-root.js';
export type { Portcullis, BuildOptions } from './composition-root.js';
export { listen, closeAll } from './listen.js';
export { createLogger } from './observability/logger.js';
