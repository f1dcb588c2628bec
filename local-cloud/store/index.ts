// The store layer's door: other layers import store/ only through this file (outside local-cloud/, only tests reach inside).
// Layers, imported downward only: store → database → runtime → services → server → tools. A layer
// imports itself and the layers before it, those through their index.ts; eslint.config.mjs enforces it.
//
// store: the embedded durable document store (SQLite via better-sqlite3), its WAL checkpointer, EJSON storage, query → SQL.
export { DocumentStore, StoreError, type Doc, type DatabaseSchema, type IndexSpec } from './store';
export { decode, encode } from './ejson';
export { orderBySql, translateQuery, type SortSpec } from './query-sql';
