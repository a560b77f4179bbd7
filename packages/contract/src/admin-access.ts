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

/**
 * In DATA_DIR, mode 0600, while an embedded server runs: `{ adminUrl, adminToken, pid }`, so the
 * CLI finds that server with no environment. Removed on a clean stop; after a crash the CLI sees
 * that its pid is gone and ignores it.
 */
export const ADMIN_FILE_NAME = 'admin.json';

/** In DATA_DIR: the file an embedded server holds an exclusive lock on while it runs. */
export const LOCK_FILE_NAME = 'portcullis.lock';
