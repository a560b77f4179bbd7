/**
 * deploy/kubernetes, offline: each overlay renders with kubectl's kustomize, every object passes
 * the schema its kind has on npm (test/support/kubernetes.ts says which), a wrong field fails,
 * and what the manifests promise holds: the app's probes, security context and spread, limits
 * equal to deploy/nginx's, an admin port only Prometheus and admins reach, the CloudNativePG
 * topology, Redis with Sentinel, and monitoring built from deploy/prometheus and deploy/grafana.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import YAML from 'yaml';
import { render, root, validateObject, type K8sObject } from './support/kubernetes.js';
import { appRuleFiles, appRuleGroups } from '../scripts/kubernetes-prometheus-rules.js';

const KUSTOMIZE = path.join(root, 'deploy', 'kubernetes');
const OVERLAYS = ['production', 'local'];

function one(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is not rendered`);
  return found;
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const rendered = new Map<string, K8sObject[]>();
  let prod: K8sObject[];

  before(async () => {
    for (const overlay of OVERLAYS) rendered.set(overlay, await render(path.join(KUSTOMIZE, 'overlays', overlay)));
    prod = rendered.get('production') ?? [];
  });

  it('every object of every overlay passes its schema', () => {
    for (const [overlay, objects] of rendered) {
      assert.ok(objects.length > 0, `${overlay} rendered nothing`);
      assert.deepEqual(objects.flatMap(validateObject), [], `overlay ${overlay}`);
    }
    // docs/deployment.md applies the production overlay one tier at a time by this label.
    const untiered = prod.filter((o) => o.kind !== 'Namespace' && !['app', 'database', 'redis', 'monitoring'].includes(o.metadata.labels?.['portcullis.dev/tier'] ?? ''));
    assert.deepEqual(untiered.map((o) => `${o.kind}/${o.metadata.name}`), []);
  });

  it('a wrong field, a wrong type or an unknown kind fails the validation', () => {
    const mutate = (object: K8sObject, change: (copy: K8sObject) => void): string[] => {
      const copy = structuredClone(object);
      change(copy);
      return validateObject(copy);
    };
    const deployment = one(prod, 'Deployment', 'portcullis');
    assert.match(mutate(deployment, (d) => { d.spec.template.spec.containers[0].livenesProbe = {}; }).join(), /livenesProbe: unknown field/);
    assert.notDeepEqual(mutate(deployment, (d) => { d.spec.replicas = 'two'; }), []);
    assert.match(mutate(one(prod, 'Cluster', 'portcullis-db'), (c) => { c.spec.postgresql.synchronous.numbr = 1; }).join(), /numbr: unknown field/);
    assert.notDeepEqual(mutate(one(prod, 'ServiceMonitor', 'portcullis'), (s) => { s.spec.endpoints = 'admin'; }), []);
    assert.match(mutate(one(prod, 'RedisReplication', 'portcullis-redis'), (r) => { r.spec.podSecurityContext.runAsNonRoott = true; }).join(), /runAsNonRoott/);
    assert.match(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).join(), /no schema known/);
  });

  it('a broken kustomization fails end to end: rendered, then refused', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-kustomize-'));
    try {
      const patch = [{ op: 'add', path: '/spec/template/spec/containers/0/readinesProbe', value: { periodSeconds: 5 } }];
      await writeFile(path.join(dir, 'kustomization.yaml'), YAML.stringify({
        resources: [path.relative(dir, path.join(KUSTOMIZE, 'base', 'app'))],
        patches: [{ target: { kind: 'Deployment', name: 'portcullis' }, patch: JSON.stringify(patch) }],
      }));
      const problems = (await render(dir)).flatMap(validateObject);
      assert.match(problems.join('\n'), /Deployment\/portcullis: .*readinesProbe: unknown field/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the app: two or more replicas, admin-port probes, a locked-down container, spread and budget', () => {
    const deployment = one(prod, 'Deployment', 'portcullis');
    const pod = deployment.spec.template.spec;
    assert.ok(deployment.spec.replicas >= 2);
    assert.equal(one(prod, 'HorizontalPodAutoscaler', 'portcullis').spec.minReplicas, 2);
    assert.equal(one(prod, 'PodDisruptionBudget', 'portcullis').spec.minAvailable, 1);
    assert.deepEqual(pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey), ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    const [app] = pod.containers;
    assert.deepEqual(app.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]), [['http', 3000], ['admin', 9464]]);
    assert.deepEqual([app.startupProbe, app.livenessProbe, app.readinessProbe].map((p) => `${p.httpGet.port}${p.httpGet.path}`), ['admin/healthz', 'admin/healthz', 'admin/readyz']);
    assert.ok(app.resources.requests.cpu && app.resources.requests.memory && app.resources.limits.memory);
    for (const container of [...pod.initContainers, ...pod.containers]) {
      assert.deepEqual(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } }, container.name);
      assert.deepEqual(container.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }], container.name);
    }
    assert.ok(pod.volumes.find((v: { name: string; emptyDir?: object }) => v.name === 'tmp' && v.emptyDir));
    assert.deepEqual(pod.initContainers.map((c: { command: string[] }) => c.command.at(-1)), ['/app/server/node_modules/@portcullis/db/dist/migrate.main.js']);
    assert.equal(one(prod, 'Job', 'portcullis-migrate').spec.template.spec.containers[0].command.at(-1), '/app/server/node_modules/@portcullis/db/dist/migrate.main.js');
  });

  it('the migration step (kubectl apply -l portcullis.dev/step=migrate) selects the Job and all it needs', async () => {
    const doc = await readFile(path.join(root, 'docs/deployment.md'), 'utf8');
    const selector = /kubectl apply -f portcullis\.yaml -l (\S+)=(\S+)\nkubectl -n portcullis wait --for=condition=complete job\/portcullis-migrate/.exec(doc);
    assert.ok(selector, 'docs/deployment.md step 8 applies the Job by a label');
    const [, key = '', value] = selector;
    const selected = prod.filter((o) => o.metadata.labels?.[key] === value).map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort();
    const job = one(prod, 'Job', 'portcullis-migrate');
    const needed = [
      'Job/portcullis-migrate',
      `ServiceAccount/${job.spec.template.spec.serviceAccountName}`,
      ...job.spec.template.spec.containers[0].envFrom.filter((e: { configMapRef?: object }) => e.configMapRef).map((e: { configMapRef: { name: string } }) => `ConfigMap/${e.configMapRef.name.replace(/-[a-z0-9]{10}$/, '')}`),
    ].sort();
    assert.deepEqual(selected, needed);
  });

  it('the image is a placeholder every overlay replaces; no Secret is rendered, only referenced', () => {
    const images = (objects: K8sObject[]) => objects.flatMap((o) => {
      const pod = o.kind === 'Deployment' || o.kind === 'Job' ? o.spec.template.spec : undefined;
      return pod ? [...(pod.initContainers ?? []), ...pod.containers].map((c: { image: string }) => c.image) : [];
    });
    assert.deepEqual([...new Set(images(prod))], ['registry.example.com/portcullis:0.1.0']);
    assert.deepEqual([...new Set(images(rendered.get('local') ?? []))], ['localhost/portcullis:dev']);
    for (const objects of rendered.values()) assert.equal(objects.filter((o) => o.kind === 'Secret').length, 0);
    const referenced = new Set<string>();
    JSON.stringify(prod, (key, value: unknown) => {
      if (['secretRef', 'secretKeyRef', 'redisSecret', 'accessKeyId', 'secretAccessKey'].includes(key)) referenced.add((value as { name: string }).name);
      return value;
    });
    assert.deepEqual([...referenced].sort(), ['portcullis-app', 'portcullis-backup-s3', 'portcullis-db-app']);
  });

  it('Ingress limits equal deploy/nginx: rate, burst and connections per path group', async () => {
    const http = await readFile(path.join(root, 'deploy/nginx/portcullis-http.conf'), 'utf8');
    const locations = await readFile(path.join(root, 'deploy/nginx/portcullis-locations.conf'), 'utf8');
    const rate = (zone: string) => Number(new RegExp(`zone=${zone}:\\S+ rate=(\\d+)r/s`).exec(http)?.[1]);
    const burst = (zone: string) => Number(new RegExp(`zone=${zone} burst=(\\d+)`).exec(locations)?.[1]);
    const connections = Number(/limit_conn portcullis_conn (\d+);/.exec(locations)?.[1]);
    const expected: [string, string, string][] = [['portcullis', '/', 'portcullis_global'], ['portcullis-signin', '/interaction', 'portcullis_login'], ['portcullis-token', '/token', 'portcullis_token']];
    for (const [name, prefix, zone] of expected) {
      const ingress = one(prod, 'Ingress', name);
      const a = ingress.metadata.annotations ?? {};
      assert.equal(ingress.spec.rules[0].http.paths[0].path, prefix);
      assert.equal(Number(a['nginx.ingress.kubernetes.io/limit-rps']), rate(zone), `${name} rate`);
      assert.equal(Number(a['nginx.ingress.kubernetes.io/limit-rps']) * Number(a['nginx.ingress.kubernetes.io/limit-burst-multiplier']), burst(zone), `${name} burst`);
      assert.equal(Number(a['nginx.ingress.kubernetes.io/limit-connections']), connections, `${name} connections`);
      assert.equal(a['nginx.ingress.kubernetes.io/proxy-body-size'], /client_max_body_size (\S+);/.exec(locations)?.[1]);
      assert.equal(ingress.spec.tls[0].hosts[0], ingress.spec.rules[0].host);
    }
    assert.ok(rate('portcullis_registration') >= rate('portcullis_login'), 'registration shares the sign-in Ingress: it must not be looser there');
    // Each limited Nginx location has its path in the Ingress of the same limits.
    const paths = (name: string) => one(prod, 'Ingress', name).spec.rules[0].http.paths.map((p: { path: string }) => p.path);
    assert.deepEqual(paths('portcullis-token'), ['/token', '/request', '/device/auth']);
    assert.deepEqual(paths('portcullis-signin'), ['/interaction', '/reg']);
    for (const location of ['/token', '/request', '/device/auth']) assert.match(locations, new RegExp(`location ${location} \\{[^}]*zone=portcullis_token `), location);
    assert.match(locations, /location ~\* \^\/reg\(\?:\/\|\$\) \{[^}]*zone=portcullis_registration /);
  });

  it('the admin port is private: only Prometheus, the admins namespace and labelled admin clients; no Ingress reaches it', () => {
    const [publicRule, adminRule] = one(prod, 'NetworkPolicy', 'portcullis').spec.ingress;
    assert.deepEqual(publicRule.ports, [{ port: 'http' }]);
    assert.deepEqual(publicRule.from.map((f: { namespaceSelector: { matchLabels: object } }) => f.namespaceSelector.matchLabels), [{ 'kubernetes.io/metadata.name': 'ingress-nginx' }]);
    assert.deepEqual(adminRule.ports, [{ port: 'admin' }]);
    assert.deepEqual(adminRule.from, [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'portcullis-admin' } } },
      { podSelector: { matchLabels: { 'portcullis.dev/admin-client': 'true' } } },
    ]);
    assert.equal(one(prod, 'Job', 'portcullis-migrate').spec.template.metadata.labels['portcullis.dev/admin-client'], 'true');
    for (const ingress of prod.filter((o) => o.kind === 'Ingress')) {
      assert.ok(ingress.spec.rules.every((r: { http: { paths: { backend: { service: { name: string } } }[] } }) => r.http.paths.every((p) => p.backend.service.name === 'portcullis')));
    }
    assert.deepEqual(one(prod, 'Service', 'portcullis').spec.ports.map((p: { targetPort: string }) => p.targetPort), ['http']);
  });

  it('PostgreSQL: 1 primary + 3 replicas, synchronous, rw and ro poolers, backups to a placeholder bucket', () => {
    const cluster = one(prod, 'Cluster', 'portcullis-db');
    assert.equal(cluster.spec.instances, 4);
    assert.deepEqual(cluster.spec.postgresql.synchronous, { method: 'any', number: 1, dataDurability: 'required' });
    assert.match(cluster.spec.backup.barmanObjectStore.destinationPath, /REPLACE-WITH-YOUR-BUCKET/);
    for (const type of ['rw', 'ro']) {
      const pooler = one(prod, 'Pooler', `portcullis-db-pooler-${type}`);
      assert.deepEqual([pooler.spec.cluster.name, pooler.spec.type, pooler.spec.pgbouncer.poolMode], ['portcullis-db', type, 'transaction']);
    }
    const env = JSON.stringify(one(prod, 'Deployment', 'portcullis').spec.template.spec.containers[0].env);
    assert.match(env, /@portcullis-db-pooler-rw:5432\/portcullis"/);
    assert.match(env, /@portcullis-db-pooler-ro:5432\/portcullis"/);
    assert.equal(one(prod, 'ScheduledBackup', 'portcullis-db-nightly').spec.cluster.name, 'portcullis-db');
  });

  it('the point-in-time restore Cluster of docs/maintenance.md passes the CloudNativePG schema and reads this bucket', async () => {
    const doc = await readFile(path.join(root, 'docs/maintenance.md'), 'utf8');
    const block = /```yaml\n(# portcullis-db-restore\.yaml[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(block, 'docs/maintenance.md shows portcullis-db-restore.yaml');
    const restore = YAML.parse(block) as K8sObject;
    assert.deepEqual(validateObject(restore), []);
    const source = restore.spec.externalClusters.find((c: { name: string }) => c.name === restore.spec.bootstrap.recovery.source);
    assert.ok(source, 'bootstrap.recovery.source names an external cluster');
    assert.ok(restore.spec.bootstrap.recovery.recoveryTarget.targetTime);
    const original = one(prod, 'Cluster', 'portcullis-db');
    assert.equal(source.barmanObjectStore.serverName, original.metadata.name);
    const { destinationPath, endpointURL, s3Credentials } = original.spec.backup.barmanObjectStore;
    assert.deepEqual({ destinationPath: source.barmanObjectStore.destinationPath, endpointURL: source.barmanObjectStore.endpointURL, s3Credentials: source.barmanObjectStore.s3Credentials }, { destinationPath, endpointURL, s3Credentials });
    // The check can fail: a misspelt field of the recovery is refused.
    const broken = structuredClone(restore);
    broken.spec.bootstrap.recovery.recoveryTarget.targetTiem = broken.spec.bootstrap.recovery.recoveryTarget.targetTime;
    assert.match(validateObject(broken).join(), /targetTiem/);
  });

  it('Redis: three servers with deploy/redis/redis.conf, three Sentinels, the app asks the Sentinels', async () => {
    const replication = one(prod, 'RedisReplication', 'portcullis-redis');
    const sentinel = one(prod, 'RedisSentinel', 'portcullis-redis');
    assert.equal(replication.spec.clusterSize, 3);
    assert.equal(sentinel.spec.clusterSize, 3);
    assert.equal(sentinel.spec.redisSentinelConfig.redisReplicationName, 'portcullis-redis');
    const config = one(prod, 'ConfigMap', replication.spec.redisConfig.additionalRedisConfig);
    assert.equal(config.data?.['redis-additional.conf'], await readFile(path.join(root, 'deploy/redis/redis.conf'), 'utf8'));
    const env = Object.fromEntries(one(prod, 'Deployment', 'portcullis').spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    assert.equal(env.REDIS_SENTINELS, `${sentinel.metadata.name}-sentinel:26379`);
    assert.equal(env.REDIS_SENTINEL_NAME, sentinel.spec.redisSentinelConfig.masterGroupName);
    assert.ok(!('REDIS_URL' in env), 'REDIS_URL and REDIS_SENTINELS together are a configuration error');
  });

  it('the data tier (PostgreSQL, poolers, Redis) accepts only this namespace, its operators and Prometheus', () => {
    const policy = one(prod, 'NetworkPolicy', 'portcullis-data');
    assert.equal(policy.metadata.labels?.['portcullis.dev/tier'], 'database', 'applied before any data exists');
    assert.deepEqual(policy.spec.podSelector, { matchExpressions: [
      { key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['portcullis'] },
      { key: 'acme.cert-manager.io/http01-solver', operator: 'DoesNotExist' },
    ] });
    assert.deepEqual(policy.spec.ingress, [{ from: [
      { podSelector: {} },
      ...['cnpg-system', 'redis-operator', 'monitoring'].map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
    ] }]);
    // The app's pods are left to their own, narrower policy (policies add up).
    const app = one(prod, 'Deployment', 'portcullis').spec.template.metadata.labels;
    assert.equal(app['app.kubernetes.io/name'], 'portcullis');
  });

  it('monitoring: the ServiceMonitor scrapes the admin Service as job "portcullis"; rules and dashboards come from deploy/', async () => {
    const monitor = one(prod, 'ServiceMonitor', 'portcullis');
    const admin = one(prod, 'Service', 'portcullis-admin');
    assert.deepEqual(admin.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]), [['admin', 9464]]);
    for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) assert.equal(admin.metadata.labels?.[key], value);
    assert.equal(admin.metadata.labels?.[monitor.spec.jobLabel], 'portcullis');
    assert.deepEqual(monitor.spec.endpoints.map((e: { port: string; path: string }) => `${e.port}${e.path}`), ['admin/metrics']);

    assert.ok(appRuleFiles().includes('portcullis-alerts.yml'));
    assert.deepEqual(one(prod, 'PrometheusRule', 'portcullis').spec.groups, appRuleGroups(),
      'deploy/prometheus/rules changed: run `node --import tsx scripts/kubernetes-prometheus-rules.ts`');

    const dashboards = (await readdir(path.join(root, 'deploy/grafana/dashboards'))).filter((f) => f.endsWith('.json'));
    const maps = prod.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    assert.equal(maps.length, dashboards.length, 'one ConfigMap per dashboard');
    for (const file of dashboards) {
      const map = maps.find((m) => m.data?.[file] !== undefined);
      assert.ok(map, `${file} has no ConfigMap`);
      assert.equal(map.data?.[file], await readFile(path.join(root, 'deploy/grafana/dashboards', file), 'utf8'));
    }
  });
});
