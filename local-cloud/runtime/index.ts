// The runtime layer's door: other layers import runtime/ only through this file (outside local-cloud/, only tests reach inside).
// Layers, imported downward only: store → database → runtime → services → server → tools. A layer
// imports itself and the layers before it, those through their index.ts; eslint.config.mjs enforces it.
//
// runtime: the wx-server-sdk transport, the function host (loading, per-invocation env) and the timer triggers.
export { installSdkTransport, invocationContext, type NodeSdkAnswer, type WXInvocationContext } from './sdk-transport';
export { bindFunctionEnv, installFunctionEnv } from './function-env';
export {
  FUNCTIONS_DIST,
  FUNCTIONS_SRC,
  PROJECT_ROOT,
  checkFunctionConfig,
  listFunctions,
  loadFunction,
  readFunctionConfig,
  type FunctionConfig,
  type FunctionMain,
  type FunctionSource,
} from './functions';
export { startTimers } from './timers';
