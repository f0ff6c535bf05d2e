import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { projectRoot } from './dynamodb-local.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LambdaHandler = (event: any, context: Context) => Promise<any>;

export interface FunctionLoader {
  /** The whole module `functions/<name>.ts` (streaming routes export `stream`). */
  loadModule(name: string): Promise<Record<string, unknown>>;
  /** The `handler` export of `functions/<name>.ts`: the module the stack bundles. */
  loadHandler(name: string): Promise<LambdaHandler>;
}

let loaders = 0;

/**
 * The function modules of one runtime, each loaded once, on first use (its
 * cold start). A runtime started later in the same process loads them
 * afresh, so its functions read the configuration of their own start, as
 * new function instances would: the integration tests' workers start one
 * runtime per test file in one module graph.
 */
export function functionLoader(): FunctionLoader {
  loaders += 1;
  const instance = loaders === 1 ? '' : `?runtime=${loaders}`;
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const loadModule = (name: string) => {
    let loaded = modules.get(name);
    if (!loaded) {
      loaded = import(`${join(projectRoot, 'functions', `${name}.ts`)}${instance}`) as Promise<Record<string, unknown>>;
      modules.set(name, loaded);
    }
    return loaded;
  };
  const loadHandler = async (name: string) => {
    const module = await loadModule(name);
    if (typeof module.handler !== 'function') throw new Error(`functions/${name}.ts exports no handler`);
    return module.handler as LambdaHandler;
  };
  return { loadModule, loadHandler };
}
