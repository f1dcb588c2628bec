// The tools layer's door: other layers import tools/ only through this file (outside local-cloud/, only tests reach inside).
// Layers, imported downward only: store → database → runtime → services → server → tools. A layer
// imports itself and the layers before it, those through their index.ts; eslint.config.mjs enforces it.
//
// tools: the entry points (main.ts for `npm start`, cli.ts for `npm run job` / `npm run seed`) and the demo seed.
// The entry points are not re-exported: importing them would run them.
export { DEMO_MESSAGE_TEMPLATES, SEED_MARKER, seedDemoData, seedState } from './seed';
