import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { projectRoot } from './dynamodb-local.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LambdaHandler = (event: any, context: Context) => Promise<any>;

const cache = new Map<string, Promise<LambdaHandler>>();
const modules = new Map<string, Promise<Record<string, unknown>>>();

/** The whole module `functions/<name>.ts` (streaming routes export `stream`). */
export function loadModule(name: string): Promise<Record<string, unknown>> {
  let loaded = modules.get(name);
  if (!loaded) {
    loaded = import(join(projectRoot, 'functions', `${name}.ts`)) as Promise<Record<string, unknown>>;
    modules.set(name, loaded);
  }
  return loaded;
}

/** The `handler` export of `functions/<name>.ts`: the module the stack bundles. */
export function loadHandler(name: string): Promise<LambdaHandler> {
  let loaded = cache.get(name);
  if (!loaded) {
    loaded = loadModule(name).then((module) => {
      if (typeof module.handler !== 'function') throw new Error(`functions/${name}.ts exports no handler`);
      return module.handler as LambdaHandler;
    });
    cache.set(name, loaded);
  }
  return loaded;
}
