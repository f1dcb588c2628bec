// The server layer's door: other layers import server/ only through this file (outside local-cloud/, only tests reach inside).
// Layers, imported downward only: store → database → runtime → services → server → tools. A layer
// imports itself and the layers before it, those through their index.ts; eslint.config.mjs enforces it.
//
// server: the HTTP server (function calls, control routes, static H5 files) and the local sign-in session.
export { countJsonKeys, createServer, listenHost, MAX_KEYS } from './server';
export { DEMO_OPENIDS, SESSION_COOKIE, SESSION_TTL_MS, SessionSigner, parseCookies } from './session';
