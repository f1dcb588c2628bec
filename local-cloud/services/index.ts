// The services layer's door: other layers import services/ only through this file (outside local-cloud/, only tests reach inside).
// Layers, imported downward only: store → database → runtime → services → server → tools. A layer
// imports itself and the layers before it, those through their index.ts; eslint.config.mjs enforces it.
//
// services: openapi, outbox, subscription credits, storage, and LocalCloud, the composition of every layer below.
export { FunctionInvocationError, LocalCloud, readDatabaseSchema, type Caller, type FunctionLogRecord, type LocalCloudOptions } from './local-cloud';
export { StorageError, TEMP_URL_MAX_AGE_S } from './storage';
