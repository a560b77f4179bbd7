// pnpm install hooks (read by every install, including the Containerfile's).
//
// fs-native-extensions (the DATA_DIR lock) pulls in bare-addon-resolve and bare-module-resolve,
// which name `bare-url` as an optional peer for the Bare runtime; Node never loads it. A peer
// anywhere under a workspace package makes pnpm copy that package into its dependents
// (injectWorkspacePackages, needed by `pnpm deploy`) instead of linking it, and the copy holds
// only `dist`, so tests and tsx would run stale or missing code. Dropping the unused peer keeps
// workspace packages linked in development.
const BARE_ONLY_PEER = 'bare-url';

function readPackage(pkg) {
  if (pkg.name === 'bare-addon-resolve' || pkg.name === 'bare-module-resolve') {
    if (pkg.peerDependencies) delete pkg.peerDependencies[BARE_ONLY_PEER];
    if (pkg.peerDependenciesMeta) delete pkg.peerDependenciesMeta[BARE_ONLY_PEER];
  }
  return pkg;
}

module.exports = { hooks: { readPackage } };
