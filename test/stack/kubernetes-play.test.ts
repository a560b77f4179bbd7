/**
 * The app's Deployment, as deploy/kubernetes/overlays/local renders it, run by a real engine:
 * `podman kube play` (Debian podman, runc, cgroupfs) with its ConfigMap and a Secret, on the
 * image `npm run image:build` makes (localhost/portcullis:dev), which this file runs first (a
 * few seconds when the image is current). It sits in the stack phase, one file at a time,
 * because the pod's embedded database needs the CPU for a minute; it does not use the stack.
 * The pod must answer its probes' endpoints, serve discovery on the public port, run as the
 * non-root user the manifest names, and be unable to write outside /tmp.
 * Without the image the test fails and says how to build it; it never skips.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { render, root, type K8sObject } from '../support/kubernetes.js';

const run = promisify(execFile);
const IMAGE = 'localhost/portcullis:dev';
const PODMAN = '/usr/bin/podman';
const SECRET = 'portcullis-app';

/** podman with this test's own engine settings (no systemd, no host ulimits to copy). */
async function podman(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const { stdout } = await run(PODMAN, args, { env, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 });
  return stdout;
}

/**
 * GET a URL from inside the pod (the kubelet probes the pod's address; inside the pod,
 * 127.0.0.1 reaches the same listeners), until it answers 200 or the deadline passes. From
 * inside, because podman's CNI networking gives kube-played pods here no reachable address.
 */
async function getInPod(env: NodeJS.ProcessEnv, container: string, url: string, deadline: number): Promise<string> {
  const script = 'fetch(process.argv[1]).then(async (r) => { process.stdout.write(await r.text()); process.exitCode = r.ok ? 0 : 2; }, (e) => { process.stderr.write(String(e)); process.exitCode = 3; })';
  let last = '';
  while (Date.now() < deadline) {
    try {
      return await podman(env, 'exec', container, 'node', '-e', script, url);
    } catch (error) {
      last = error instanceof Error ? error.message.split('\n').slice(0, 2).join(' ') : String(error);
    }
    await sleep(500);
  }
  throw new Error(`${url} did not answer 200 in time (last: ${last})`);
}

describe('podman kube play: the app Deployment (overlays/local)', () => {
  let dir: string;
  let file: string;
  let env: NodeJS.ProcessEnv;
  let ports: { http: number; admin: number };
  let container: string;
  let volumes: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-play-'));
    const conf = path.join(dir, 'containers.conf');
    await writeFile(conf, '[containers]\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nruntime = "runc"\n');
    env = { ...process.env, CONTAINERS_CONF: conf };
    // The image of the current sources: `npm run image:build` reuses every cached layer when
    // nothing changed (seconds), so running it here costs little and never plays a stale image.
    const build = path.join(root, 'scripts', 'image-build.sh');
    if (existsSync(build)) {
      await run('bash', [build], { cwd: root, timeout: 540_000, maxBuffer: 32 * 1024 * 1024 }).catch((error: unknown) => {
        const stderr = (error as { stderr?: string }).stderr;
        throw new Error(`npm run image:build failed:\n${stderr ?? (error instanceof Error ? error.message : 'unknown error')}`);
      });
    }
    await podman(env, 'image', 'exists', IMAGE).catch(() => {
      throw new Error(`the image ${IMAGE} is missing and scripts/image-build.sh is not there to build it (\`npm run image:build\`)`);
    });

    const objects = await render(path.join(root, 'deploy', 'kubernetes', 'overlays', 'local'));
    const played: K8sObject[] = objects.filter((o) => o.kind === 'ConfigMap');
    const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment'));
    assert.ok(deployment, 'overlays/local renders no Deployment');
    deployment.spec.replicas = 1;
    const [app] = deployment.spec.template.spec.containers;
    // What the operator creates with `kubectl create secret` (docs/deployment.md), fresh values.
    // podman 4.3 reads an envFrom Secret from its own store, as a JSON map of base64 values
    // (a Secret inside the played YAML is not read back correctly by that version).
    const secret = { COOKIE_KEYS: randomBytes(32).toString('hex'), ENCRYPTION_KEY: randomBytes(32).toString('base64'), ADMIN_TOKEN: randomBytes(32).toString('hex') };
    const secretFile = path.join(dir, 'secret.json');
    await writeFile(secretFile, JSON.stringify(Object.fromEntries(Object.entries(secret).map(([key, value]) => [key, Buffer.from(value).toString('base64')]))), { mode: 0o600 });
    await podman(env, 'secret', 'rm', SECRET).catch(() => undefined);
    await podman(env, 'secret', 'create', SECRET, secretFile);
    played.push(deployment);
    // podman 4.3 turns an emptyDir into a named volume of the same name that outlives the pod;
    // a stale one would hand this pod another run's embedded database. Removed before and after.
    volumes = (deployment.spec.template.spec.volumes as { name: string; emptyDir?: object }[]).filter((v) => v.emptyDir).map((v) => v.name);
    for (const volume of volumes) await podman(env, 'volume', 'rm', volume).catch(() => undefined);
    file = path.join(dir, 'play.yaml');
    await writeFile(file, played.map((o) => YAML.stringify(o)).join('---\n'));
    await podman(env, 'kube', 'play', '--replace', file);
    // podman names a Deployment's pod `<name>-pod-0` and its containers `<pod>-<container>`.
    container = `${deployment.metadata.name}-pod-0-${app.name}`;
    const names = await podman(env, 'ps', '--format', '{{.Names}}');
    assert.ok(names.split('\n').includes(container), `${container} did not start; podman ps shows: ${names}`);
    const port = (name: string) => (app.ports as { name: string; containerPort: number }[]).find((p) => p.name === name)?.containerPort;
    ports = { http: Number(port('http')), admin: Number(port('admin')) };
  });

  after(async () => {
    if (file) await podman(env, 'kube', 'down', file).catch(() => undefined);
    if (env) await podman(env, 'secret', 'rm', SECRET).catch(() => undefined);
    for (const volume of volumes) await podman(env, 'volume', 'rm', volume).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers its liveness and readiness probes on the admin port, and discovery on the public port', async () => {
    // Embedded mode starts PGlite in the process: up to a minute on a busy 2-core machine.
    const deadline = Date.now() + 120_000;
    const health = JSON.parse(await getInPod(env, container, `http://127.0.0.1:${ports.admin}/healthz`, deadline)) as { status: string };
    assert.equal(health.status, 'ok');
    await getInPod(env, container, `http://127.0.0.1:${ports.admin}/readyz`, deadline);
    const discovery = JSON.parse(await getInPod(env, container, `http://127.0.0.1:${ports.http}/.well-known/openid-configuration`, deadline)) as { issuer: string };
    assert.equal(discovery.issuer, 'http://localhost:3000');
  });

  it('runs as the manifest\'s non-root user with a read-only root filesystem; /tmp is writable', async () => {
    const uid = await podman(env, 'exec', container, 'sh', '-c', 'id -u');
    assert.equal(uid.trim(), '10001');
    await assert.rejects(podman(env, 'exec', container, 'sh', '-c', 'touch /app/written'), /Read-only file system/);
    await podman(env, 'exec', container, 'sh', '-c', 'touch /tmp/written');
  });
});
