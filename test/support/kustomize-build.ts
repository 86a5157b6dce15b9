import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * `kustomize build` for the subset of kustomize that deploy/kubernetes uses, so CI can check the
 * manifests without the kustomize binary or a cluster: `resources` (files and directories with
 * their own kustomization), `namespace`, `images`, `replicas`, and `patches` given by `path`
 * (strategic merge: the patch names its resource by apiVersion, kind and name; maps merge, lists
 * of named items merge by `name`, other lists are replaced, `$patch: delete` removes the
 * resource). Any other field is refused, so a kustomization cannot use a feature this resolver
 * would silently ignore.
 */
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const supportedFields = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'replicas', 'patches']);

/** Every document of a YAML file (comments and `---` separators allowed). */
export function readYamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { merge: true }).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
    const value: unknown = document.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

export function kustomizeBuild(directory: string): Resource[] {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => path.join(directory, name)).find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`${directory} has no kustomization.yaml`);
  const [kustomization] = readYamlDocuments(file) as JsonObject[];
  if (!kustomization || kustomization.kind !== 'Kustomization') throw new Error(`${file} is not a Kustomization`);
  for (const field of Object.keys(kustomization)) {
    if (!supportedFields.has(field)) throw new Error(`${file}: "${field}" is not supported by this resolver`);
  }

  let resources: Resource[] = [];
  for (const entry of (kustomization.resources ?? []) as string[]) {
    const target = path.resolve(directory, entry);
    if (!existsSync(target)) throw new Error(`${file}: resource ${entry} does not exist`);
    const added = statSync(target).isDirectory() ? kustomizeBuild(target) : (readYamlDocuments(target) as Resource[]);
    for (const resource of added) {
      if (typeof resource.apiVersion !== 'string' || typeof resource.kind !== 'string' || typeof resource.metadata?.name !== 'string') {
        throw new Error(`${target}: a resource without apiVersion, kind or metadata.name`);
      }
      if (resources.some((other) => idOf(other) === idOf(resource))) throw new Error(`${file}: ${idOf(resource)} is defined twice`);
      resources.push(structuredClone(resource));
    }
  }

  for (const patch of (kustomization.patches ?? []) as JsonObject[]) {
    if (typeof patch.path !== 'string' || Object.keys(patch).length !== 1) throw new Error(`${file}: only patches given by "path" alone are supported`);
    for (const document of readYamlDocuments(path.resolve(directory, patch.path)) as JsonObject[]) {
      const { $patch: directive, ...body } = document;
      const id = idOf(body as unknown as Resource);
      const index = resources.findIndex((resource) => idOf(resource) === id);
      if (index < 0) throw new Error(`${file}: patch ${patch.path} matches no resource (${id})`);
      if (directive === 'delete') resources.splice(index, 1);
      else if (directive === undefined) resources[index] = merge(resources[index] as unknown as Json, body as Json) as unknown as Resource;
      else throw new Error(`${patch.path}: $patch: ${String(directive)} is not supported`);
    }
  }

  for (const replica of (kustomization.replicas ?? []) as Array<{ name: string; count: number }>) {
    const targets = resources.filter((resource) => ['Deployment', 'StatefulSet'].includes(resource.kind) && resource.metadata.name === replica.name);
    if (targets.length === 0) throw new Error(`${file}: replicas for ${replica.name}, which is not a Deployment here`);
    for (const target of targets) (target.spec as JsonObject).replicas = replica.count;
  }

  for (const image of (kustomization.images ?? []) as Array<{ name: string; newName?: string; newTag?: string; digest?: string }>) {
    let used = false;
    for (const container of containersOf(resources)) {
      const [name, tag] = splitImage(container.image as string);
      if (name !== image.name) continue;
      used = true;
      const reference = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : '';
      container.image = `${image.newName ?? name}${reference}`;
    }
    if (!used) throw new Error(`${file}: image ${image.name} is used by no container`);
  }

  if (typeof kustomization.namespace === 'string') {
    resources = resources.map((resource) => ({ ...resource, metadata: { ...resource.metadata, namespace: kustomization.namespace as string } }));
  }
  return resources;
}

function idOf(resource: Resource): string {
  return `${resource.apiVersion}/${resource.kind}/${resource.metadata?.name}`;
}

/** Every container and init container of the resources' pod templates. */
function containersOf(resources: Resource[]): JsonObject[] {
  return resources.flatMap((resource) => {
    const podSpec = ((resource.spec as JsonObject | undefined)?.template as JsonObject | undefined)?.spec as JsonObject | undefined;
    return [...((podSpec?.containers ?? []) as JsonObject[]), ...((podSpec?.initContainers ?? []) as JsonObject[])];
  });
}

function splitImage(image: string): [string, string | undefined] {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? [withoutDigest.slice(0, colon), withoutDigest.slice(colon + 1)] : [withoutDigest, undefined];
}

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNamedList = (value: Json | undefined): value is JsonObject[] => Array.isArray(value) && value.every((item) => isObject(item) && typeof item.name === 'string');

/** Strategic merge, for what these manifests use: maps merge, named lists merge by name, null deletes. */
function merge(base: Json | undefined, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const merged: JsonObject = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = merge(base[key], value);
    }
    return merged;
  }
  if (isNamedList(base) && isNamedList(patch)) {
    const merged = [...base];
    for (const item of patch) {
      const index = merged.findIndex((candidate) => candidate.name === item.name);
      if (index < 0) merged.push(item);
      else merged[index] = merge(merged[index], item) as JsonObject;
    }
    return merged;
  }
  return patch;
}
