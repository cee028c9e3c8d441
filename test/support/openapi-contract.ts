/**
 * Reading an OpenAPI 3.1 document for contract tests: its operations, concrete paths for its
 * templates (from each parameter's enum or example), and a JSON Schema 2020-12 validator that
 * resolves `#/components/schemas/…`.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export type Doc = Record<string, any>;
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface DocOperation {
  method: string;
  path: string;
  operationId: string;
  op: Record<string, any>;
  parameters: Array<Record<string, any>>;
}

export function operationsOf(doc: Doc): DocOperation[] {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({
      method: method.toUpperCase(),
      path,
      operationId: item[method].operationId,
      op: item[method],
      parameters: [...(item.parameters ?? []), ...(item[method].parameters ?? [])],
    })),
  );
}

const templateParams = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
const pathParam = (op: DocOperation, name: string) => op.parameters.find((p) => p.in === 'path' && p.name === name);

/** Every concrete path the template stands for: each enum value, else the example, else a sample. */
export function samplePaths(op: DocOperation): string[] {
  let paths = [op.path];
  for (const name of templateParams(op.path)) {
    const param = pathParam(op, name);
    const values: unknown[] = param?.schema?.enum ?? [param?.example ?? `sample-${name}`];
    paths = paths.flatMap((path) => values.map((value) => path.replace(`{${name}}`, encodeURIComponent(String(value)))));
  }
  return paths;
}

/** Whether a concrete path is one the template describes (enum-limited parameters only take their values). */
export function templateMatches(op: DocOperation, concrete: string): boolean {
  const source = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
    const values: unknown[] | undefined = pathParam(op, name)?.schema?.enum;
    return values ? `(?:${values.map((v) => String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})` : '[^/]+';
  });
  return new RegExp(`^${source}$`).test(concrete);
}

/** Path parameters named in the template and declared as parameters, both ways. */
export function pathParameterMismatches(op: DocOperation): string[] {
  const named = templateParams(op.path);
  const declared = op.parameters.filter((p) => p.in === 'path').map((p) => p.name as string);
  return [...named.filter((n) => !declared.includes(n)), ...declared.filter((d) => !named.includes(d))].map((n) => `${op.method} ${op.path}: path parameter ${n}`);
}

const SCHEMAS_ID = 'https://checkout-sagas.invalid/components';

function relinked<T>(value: T, base: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${base}#/$defs/`)) as T;
}

/** Validates values against the document's schemas (the dialect of OpenAPI 3.1 is 2020-12). */
export function schemaValidator(doc: Doc) {
  // strictRequired off: a schema may require a field it leaves undescribed (`openapi` of the document).
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: relinked(doc.components.schemas, '') });
  const cache = new Map<string, ValidateFunction>();
  return (schema: unknown, value: unknown): string | null => {
    const key = JSON.stringify(schema);
    let validate = cache.get(key);
    if (!validate) cache.set(key, (validate = ajv.compile(relinked(schema as object, SCHEMAS_ID))));
    return validate(value) ? null : ajv.errorsText(validate.errors, { separator: '; ' });
  };
}

/** Every example in the document with the schema it must satisfy, named by where it sits. */
export function examplesOf(doc: Doc): Array<{ where: string; schema: unknown; value: unknown }> {
  const out: Array<{ where: string; schema: unknown; value: unknown }> = [];
  const fromMedia = (where: string, media: Record<string, any>) => {
    for (const [type, content] of Object.entries(media ?? {})) {
      if (content.example !== undefined) out.push({ where: `${where} ${type}`, schema: content.schema, value: content.example });
      for (const [name, example] of Object.entries((content.examples ?? {}) as Record<string, { value: unknown }>)) out.push({ where: `${where} ${type} (${name})`, schema: content.schema, value: example.value });
    }
  };
  for (const { method, path, op, parameters } of operationsOf(doc)) {
    for (const param of parameters) if (param.example !== undefined) out.push({ where: `${method} ${path} parameter ${param.name}`, schema: param.schema, value: param.example });
    if (op.requestBody) fromMedia(`${method} ${path} request`, op.requestBody.content);
    for (const [status, response] of Object.entries(op.responses as Record<string, any>)) fromMedia(`${method} ${path} ${status}`, response.content);
  }
  return out;
}
