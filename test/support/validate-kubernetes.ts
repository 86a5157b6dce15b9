import path from 'node:path';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import ts from 'typescript';
import type { Resource } from './kustomize-build.ts';

/**
 * Offline validation of Kubernetes resources, in two parts:
 * - `kubernetes-models` validators, generated from the Kubernetes OpenAPI schema (KEDA's from its
 *   CRDs): types, required fields, enums, formats such as quantities;
 * - unknown fields (what `kubeconform -strict` catches: a misspelt `readinesProbe` is ignored by
 *   the API server, not refused), which those schemas allow: the resources are type-checked as
 *   object literals of the same models' TypeScript interfaces, whose excess property check
 *   names every field the schema does not define.
 */
interface Model {
  validate(): void;
}
interface Kind {
  create: (data: never) => Model;
  /** Module and interface for the unknown-field check. */
  module: string;
  type: string;
}

const kinds: Record<string, Kind> = {
  'v1/ConfigMap': { create: (data) => new ConfigMap(data), module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'v1/Secret': { create: (data) => new Secret(data), module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/Service': { create: (data) => new Service(data), module: 'kubernetes-models/v1/Service', type: 'IService' },
  'apps/v1/Deployment': { create: (data) => new Deployment(data), module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'policy/v1/PodDisruptionBudget': { create: (data) => new PodDisruptionBudget(data), module: 'kubernetes-models/policy/v1/PodDisruptionBudget', type: 'IPodDisruptionBudget' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    create: (data) => new HorizontalPodAutoscaler(data),
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    type: 'IHorizontalPodAutoscaler',
  },
  'keda.sh/v1alpha1/ScaledObject': { create: (data) => new ScaledObject(data), module: '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', type: 'IScaledObject' },
  'keda.sh/v1alpha1/TriggerAuthentication': {
    create: (data) => new TriggerAuthentication(data),
    module: '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication',
    type: 'ITriggerAuthentication',
  },
};

const kindOf = (resource: Resource) => `${resource.apiVersion}/${resource.kind}`;
const idOf = (resource: Resource) => `${resource.kind}/${resource.metadata.name}`;

/** Schema violations, one line per resource that has any. */
export function schemaProblems(resources: Resource[]): string[] {
  return resources.flatMap((resource) => {
    const kind = kinds[kindOf(resource)];
    if (!kind) return [`${idOf(resource)}: no schema here for ${kindOf(resource)}`];
    try {
      kind.create(structuredClone(resource) as never).validate();
      return [];
    } catch (error) {
      return [`${idOf(resource)}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

/** Fields no schema defines, as TypeScript's excess property errors, each with its resource. */
export function unknownFields(resources: Resource[]): string[] {
  const known = resources.filter((resource) => kinds[kindOf(resource)]);
  const virtualFile = path.join(repositoryRoot, 'test', 'support', '__kubernetes-resources__.ts');
  const source = known
    .map((resource, index) => {
      const kind = kinds[kindOf(resource)] as Kind;
      return `import type { ${kind.type} as T${index} } from '${kind.module}';\nexport const r${index}: T${index} = ${JSON.stringify(resource)};`;
    })
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, ...rest) =>
    fileName === virtualFile ? ts.createSourceFile(fileName, source, language) : getSourceFile.call(host, fileName, language, ...rest);
  host.fileExists = (fileName) => fileName === virtualFile || fileExists.call(host, fileName);
  host.readFile = (fileName) => (fileName === virtualFile ? source : readFile.call(host, fileName));
  const program = ts.createProgram([virtualFile], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : -1;
    // Two lines per resource: its import, then its literal.
    const resource = known[Math.floor(line / 2)];
    return `${resource ? idOf(resource) : '?'}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}
