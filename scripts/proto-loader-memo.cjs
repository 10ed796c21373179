// Stand-in for @grpc/proto-loader inside the bundles: the Milvus SDK builds a gRPC package
// definition from the same proto JSON, with the same options, twice per client (MilvusService and
// ClientTelemetryService), and each build costs ~250 ms of CPU at start-up. A definition is a pure
// function of its inputs and grpc-js only reads it, so a repeated build returns the first one.
'use strict';
const real = require('@grpc/proto-loader');

/** proto JSON object -> (options as JSON -> package definition) */
const built = new WeakMap();

function fromJSON(json, options) {
  if (json === null || typeof json !== 'object') {
    return real.fromJSON(json, options);
  }
  let byOptions = built.get(json);
  if (!byOptions) {
    byOptions = new Map();
    built.set(json, byOptions);
  }
  const key = JSON.stringify(options ?? {});
  let definition = byOptions.get(key);
  if (!definition) {
    definition = real.fromJSON(json, options);
    byOptions.set(key, definition);
  }
  return definition;
}

module.exports = { ...real, fromJSON };
