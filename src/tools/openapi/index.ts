export { registerOpenApiTools, UpstreamHttpError } from './register-openapi-tools.ts';
export type { OpenApiToolsOptions, OpenApiAuth } from './register-openapi-tools.ts';
export { jsonSchemaToZod, defaultMaxStringLength } from './json-schema-to-zod.ts';
export type { OpenApiDocument, OpenApiOperation, OpenApiParameter, HttpMethod } from './openapi-document.ts';
