/**
 * How the CLI finds the admin API of a server started with the same environment: the defaults of
 * ADMIN_HOST, ADMIN_PORT and DATA_DIR (the server's config reads these too), and the file in
 * DATA_DIR where an embedded server keeps the admin token it generated.
 */

/** Loopback by default: the admin API is never exposed on the public port. */
export const DEFAULT_ADMIN_HOST = '127.0.0.1';
export const DEFAULT_ADMIN_PORT = 9464;
export const DEFAULT_DATA_DIR = './.data';

/** In DATA_DIR, mode 0600; the CLI reads only its `adminToken`. */
export const SECRETS_FILE_NAME = 'secrets.json';
